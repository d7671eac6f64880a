/**
 * Route targets: every Ingress backend, Istio VirtualService destination and Gateway API
 * HTTPRoute backendRef must point at a Service port that exists in the output.
 */
import { asList, asRecord, asString } from '../json-access';
import { identify, isKind } from './objects';
import { fieldPath, indexPath } from './paths';
import { OutputIndex, isKnownNamespace, serviceKey } from './output-index';
import { RULES } from './rules';
import { Finding, KubeObject, RuleDefinition } from './types';

/** A reference from a route to a Service port. */
interface ServiceReference {
  readonly rule: RuleDefinition;
  /** Path of the reference (the backend/destination object). */
  readonly path: string;
  readonly name: string;
  readonly namespace?: string;
  readonly portNumber?: number;
  readonly portName?: string;
  /** Path of the port field, reported when the port does not exist. */
  readonly portPath: string;
  /** Istio may omit the port when the Service has exactly one. */
  readonly portOptionalIfSingle: boolean;
}

const CLUSTER_DOMAIN_SUFFIXES = ['.svc.cluster.local', '.svc'];

/** Checks the Service references of an Ingress, VirtualService or HTTPRoute. */
export function checkRoutes(object: KubeObject, index: OutputIndex): Finding[] {
  if (isKind(object, 'networking.k8s.io', 'Ingress')) return checkReferences(ingressReferences(object), index);
  if (isKind(object, 'gateway.networking.k8s.io', 'HTTPRoute')) return checkReferences(httpRouteReferences(object), index);
  if (isKind(object, 'networking.istio.io', 'VirtualService')) return checkVirtualService(object, index);
  return [];
}

function checkReferences(references: readonly ServiceReference[], index: OutputIndex): Finding[] {
  return references.flatMap((reference) => checkReference(reference, index));
}

function checkReference(reference: ServiceReference, index: OutputIndex): Finding[] {
  const qualifiedName = `${reference.namespace ?? ''}/${reference.name}`;
  const ports = index.services.get(serviceKey(reference.namespace, reference.name));
  if (ports === undefined) {
    // A Service in a namespace the caller documents as external may exist outside the output.
    if (reference.namespace !== undefined && index.externalNamespaces.has(reference.namespace) && !index.createdNamespaces.has(reference.namespace)) return [];
    return [{
      rule: reference.rule,
      field: reference.path,
      message: `points at Service ${qualifiedName}, which is not in the output`,
      fix: `Create Service "${reference.name}" in namespace "${reference.namespace ?? ''}" or point the route at an existing Service.`,
    }];
  }
  const portMatches = reference.portNumber !== undefined
    ? ports.some((port) => port.port === reference.portNumber)
    : reference.portName !== undefined
      ? ports.some((port) => port.name === reference.portName)
      : reference.portOptionalIfSingle && ports.length === 1;
  if (portMatches) return [];
  const wanted = reference.portNumber ?? reference.portName;
  const available = ports.length === 0 ? '(none)' : ports.map((port) => (port.name === undefined ? `${port.port}` : `${port.port} (${port.name})`)).join(', ');
  return [{
    rule: reference.rule,
    field: reference.portPath,
    message: wanted === undefined
      ? `names no port, but Service ${qualifiedName} has ${ports.length} ports (${available})`
      : `points at port ${wanted} of Service ${qualifiedName}, which only has ports ${available}`,
    fix: ports.length === 0 ? `Add the port to Service ${qualifiedName}.` : `Use one of the ports of Service ${qualifiedName}: ${available}.`,
  }];
}

function ingressReferences(ingress: KubeObject): ServiceReference[] {
  const { namespace } = identify(ingress);
  const spec = asRecord(ingress.spec);
  const backends: Array<[unknown, string]> = [[spec.defaultBackend, 'spec.defaultBackend']];
  asList(spec.rules).forEach((rule, ruleIndex) => {
    asList(asRecord(asRecord(rule).http).paths).forEach((path, pathIndex) => {
      backends.push([asRecord(path).backend, `spec.rules[${ruleIndex}].http.paths[${pathIndex}].backend`]);
    });
  });
  return backends.flatMap(([backend, backendPath]) => {
    const service = asRecord(backend).service;
    const name = asString(asRecord(service).name);
    if (name === undefined) return [];
    const port = asRecord(asRecord(service).port);
    const servicePath = fieldPath(backendPath, 'service');
    const portNumber = typeof port.number === 'number' ? port.number : undefined;
    return [{
      rule: RULES.hygieneIngressBackend,
      path: servicePath,
      name,
      namespace,
      portNumber,
      portName: asString(port.name),
      portPath: `${servicePath}.port.${portNumber === undefined ? 'name' : 'number'}`,
      portOptionalIfSingle: false,
    }];
  });
}

function httpRouteReferences(route: KubeObject): ServiceReference[] {
  const { namespace } = identify(route);
  return asList(asRecord(route.spec).rules).flatMap((rule, ruleIndex) =>
    asList(asRecord(rule).backendRefs).flatMap((backendRef, refIndex) => {
      const ref = asRecord(backendRef);
      const name = asString(ref.name);
      const isService = (asString(ref.group) ?? '') === '' && (asString(ref.kind) ?? 'Service') === 'Service';
      if (name === undefined || !isService) return [];
      const path = `spec.rules[${ruleIndex}].backendRefs[${refIndex}]`;
      return [{
        rule: RULES.hygieneHttpRouteBackend,
        path,
        name,
        namespace: asString(ref.namespace) ?? namespace,
        portNumber: typeof ref.port === 'number' ? ref.port : undefined,
        portPath: `${path}.port`,
        portOptionalIfSingle: false,
      }];
    }));
}

function checkVirtualService(virtualService: KubeObject, index: OutputIndex): Finding[] {
  const { namespace } = identify(virtualService);
  const spec = asRecord(virtualService.spec);
  const findings: Finding[] = [];
  for (const protocol of ['http', 'tcp', 'tls']) {
    asList(spec[protocol]).forEach((routeRule, ruleIndex) => {
      asList(asRecord(routeRule).route).forEach((route, routeIndex) => {
        const path = `${indexPath(`spec.${protocol}`, ruleIndex)}.route[${routeIndex}].destination`;
        findings.push(...checkDestination(asRecord(asRecord(route).destination), path, namespace, index));
      });
    });
  }
  return findings;
}

function checkDestination(destination: Record<string, unknown>, path: string, routeNamespace: string | undefined, index: OutputIndex): Finding[] {
  const host = asString(destination.host);
  if (host === undefined) return [];
  const target = resolveServiceHost(host, routeNamespace, index);
  if (target === undefined) {
    return [{
      rule: RULES.hygieneVirtualServiceExternalHost,
      field: `${path}.host`,
      message: `destination host "${host}" is not a Service of the output's namespaces, so it was not checked`,
      fix: 'If this is meant to be an in-cluster Service, write it as name, name.namespace or name.namespace.svc.cluster.local; external hosts need a ServiceEntry.',
    }];
  }
  const portNumber = asRecord(destination.port).number;
  return checkReference({
    rule: RULES.hygieneVirtualServiceDestination,
    path: `${path}.host`,
    name: target.name,
    namespace: target.namespace,
    portNumber: typeof portNumber === 'number' ? portNumber : undefined,
    portPath: `${path}.port.number`,
    portOptionalIfSingle: true,
  }, index);
}

/**
 * Resolves an Istio destination host to a Service: `name` (in the route's namespace), `name.namespace`,
 * `name.namespace.svc` or `name.namespace.svc.cluster.local`. Returns undefined for hosts outside the cluster.
 */
export function resolveServiceHost(host: string, routeNamespace: string | undefined, index: OutputIndex): { name: string; namespace?: string } | undefined {
  const suffix = CLUSTER_DOMAIN_SUFFIXES.find((candidate) => host.endsWith(candidate));
  const parts = (suffix === undefined ? host : host.slice(0, -suffix.length)).split('.');
  if (host.includes('*')) return undefined;
  if (parts.length === 1 && suffix === undefined) return { name: parts[0], namespace: routeNamespace };
  if (parts.length !== 2) return undefined;
  const [name, namespace] = parts;
  // Without a cluster suffix, "a.b" could be an external domain: only a known namespace makes it a Service.
  if (suffix === undefined && !isKnownNamespace(index, namespace)) return undefined;
  return { name, namespace };
}
