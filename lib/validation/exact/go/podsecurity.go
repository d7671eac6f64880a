package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/apps"
	"k8s.io/kubernetes/pkg/apis/batch"
	"k8s.io/kubernetes/pkg/apis/core"
	podsecurityadmission "k8s.io/pod-security-admission/admission"
	podsecurityconfigloader "k8s.io/pod-security-admission/admission/api/load"
	podsecurityapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/metrics"
	"k8s.io/pod-security-admission/policy"
)

// podSecurity is the PodSecurity admission plugin (plugin/pkg/admission/security/podsecurity) with its default
// configuration, reading namespaces from the cluster state instead of an informer.
type podSecurity struct {
	configs map[string]*podsecurityadmission.Admission
}

func newPodSecurity() *podSecurity {
	return &podSecurity{configs: map[string]*podsecurityadmission.Admission{}}
}

// admission is the plugin's delegate for one configuration of defaults (built once per distinct defaults).
func (p *podSecurity) admission(defaults map[string]string) (*podsecurityadmission.Admission, error) {
	key := fmt.Sprint(defaults)
	if delegate, ok := p.configs[key]; ok {
		return delegate, nil
	}
	config, err := podsecurityconfigloader.LoadFromData(admissionConfiguration(defaults))
	if err != nil {
		return nil, err
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err)
	}
	delegate := &podsecurityadmission.Admission{
		Configuration:    config,
		Evaluator:        evaluator,
		Metrics:          noMetrics{},
		PodSpecExtractor: podsecurityadmission.DefaultPodSpecExtractor{},
		PodLister:        noPods{},
		NamespaceGetter:  namespaceGetter{},
	}
	if err := delegate.CompleteConfiguration(); err != nil {
		return nil, err
	}
	if err := delegate.ValidateConfiguration(); err != nil {
		return nil, err
	}
	p.configs[key] = delegate
	return delegate, nil
}

// admissionConfiguration is the PodSecurityConfiguration file an API server would be given for these defaults.
func admissionConfiguration(defaults map[string]string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n")
	for _, key := range []string{"enforce", "enforce-version", "audit", "audit-version", "warn", "warn-version"} {
		if value, ok := defaults[key]; ok {
			fmt.Fprintf(&b, "  %s: %q\n", key, value)
		}
	}
	return []byte(b.String())
}

var applicableResources = map[schema.GroupResource]bool{
	corev1.Resource("pods"):       true,
	corev1.Resource("namespaces"): true,
}

// validate is the plugin's Validate, with the namespace getter bound to this batch's cluster state.
func (p *podSecurity) validate(ctx context.Context, a admission.Attributes, cluster *clusterState) error {
	gr := a.GetResource().GroupResource()
	if !applicableResources[gr] && !(podsecurityadmission.DefaultPodSpecExtractor{}).HasPodSpec(gr) {
		return nil
	}
	delegate, err := p.admission(cluster.options.PodSecurityDefaults)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	result := delegate.Validate(ctx, &lazyConvertingAttributes{Attributes: a})
	for _, w := range result.Warnings {
		warning.AddWarning(ctx, "", w)
	}
	if !result.Allowed {
		retval := admission.NewForbidden(a, errors.New("Not allowed by PodSecurity")).(*apierrors.StatusError)
		if result.Result != nil {
			if len(result.Result.Message) > 0 {
				retval.ErrStatus.Message = result.Result.Message
			}
			if len(result.Result.Reason) > 0 {
				retval.ErrStatus.Reason = result.Result.Reason
			}
			if result.Result.Details != nil {
				retval.ErrStatus.Details = result.Result.Details
			}
			if result.Result.Code != 0 {
				retval.ErrStatus.Code = result.Result.Code
			}
		}
		return retval
	}
	return nil
}

// namespaceGetter reads the namespaces of the batch being validated.
type namespaceGetter struct{}

func (namespaceGetter) GetNamespace(_ context.Context, name string) (*corev1.Namespace, error) {
	if currentCluster == nil {
		return nil, fmt.Errorf("no cluster state")
	}
	return currentCluster.namespace(name), nil
}

// noPods: a namespace's existing pods are only listed when its labels change, which a create never does here.
type noPods struct{}

func (noPods) ListPods(context.Context, string) ([]*corev1.Pod, error) { return nil, nil }

type noMetrics struct{}

func (noMetrics) RecordEvaluation(metrics.Decision, podsecurityapi.LevelVersion, metrics.Mode, podsecurityapi.Attributes) {
}
func (noMetrics) RecordExemption(podsecurityapi.Attributes)   {}
func (noMetrics) RecordError(bool, podsecurityapi.Attributes) {}

// lazyConvertingAttributes and convert are the plugin's: Pod Security reads the v1 objects.
type lazyConvertingAttributes struct {
	admission.Attributes

	convertObjectOnce    sync.Once
	convertedObject      runtime.Object
	convertedObjectError error
}

func (l *lazyConvertingAttributes) GetObject() (runtime.Object, error) {
	l.convertObjectOnce.Do(func() {
		l.convertedObject, l.convertedObjectError = convert(l.Attributes.GetObject())
	})
	return l.convertedObject, l.convertedObjectError
}

func (l *lazyConvertingAttributes) GetOldObject() (runtime.Object, error) { return nil, nil }

func (l *lazyConvertingAttributes) GetOperation() admissionv1.Operation {
	return admissionv1.Operation(l.Attributes.GetOperation())
}

func (l *lazyConvertingAttributes) GetUserName() string {
	return l.GetUserInfo().GetName()
}

func convert(in runtime.Object) (runtime.Object, error) {
	var out runtime.Object
	switch in.(type) {
	case *core.Namespace:
		out = &corev1.Namespace{}
	case *core.Pod:
		out = &corev1.Pod{}
	case *core.ReplicationController:
		out = &corev1.ReplicationController{}
	case *core.PodTemplate:
		out = &corev1.PodTemplate{}
	case *apps.ReplicaSet:
		out = &appsv1.ReplicaSet{}
	case *apps.Deployment:
		out = &appsv1.Deployment{}
	case *apps.StatefulSet:
		out = &appsv1.StatefulSet{}
	case *apps.DaemonSet:
		out = &appsv1.DaemonSet{}
	case *batch.Job:
		out = &batchv1.Job{}
	case *batch.CronJob:
		out = &batchv1.CronJob{}
	default:
		return in, fmt.Errorf("unexpected type %T", in)
	}
	if err := legacyscheme.Scheme.Convert(in, out, nil); err != nil {
		return in, err
	}
	return out, nil
}
