package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/endpoints/handlers/responsewriters"
	"k8s.io/apiserver/pkg/endpoints/request"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/capabilities"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// The field manager kubectl apply --server-side sends.
const fieldManagerName = "kubectl"

// Options describe the cluster an output is validated for: what the objects' namespaces look like, and the
// admission settings that depend on the cluster's configuration.
type Options struct {
	// Namespaces maps each namespace the objects may live in to its labels (Pod Security reads them).
	// A namespace missing here is treated as existing without labels.
	Namespaces map[string]map[string]string `json:"namespaces"`
	// ServiceNodePortRange is the API server's --service-node-port-range, e.g. "30000-32767".
	ServiceNodePortRange string `json:"serviceNodePortRange"`
	// PodSecurityDefaults is the PodSecurity admission configuration's defaults: the levels of namespaces whose
	// labels do not set them, e.g. {"enforce": "restricted", "enforce-version": "latest"}. Empty: privileged.
	PodSecurityDefaults map[string]string `json:"podSecurityDefaults"`
	// AllowPrivileged is the API server's --allow-privileged (kubeadm, kind and minikube set it; its own default is false).
	AllowPrivileged *bool `json:"allowPrivileged"`
}

// Request is one batch: objects (JSON or YAML documents) validated as if applied to the same cluster.
type Request struct {
	Objects []json.RawMessage `json:"objects"`
	Options Options           `json:"options"`
}

// Outcome of one object: what the API server answers to `kubectl apply --server-side --dry-run=server`.
type Outcome struct {
	// Verdict: "accepted", "rejected" (by the API server), "unknown-kind" (no such kind is served: kubectl stops
	// before sending it), or "invalid-document" (kubectl cannot read it).
	Verdict string `json:"verdict"`
	// Status is the API server's answer when it refuses the object.
	Status *metav1.Status `json:"status,omitempty"`
	// Message is what kubectl reports when it cannot send the object at all.
	Message string `json:"message,omitempty"`
	// Warnings are the API server's warnings (Pod Security for workloads, deprecations, ...).
	Warnings []string `json:"warnings"`
}

type warningRecorder struct {
	mu       sync.Mutex
	warnings []string
}

func (r *warningRecorder) AddWarning(_, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, existing := range r.warnings {
		if existing == text {
			return
		}
	}
	r.warnings = append(r.warnings, text)
}

// Validator holds what is expensive to build and shared by every object: field managers per kind, Pod Security.
type Validator struct {
	scheme        *runtime.Scheme
	typeConverter managedfields.TypeConverter
	fieldManagers map[schema.GroupVersionKind]*managedfields.FieldManager
	podSecurity   *podSecurity
}

func NewValidator() *Validator {
	// The API server logs what this validator reports as results (e.g. errors that are not a Status).
	klog.SetLogger(logr.Discard())
	return &Validator{
		scheme:        legacyscheme.Scheme,
		typeConverter: applyconfigurations.NewTypeConverter(legacyscheme.Scheme),
		fieldManagers: map[schema.GroupVersionKind]*managedfields.FieldManager{},
		podSecurity:   newPodSecurity(),
	}
}

// ValidateBatch validates every object of a request.
func (v *Validator) ValidateBatch(req Request) ([]Outcome, error) {
	outcomes := make([]Outcome, len(req.Objects))
	cluster, err := newClusterState(req.Options)
	if err != nil {
		return nil, err
	}
	allowPrivileged := req.Options.AllowPrivileged == nil || *req.Options.AllowPrivileged
	capabilities.Setup(allowPrivileged, 0)
	currentCluster = cluster
	defer func() { currentCluster = nil }()
	for i, object := range req.Objects {
		outcomes[i] = v.Validate(object, cluster)
	}
	return outcomes, nil
}

// Validate runs one object through what the API server does for a server-side apply that creates it.
func (v *Validator) Validate(document []byte, cluster *clusterState) (outcome Outcome) {
	outcome.Warnings = []string{}
	defer func() {
		if recovered := recover(); recovered != nil {
			outcome.Verdict = "rejected"
			outcome.Status = responsewriters.ErrorToAPIStatus(apierrors.NewInternalError(fmt.Errorf("panic: %v", recovered)))
		}
	}()

	target, problem := v.resolve(document)
	if problem != "" {
		verdict := "invalid-document"
		if target.unknownKind {
			verdict = "unknown-kind"
		}
		return Outcome{Verdict: verdict, Message: problem, Warnings: []string{}}
	}

	recorder := &warningRecorder{}
	err := v.apply(document, target, cluster, recorder)
	outcome.Warnings = append(outcome.Warnings, recorder.warnings...)
	if err != nil {
		outcome.Verdict = "rejected"
		outcome.Status = responsewriters.ErrorToAPIStatus(err)
		return outcome
	}
	outcome.Verdict = "accepted"
	return outcome
}

// target is where kubectl sends an object: its kind and resource, namespace and name.
type target struct {
	gvk         schema.GroupVersionKind
	resource    schema.GroupVersionResource
	namespaced  bool
	namespace   string
	name        string
	strategy    rest.RESTCreateStrategy
	custom      *customResource
	unknownKind bool
}

// resolve does what kubectl does before sending: read the type meta, map the kind to a resource, pick the
// namespace (the object's, else the context's "default") and the name.
func (v *Validator) resolve(document []byte) (target, string) {
	var typeMeta struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name         string `json:"name"`
			GenerateName string `json:"generateName"`
			Namespace    string `json:"namespace"`
		} `json:"metadata"`
	}
	if err := utilyaml.Unmarshal(document, &typeMeta); err != nil {
		return target{}, fmt.Sprintf("error parsing the object: %v", err)
	}
	if typeMeta.Kind == "" {
		return target{}, fmt.Sprintf("Object 'Kind' is missing in '%s'", string(document))
	}
	if typeMeta.APIVersion == "" {
		return target{}, fmt.Sprintf("Object 'apiVersion' is missing in '%s'", string(document))
	}
	gv, err := schema.ParseGroupVersion(typeMeta.APIVersion)
	if err != nil {
		return target{}, err.Error()
	}
	gvk := gv.WithKind(typeMeta.Kind)
	t := target{gvk: gvk, name: typeMeta.Metadata.Name}
	if resource, ok := builtInResources[gvk.GroupKind()]; ok && contains(resource.versions, gv.Version) {
		t.resource = resource.resource.WithVersion(gv.Version)
		t.strategy = resource.strategy
		t.namespaced = resource.strategy.NamespaceScoped()
	} else if custom := lookupCustomResource(gvk); custom != nil {
		t.resource = custom.resource.WithVersion(gv.Version)
		t.custom = custom
		t.namespaced = custom.namespaced
	} else {
		t.unknownKind = true
		return t, fmt.Sprintf("resource mapping not found for name: %q namespace: %q: no matches for kind %q in version %q\nensure CRDs are installed first",
			typeMeta.Metadata.Name, typeMeta.Metadata.Namespace, gvk.Kind, gv.String())
	}
	if t.namespaced {
		t.namespace = typeMeta.Metadata.Namespace
		if t.namespace == "" {
			t.namespace = metav1.NamespaceDefault
		}
	}
	if t.name == "" {
		// kubectl apply needs the name to look the object up; generateName only works with kubectl create.
		return t, "resource name may not be empty"
	}
	return t, ""
}

func (v *Validator) requestContext(t target, recorder *warningRecorder) context.Context {
	ctx := context.Background()
	ctx = request.WithNamespace(ctx, t.namespace)
	prefix := "apis"
	if t.gvk.Group == "" {
		prefix = "api"
	}
	ctx = request.WithRequestInfo(ctx, &request.RequestInfo{
		IsResourceRequest: true, Verb: "patch", APIPrefix: prefix, APIGroup: t.gvk.Group, APIVersion: t.gvk.Version,
		Namespace: t.namespace, Resource: t.resource.Resource, Name: t.name,
	})
	ctx = request.WithUser(ctx, &user.DefaultInfo{Name: "kubernetes-admin", Groups: []string{user.SystemPrivilegedGroup, user.AllAuthenticated}})
	return warning.WithWarningRecorder(ctx, recorder)
}

// apply follows the PATCH handler (application/apply-patch+yaml, fieldValidation=Strict, dryRun=All) for an
// object that does not exist yet: patcher.applyPatch, then Store.Update's create branch.
func (v *Validator) apply(document []byte, t target, cluster *clusterState, recorder *warningRecorder) error {
	if t.custom != nil {
		return v.applyCustom(document, t, cluster, recorder)
	}
	ctx := v.requestContext(t, recorder)
	if err := validateName(ctx, t); err != nil {
		return err
	}
	fieldManager, err := v.fieldManager(t)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	live, err := v.scheme.New(t.gvk)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	obj, err := applyPatch(ctx, fieldManager, live, document)
	if err != nil {
		return err
	}
	if err := checkAppliedObject(obj, t); err != nil {
		return err
	}
	objectMeta, err := meta.Accessor(obj)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	rest.FillObjectMetaSystemFields(objectMeta)
	finishCreate, err := cluster.beginCreate(ctx, t, obj)
	if err != nil {
		return err
	}
	err = v.create(ctx, t, obj, cluster)
	finishCreate(err == nil)
	return err
}

// create is Store.Update's create branch after BeginCreate: the strategy (rest.BeforeCreate), then the validating
// admission plugins that need no cluster (PodSecurity).
func (v *Validator) create(ctx context.Context, t target, obj runtime.Object, cluster *clusterState) error {
	if err := rest.BeforeCreate(t.strategy, ctx, obj); err != nil {
		return err
	}
	attributes := admission.NewAttributesRecord(obj.DeepCopyObject(), nil, t.gvk, t.namespace, t.name, t.resource, "",
		admission.Create, &metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldManager: fieldManagerName}, true, userFrom(ctx))
	return v.podSecurity.validate(ctx, attributes, cluster)
}

// applyPatch is applyPatcher.applyPatchToCurrentObject on a new object.
func applyPatch(ctx context.Context, fieldManager *managedfields.FieldManager, live runtime.Object, document []byte) (runtime.Object, error) {
	patchObj := &unstructured.Unstructured{Object: map[string]interface{}{}}
	if err := utilyaml.Unmarshal(document, &patchObj.Object); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("error decoding YAML: %v", err))
	}
	obj, err := fieldManager.Apply(live, patchObj, fieldManagerName, false)
	if err != nil {
		return obj, err
	}
	if err := utilyaml.UnmarshalStrict(document, &map[string]interface{}{}); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("error strict decoding YAML: %v", err))
	}
	return obj, nil
}

// checkAppliedObject is the rest of patcher.applyPatch: no UID on a new object, the namespace and the name match the request.
func checkAppliedObject(obj runtime.Object, t target) error {
	accessor, err := meta.Accessor(obj)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	if len(accessor.GetUID()) > 0 {
		return apierrors.NewConflict(t.resource.GroupResource(), t.name, fmt.Errorf("uid mismatch: the provided object specified uid %s, and no existing object was found", accessor.GetUID()))
	}
	if err := rest.EnsureObjectNamespaceMatchesRequestNamespace(rest.ExpectedNamespaceForResource(t.namespace, t.resource), accessor); err != nil {
		return err
	}
	if accessor.GetName() != t.name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", accessor.GetName(), t.name))
	}
	return nil
}

func (v *Validator) fieldManager(t target) (*managedfields.FieldManager, error) {
	if manager, ok := v.fieldManagers[t.gvk]; ok {
		return manager, nil
	}
	hub := schema.GroupVersion{Group: t.gvk.Group, Version: runtime.APIVersionInternal}
	manager, err := managedfields.NewDefaultFieldManager(v.typeConverter, runtime.UnsafeObjectConvertor(v.scheme), v.scheme, v.scheme, t.gvk, hub, "", resetFieldsOf(t.strategy))
	if err != nil {
		return nil, err
	}
	v.fieldManagers[t.gvk] = manager
	return manager, nil
}

func userFrom(ctx context.Context) user.Info {
	info, _ := request.UserFrom(ctx)
	return info
}

func contains(values []string, value string) bool {
	for _, candidate := range values {
		if candidate == value {
			return true
		}
	}
	return false
}

// resetFieldsOf is what the installer gives the field manager: the fields the strategy resets on create.
func resetFieldsOf(strategy rest.RESTCreateStrategy) map[fieldpath.APIVersion]fieldpath.Filter {
	if s, ok := strategy.(rest.ResetFieldsStrategy); ok {
		return fieldpath.NewExcludeFilterSetMap(s.GetResetFields())
	}
	if s, ok := strategy.(rest.ResetFieldsFilterStrategy); ok {
		return s.GetResetFieldsFilter()
	}
	return nil
}

// validateName is the storage key function's check of the name (Store.Update calls it first).
func validateName(ctx context.Context, t target) error {
	var err error
	if t.namespaced {
		_, err = genericregistry.NamespaceKeyFunc(ctx, "/"+t.resource.Resource, t.name)
	} else {
		_, err = genericregistry.NoNamespaceKeyFunc(ctx, "/"+t.resource.Resource, t.name)
	}
	return err
}
