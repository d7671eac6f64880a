package main

import (
	"context"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/rest"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"

	"k8s.io/kubernetes/pkg/registry/admissionregistration/mutatingadmissionpolicy"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/mutatingadmissionpolicybinding"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/mutatingwebhookconfiguration"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/validatingadmissionpolicy"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/validatingadmissionpolicybinding"
	"k8s.io/kubernetes/pkg/registry/admissionregistration/validatingwebhookconfiguration"
	"k8s.io/kubernetes/pkg/registry/apps/controllerrevision"
	"k8s.io/kubernetes/pkg/registry/apps/daemonset"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/replicaset"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/batch/cronjob"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/certificates/certificates"
	"k8s.io/kubernetes/pkg/registry/coordination/lease"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/core/endpoint"
	"k8s.io/kubernetes/pkg/registry/core/event"
	"k8s.io/kubernetes/pkg/registry/core/limitrange"
	"k8s.io/kubernetes/pkg/registry/core/namespace"
	"k8s.io/kubernetes/pkg/registry/core/node"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolume"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolumeclaim"
	"k8s.io/kubernetes/pkg/registry/core/pod"
	"k8s.io/kubernetes/pkg/registry/core/podtemplate"
	"k8s.io/kubernetes/pkg/registry/core/replicationcontroller"
	"k8s.io/kubernetes/pkg/registry/core/resourcequota"
	"k8s.io/kubernetes/pkg/registry/core/secret"
	"k8s.io/kubernetes/pkg/registry/core/service"
	"k8s.io/kubernetes/pkg/registry/core/serviceaccount"
	"k8s.io/kubernetes/pkg/registry/discovery/endpointslice"
	"k8s.io/kubernetes/pkg/registry/flowcontrol/flowschema"
	"k8s.io/kubernetes/pkg/registry/flowcontrol/prioritylevelconfiguration"
	"k8s.io/kubernetes/pkg/registry/networking/ingress"
	"k8s.io/kubernetes/pkg/registry/networking/ingressclass"
	"k8s.io/kubernetes/pkg/registry/networking/ipaddress"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/networking/servicecidr"
	"k8s.io/kubernetes/pkg/registry/node/runtimeclass"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrole"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrolebinding"
	"k8s.io/kubernetes/pkg/registry/rbac/role"
	"k8s.io/kubernetes/pkg/registry/rbac/rolebinding"
	"k8s.io/kubernetes/pkg/registry/resource/deviceclass"
	"k8s.io/kubernetes/pkg/registry/resource/resourceclaim"
	"k8s.io/kubernetes/pkg/registry/resource/resourceclaimtemplate"
	"k8s.io/kubernetes/pkg/registry/resource/resourceslice"
	"k8s.io/kubernetes/pkg/registry/scheduling/priorityclass"
	"k8s.io/kubernetes/pkg/registry/storage/csidriver"
	"k8s.io/kubernetes/pkg/registry/storage/csinode"
	"k8s.io/kubernetes/pkg/registry/storage/csistoragecapacity"
	"k8s.io/kubernetes/pkg/registry/storage/storageclass"
	"k8s.io/kubernetes/pkg/registry/storage/volumeattachment"
	"k8s.io/kubernetes/pkg/registry/storage/volumeattributesclass"
)

// builtInResource is one kind the API server stores, with the strategy its REST storage creates it through.
type builtInResource struct {
	resource schema.GroupResource
	kind     string
	// versions the API server serves by default (DefaultAPIResourceConfigSource in pkg/controlplane/instance.go).
	versions []string
	strategy rest.RESTCreateStrategy
}

var v1 = []string{"v1"}

// builtInResources lists every kind a Kubernetes 1.36 API server serves by default that can be created from a
// manifest, keyed by group and kind. Virtual resources (reviews, bindings, evictions) and the aggregator's and
// apiextensions' own kinds are handled elsewhere. test/cluster/exact-validation.test.ts checks this list against
// the kinds a real API server reports.
var builtInResources = indexResources([]builtInResource{
	{schema.GroupResource{Group: "", Resource: "pods"}, "Pod", v1, pod.Strategy},
	{schema.GroupResource{Group: "", Resource: "podtemplates"}, "PodTemplate", v1, podtemplate.Strategy},
	{schema.GroupResource{Group: "", Resource: "replicationcontrollers"}, "ReplicationController", v1, replicationcontroller.Strategy},
	{schema.GroupResource{Group: "", Resource: "services"}, "Service", v1, service.Strategy},
	{schema.GroupResource{Group: "", Resource: "endpoints"}, "Endpoints", v1, endpoint.Strategy},
	{schema.GroupResource{Group: "", Resource: "nodes"}, "Node", v1, node.Strategy},
	{schema.GroupResource{Group: "", Resource: "events"}, "Event", v1, event.Strategy},
	{schema.GroupResource{Group: "", Resource: "limitranges"}, "LimitRange", v1, limitrange.Strategy},
	{schema.GroupResource{Group: "", Resource: "resourcequotas"}, "ResourceQuota", v1, resourcequota.Strategy},
	{schema.GroupResource{Group: "", Resource: "namespaces"}, "Namespace", v1, namespace.Strategy},
	{schema.GroupResource{Group: "", Resource: "secrets"}, "Secret", v1, secret.Strategy},
	{schema.GroupResource{Group: "", Resource: "serviceaccounts"}, "ServiceAccount", v1, serviceaccount.Strategy},
	{schema.GroupResource{Group: "", Resource: "persistentvolumes"}, "PersistentVolume", v1, persistentvolume.Strategy},
	{schema.GroupResource{Group: "", Resource: "persistentvolumeclaims"}, "PersistentVolumeClaim", v1, persistentvolumeclaim.Strategy},
	{schema.GroupResource{Group: "", Resource: "configmaps"}, "ConfigMap", v1, configmap.Strategy},

	{schema.GroupResource{Group: "admissionregistration.k8s.io", Resource: "validatingwebhookconfigurations"}, "ValidatingWebhookConfiguration", v1, validatingwebhookconfiguration.Strategy},
	{schema.GroupResource{Group: "admissionregistration.k8s.io", Resource: "mutatingwebhookconfigurations"}, "MutatingWebhookConfiguration", v1, mutatingwebhookconfiguration.Strategy},
	// A nil authorizer: the caller is a cluster admin, whom the server lets reference any paramKind.
	{schema.GroupResource{Group: "admissionregistration.k8s.io", Resource: "validatingadmissionpolicies"}, "ValidatingAdmissionPolicy", v1, validatingadmissionpolicy.NewStrategy(nil, nil)},
	{schema.GroupResource{Group: "admissionregistration.k8s.io", Resource: "validatingadmissionpolicybindings"}, "ValidatingAdmissionPolicyBinding", v1, validatingadmissionpolicybinding.NewStrategy(nil, nil, nil)},
	{schema.GroupResource{Group: "admissionregistration.k8s.io", Resource: "mutatingadmissionpolicies"}, "MutatingAdmissionPolicy", v1, mutatingadmissionpolicy.NewStrategy(nil, nil)},
	{schema.GroupResource{Group: "admissionregistration.k8s.io", Resource: "mutatingadmissionpolicybindings"}, "MutatingAdmissionPolicyBinding", v1, mutatingadmissionpolicybinding.NewStrategy(nil, nil, nil)},

	{schema.GroupResource{Group: "apps", Resource: "deployments"}, "Deployment", v1, deployment.Strategy},
	{schema.GroupResource{Group: "apps", Resource: "statefulsets"}, "StatefulSet", v1, statefulset.Strategy},
	{schema.GroupResource{Group: "apps", Resource: "daemonsets"}, "DaemonSet", v1, daemonset.Strategy},
	{schema.GroupResource{Group: "apps", Resource: "replicasets"}, "ReplicaSet", v1, replicaset.Strategy},
	{schema.GroupResource{Group: "apps", Resource: "controllerrevisions"}, "ControllerRevision", v1, controllerrevision.Strategy},

	{schema.GroupResource{Group: "autoscaling", Resource: "horizontalpodautoscalers"}, "HorizontalPodAutoscaler", []string{"v2", "v1"}, horizontalpodautoscaler.Strategy},
	{schema.GroupResource{Group: "batch", Resource: "jobs"}, "Job", v1, job.Strategy},
	{schema.GroupResource{Group: "batch", Resource: "cronjobs"}, "CronJob", v1, cronjob.Strategy},
	{schema.GroupResource{Group: "certificates.k8s.io", Resource: "certificatesigningrequests"}, "CertificateSigningRequest", v1, certificates.Strategy},
	{schema.GroupResource{Group: "coordination.k8s.io", Resource: "leases"}, "Lease", v1, lease.Strategy},
	{schema.GroupResource{Group: "discovery.k8s.io", Resource: "endpointslices"}, "EndpointSlice", v1, endpointslice.Strategy},
	{schema.GroupResource{Group: "events.k8s.io", Resource: "events"}, "Event", v1, event.Strategy},
	{schema.GroupResource{Group: "flowcontrol.apiserver.k8s.io", Resource: "flowschemas"}, "FlowSchema", v1, flowschema.Strategy},
	{schema.GroupResource{Group: "flowcontrol.apiserver.k8s.io", Resource: "prioritylevelconfigurations"}, "PriorityLevelConfiguration", v1, prioritylevelconfiguration.Strategy},

	{schema.GroupResource{Group: "networking.k8s.io", Resource: "ingresses"}, "Ingress", v1, ingress.Strategy},
	{schema.GroupResource{Group: "networking.k8s.io", Resource: "ingressclasses"}, "IngressClass", v1, ingressclass.Strategy},
	{schema.GroupResource{Group: "networking.k8s.io", Resource: "networkpolicies"}, "NetworkPolicy", v1, networkpolicy.Strategy},
	{schema.GroupResource{Group: "networking.k8s.io", Resource: "ipaddresses"}, "IPAddress", v1, ipaddress.Strategy},
	{schema.GroupResource{Group: "networking.k8s.io", Resource: "servicecidrs"}, "ServiceCIDR", v1, servicecidr.Strategy},
	{schema.GroupResource{Group: "node.k8s.io", Resource: "runtimeclasses"}, "RuntimeClass", v1, runtimeclass.Strategy},
	{schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"}, "PodDisruptionBudget", v1, poddisruptionbudget.Strategy},

	{schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "roles"}, "Role", v1, role.Strategy},
	{schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "rolebindings"}, "RoleBinding", v1, rolebinding.Strategy},
	{schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "clusterroles"}, "ClusterRole", v1, clusterrole.Strategy},
	{schema.GroupResource{Group: "rbac.authorization.k8s.io", Resource: "clusterrolebindings"}, "ClusterRoleBinding", v1, clusterrolebinding.Strategy},

	{schema.GroupResource{Group: "resource.k8s.io", Resource: "deviceclasses"}, "DeviceClass", v1, deviceclass.Strategy},
	{schema.GroupResource{Group: "resource.k8s.io", Resource: "resourceclaims"}, "ResourceClaim", v1, resourceclaim.NewStrategy(namespaceClient{}, nil)},
	{schema.GroupResource{Group: "resource.k8s.io", Resource: "resourceclaimtemplates"}, "ResourceClaimTemplate", v1, resourceclaimtemplate.NewStrategy(namespaceClient{})},
	{schema.GroupResource{Group: "resource.k8s.io", Resource: "resourceslices"}, "ResourceSlice", v1, resourceslice.Strategy},
	{schema.GroupResource{Group: "scheduling.k8s.io", Resource: "priorityclasses"}, "PriorityClass", v1, priorityclass.Strategy},

	{schema.GroupResource{Group: "storage.k8s.io", Resource: "storageclasses"}, "StorageClass", v1, storageclass.Strategy},
	{schema.GroupResource{Group: "storage.k8s.io", Resource: "volumeattachments"}, "VolumeAttachment", v1, volumeattachment.Strategy},
	{schema.GroupResource{Group: "storage.k8s.io", Resource: "csinodes"}, "CSINode", v1, csinode.Strategy},
	{schema.GroupResource{Group: "storage.k8s.io", Resource: "csidrivers"}, "CSIDriver", v1, csidriver.Strategy},
	{schema.GroupResource{Group: "storage.k8s.io", Resource: "csistoragecapacities"}, "CSIStorageCapacity", v1, csistoragecapacity.Strategy},
	{schema.GroupResource{Group: "storage.k8s.io", Resource: "volumeattributesclasses"}, "VolumeAttributesClass", v1, volumeattributesclass.Strategy},
})

func indexResources(resources []builtInResource) map[schema.GroupKind]builtInResource {
	index := make(map[schema.GroupKind]builtInResource, len(resources))
	for _, resource := range resources {
		index[schema.GroupKind{Group: resource.resource.Group, Kind: resource.kind}] = resource
	}
	return index
}

// namespaceClient answers the one call the ResourceClaim strategies make (is the namespace labelled for admin
// access?) from the namespaces of the batch being validated.
type namespaceClient struct {
	corev1client.NamespaceInterface
}

func (namespaceClient) Get(_ context.Context, name string, _ metav1.GetOptions) (*corev1.Namespace, error) {
	if currentCluster == nil {
		return nil, apierrors.NewNotFound(corev1.Resource("namespaces"), name)
	}
	return currentCluster.namespace(name), nil
}

// builtInKinds lists every apiVersion/kind of builtInResources, sorted.
func builtInKinds() []string {
	var kinds []string
	for groupKind, resource := range builtInResources {
		for _, version := range resource.versions {
			apiVersion := version
			if groupKind.Group != "" {
				apiVersion = groupKind.Group + "/" + version
			}
			kinds = append(kinds, apiVersion+"/"+groupKind.Kind)
		}
	}
	sort.Strings(kinds)
	return kinds
}
