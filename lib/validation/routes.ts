/**
 * Route targets: every Ingress backend, Istio VirtualService destination and Gateway API
 * HTTPRoute backendRef must point at a Service port that exists in the output.
 */
import { RouteBackend, RouteKind, routeBackends } from '../route-backends';
import { serviceKey } from '../route-target';
import { OutputIndex, isKnownNamespace } from './output-index';
import { RULES } from './rules';
import { Finding, KubeObject, RuleDefinition } from './types';

const RULE_BY_KIND: Record<RouteKind, RuleDefinition> = {
  Ingress: RULES.hygieneIngressBackend,
  HTTPRoute: RULES.hygieneHttpRouteBackend,
  VirtualService: RULES.hygieneVirtualServiceDestination,
};

/** Checks the Service references of an Ingress, VirtualService or HTTPRoute. */
export function checkRoutes(object: KubeObject, index: OutputIndex): Finding[] {
  const references = routeBackends(object, (namespace) => isKnownNamespace(index, namespace));
  if (references === undefined) return [];
  return [
    ...references.backends.flatMap((backend) => checkReference(backend, index)),
    ...references.externalHosts.map(({ field, host }) => ({
      rule: RULES.hygieneVirtualServiceExternalHost,
      field,
      message: `destination host "${host}" is not a Service of the output's namespaces, so it was not checked`,
      fix: 'If this is meant to be an in-cluster Service, write it as name, name.namespace or name.namespace.svc.cluster.local; external hosts need a ServiceEntry.',
    })),
  ];
}

function checkReference(reference: RouteBackend, index: OutputIndex): Finding[] {
  const rule = RULE_BY_KIND[reference.routeKind];
  const qualifiedName = serviceKey(reference.serviceNamespace, reference.serviceName);
  const ports = index.services.get(qualifiedName);
  if (ports === undefined) {
    // A Service in a namespace the caller documents as external may exist outside the output.
    if (reference.serviceNamespace !== undefined && index.externalNamespaces.has(reference.serviceNamespace) && !index.createdNamespaces.has(reference.serviceNamespace)) return [];
    return [{
      rule,
      field: reference.field,
      message: `points at Service ${qualifiedName}, which is not in the output`,
      fix: `Create Service "${reference.serviceName}" in namespace "${reference.serviceNamespace ?? ''}" or point the route at an existing Service.`,
    }];
  }
  const portMatches = reference.portNumber !== undefined
    ? ports.some((port) => port.port === reference.portNumber)
    : reference.portName !== undefined
      ? ports.some((port) => port.name === reference.portName)
      : reference.routeKind === 'VirtualService' && ports.length === 1; // Istio may omit the port of a one-port Service
  if (portMatches) return [];
  const wanted = reference.portNumber ?? reference.portName;
  const available = ports.length === 0 ? '(none)' : ports.map((port) => (port.name === undefined ? `${port.port}` : `${port.port} (${port.name})`)).join(', ');
  return [{
    rule,
    field: reference.portField,
    message: wanted === undefined
      ? `names no port, but Service ${qualifiedName} has ${ports.length} ports (${available})`
      : `points at port ${wanted} of Service ${qualifiedName}, which only has ports ${available}`,
    fix: ports.length === 0 ? `Add the port to Service ${qualifiedName}.` : `Use one of the ports of Service ${qualifiedName}: ${available}.`,
  }];
}
