package main

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/validation/field"
	api "k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/pkg/registry/core/service/portallocator"
)

// The API server's default --service-node-port-range.
const defaultNodePortRange = "30000-32767"

// clusterState is what the validation may know of the cluster without asking it: the namespaces and their labels,
// and the Service node port range.
type clusterState struct {
	options   Options
	nodePorts *portallocator.PortAllocator
}

// currentCluster is the state of the batch being validated, for the strategies built once at start-up.
var currentCluster *clusterState

func newClusterState(options Options) (*clusterState, error) {
	portRange := options.ServiceNodePortRange
	if portRange == "" {
		portRange = defaultNodePortRange
	}
	parsed, err := utilnet.ParsePortRange(portRange)
	if err != nil {
		return nil, fmt.Errorf("serviceNodePortRange %q: %w", portRange, err)
	}
	nodePorts, err := portallocator.NewInMemory(*parsed)
	if err != nil {
		return nil, err
	}
	return &clusterState{options: options, nodePorts: nodePorts}, nil
}

// namespace returns the Namespace object Pod Security reads: the given labels, or none.
func (c *clusterState) namespace(name string) *corev1.Namespace {
	labels := c.options.Namespaces[name]
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

// beginCreate is the BeginCreate hook of the storages that allocate on create: the Service storage reserves the
// node ports a NodePort or LoadBalancer Service asks for (pkg/registry/core/service/storage/alloc.go, txnAllocNodePorts).
// It allocates for real, in this batch's own allocator: a dry run only checks that a port is free, not that it is in
// the range, while the apply that follows refuses it; and two Services of one output cannot share a node port.
// Cluster IPs depend on the cluster's Service CIDRs and are not allocated here.
// The returned function commits the allocation when the object is created, and releases it otherwise.
func (c *clusterState) beginCreate(_ context.Context, t target, obj runtime.Object) (func(created bool), error) {
	service, ok := obj.(*api.Service)
	if !ok || t.custom != nil || (service.Spec.Type != api.ServiceTypeNodePort && service.Spec.Type != api.ServiceTypeLoadBalancer) {
		return func(bool) {}, nil
	}
	operation := portallocator.StartOperation(c.nodePorts, false)
	if err := initNodePorts(service, operation); err != nil {
		operation.Finish()
		return nil, err
	}
	return func(created bool) {
		if created {
			operation.Commit()
		}
		operation.Finish()
	}, nil
}

// initNodePorts is alloc.go's, for requested ports only: a dry run never needs the ports it would allocate itself.
func initNodePorts(service *api.Service, nodePortOp *portallocator.PortAllocationOperation) error {
	svcPortToNodePort := map[int]int{}
	for i := range service.Spec.Ports {
		servicePort := &service.Spec.Ports[i]
		allocatedNodePort := svcPortToNodePort[int(servicePort.Port)]
		if allocatedNodePort == 0 {
			np := findRequestedNodePort(int(servicePort.Port), service.Spec.Ports)
			if np != 0 {
				if err := nodePortOp.Allocate(np); err != nil {
					el := field.ErrorList{field.Invalid(field.NewPath("spec", "ports").Index(i).Child("nodePort"), np, err.Error())}
					return apierrors.NewInvalid(api.Kind("Service"), service.Name, el)
				}
				servicePort.NodePort = int32(np)
				svcPortToNodePort[int(servicePort.Port)] = np
			}
		} else if int(servicePort.NodePort) != allocatedNodePort && servicePort.NodePort != 0 {
			if err := nodePortOp.Allocate(int(servicePort.NodePort)); err != nil {
				el := field.ErrorList{field.Invalid(field.NewPath("spec", "ports").Index(i).Child("nodePort"), servicePort.NodePort, err.Error())}
				return apierrors.NewInvalid(api.Kind("Service"), service.Name, el)
			}
		}
	}
	return nil
}

func findRequestedNodePort(port int, servicePorts []api.ServicePort) int {
	for i := range servicePorts {
		if port == int(servicePorts[i].Port) && servicePorts[i].NodePort != 0 {
			return int(servicePorts[i].NodePort)
		}
	}
	return 0
}
