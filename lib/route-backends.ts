/**
 * The Services behind route objects in synthesized output: every Ingress backend, Istio VirtualService
 * destination and Gateway API HTTPRoute backendRef. The one reading of routes that validation (does the
 * Service port exist?) and the topology diagram (what is drawn) share.
 */
import { asList, asRecord, asString, getPath } from './json-access';

/** The route objects read here, by kind. */
export type RouteKind = 'Ingress' | 'VirtualService' | 'HTTPRoute';

/** A reference from a route object to a Service port. */
export interface RouteBackend {
  /** The route object's kind. */
  readonly routeKind: RouteKind;
  /** The field that names the Service, e.g. `spec.rules[0].http.paths[1].backend.service`. */
  readonly field: string;
  readonly serviceName: string;
  /** The Service's namespace: the reference's own, else the route object's (undefined when neither says). */
  readonly serviceNamespace?: string;
  readonly portNumber?: number;
  readonly portName?: string;
  /** The field of the port, reported when the Service has no such port. */
  readonly portField: string;
  /** What leads here: `/x` (prefix), `= /x` (exact), `~ x` (regular expression), `default backend`, `tcp`, `tls`. */
  readonly matches: string[];
}

/** An Istio destination host that is not a Service of a known namespace (an external host, or a typo). */
export interface ExternalHost {
  readonly field: string;
  readonly host: string;
}

/** The Service references of one route object. */
export interface RouteBackends {
  readonly backends: RouteBackend[];
  readonly externalHosts: ExternalHost[];
}

const CLUSTER_DOMAIN_SUFFIXES = ['.svc.cluster.local', '.svc'];

/**
 * The Service references of an Ingress, VirtualService or HTTPRoute, or undefined for any other object.
 * @param isKnownNamespace whether Services may live in a namespace, so that an Istio host `a.b` names Service `a` of namespace `b`
 */
export function routeBackends(object: unknown, isKnownNamespace: (namespace: string) => boolean): RouteBackends | undefined {
  const route = asRecord(object);
  const group = apiGroup(route.apiVersion);
  const namespace = asString(getPath(route, 'metadata', 'namespace'));
  if (group === 'networking.k8s.io' && route.kind === 'Ingress') return { backends: ingressBackends(route, namespace), externalHosts: [] };
  if (group === 'gateway.networking.k8s.io' && route.kind === 'HTTPRoute') return { backends: httpRouteBackends(route, namespace), externalHosts: [] };
  if (group === 'networking.istio.io' && route.kind === 'VirtualService') return virtualServiceBackends(route, namespace, isKnownNamespace);
  return undefined;
}

function apiGroup(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string') return undefined;
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function ingressBackends(ingress: Record<string, unknown>, namespace: string | undefined): RouteBackend[] {
  const spec = asRecord(ingress.spec);
  const backends: Array<[unknown, string, string]> = [[spec.defaultBackend, 'spec.defaultBackend', 'default backend']];
  asList(spec.rules).forEach((rule, ruleIndex) => {
    asList(getPath(rule, 'http', 'paths')).forEach((path, pathIndex) => {
      const value = asString(getPath(path, 'path')) ?? '/';
      const match = getPath(path, 'pathType') === 'Exact' ? `= ${value}` : value;
      backends.push([getPath(path, 'backend'), `spec.rules[${ruleIndex}].http.paths[${pathIndex}].backend`, match]);
    });
  });
  return backends.flatMap(([backend, backendField, match]) => {
    const service = asRecord(getPath(backend, 'service'));
    const serviceName = asString(service.name);
    if (serviceName === undefined) return [];
    const port = asRecord(service.port);
    const portNumber = typeof port.number === 'number' ? port.number : undefined;
    const field = `${backendField}.service`;
    return [{
      routeKind: 'Ingress' as const,
      field,
      serviceName,
      serviceNamespace: namespace,
      portNumber,
      portName: asString(port.name),
      portField: `${field}.port.${portNumber === undefined ? 'name' : 'number'}`,
      matches: [match],
    }];
  });
}

function httpRouteBackends(route: Record<string, unknown>, namespace: string | undefined): RouteBackend[] {
  return asList(getPath(route, 'spec', 'rules')).flatMap((rule, ruleIndex) => {
    const matches = pathMatches(asList(getPath(rule, 'matches')).map((match) => {
      const path = asRecord(getPath(match, 'path'));
      const value = asString(path.value) ?? '/';
      return path.type === 'Exact' ? `= ${value}` : path.type === 'RegularExpression' ? `~ ${value}` : value;
    }));
    return asList(getPath(rule, 'backendRefs')).flatMap((backendRef, refIndex) => {
      const ref = asRecord(backendRef);
      const serviceName = asString(ref.name);
      const isService = (asString(ref.group) ?? '') === '' && (asString(ref.kind) ?? 'Service') === 'Service';
      if (serviceName === undefined || !isService) return [];
      const field = `spec.rules[${ruleIndex}].backendRefs[${refIndex}]`;
      return [{
        routeKind: 'HTTPRoute' as const,
        field,
        serviceName,
        serviceNamespace: asString(ref.namespace) ?? namespace,
        portNumber: typeof ref.port === 'number' ? ref.port : undefined,
        portField: `${field}.port`,
        matches,
      }];
    });
  });
}

function virtualServiceBackends(virtualService: Record<string, unknown>, namespace: string | undefined,
  isKnownNamespace: (namespace: string) => boolean): RouteBackends {
  const result: RouteBackends = { backends: [], externalHosts: [] };
  for (const protocol of ['http', 'tcp', 'tls']) {
    asList(getPath(virtualService, 'spec', protocol)).forEach((routeRule, ruleIndex) => {
      const matches = protocol !== 'http' ? [protocol] : pathMatches(asList(getPath(routeRule, 'match')).map((match) => {
        const uri = asRecord(getPath(match, 'uri'));
        if (typeof uri.exact === 'string') return `= ${uri.exact}`;
        if (typeof uri.prefix === 'string') return uri.prefix;
        if (typeof uri.regex === 'string') return `~ ${uri.regex}`;
        return '/';
      }));
      asList(getPath(routeRule, 'route')).forEach((route, routeIndex) => {
        const field = `spec.${protocol}[${ruleIndex}].route[${routeIndex}].destination`;
        const destination = asRecord(getPath(route, 'destination'));
        const host = asString(destination.host);
        if (host === undefined) return;
        const service = resolveServiceHost(host, namespace, isKnownNamespace);
        if (service === undefined) {
          result.externalHosts.push({ field: `${field}.host`, host });
          return;
        }
        const portNumber = getPath(destination, 'port', 'number');
        result.backends.push({
          routeKind: 'VirtualService',
          field: `${field}.host`,
          serviceName: service.name,
          serviceNamespace: service.namespace,
          portNumber: typeof portNumber === 'number' ? portNumber : undefined,
          portField: `${field}.port.number`,
          matches,
        });
      });
    });
  }
  return result;
}

/** A rule without matches matches every path. */
function pathMatches(matches: string[]): string[] {
  return matches.length > 0 ? matches : ['/'];
}

/**
 * Resolves an Istio destination host to a Service: `name` (in the route's namespace), `name.namespace`,
 * `name.namespace.svc` or `name.namespace.svc.cluster.local`. Returns undefined for hosts outside the cluster.
 */
export function resolveServiceHost(host: string, routeNamespace: string | undefined,
  isKnownNamespace: (namespace: string) => boolean): { name: string; namespace?: string } | undefined {
  const suffix = CLUSTER_DOMAIN_SUFFIXES.find((candidate) => host.endsWith(candidate));
  const parts = (suffix === undefined ? host : host.slice(0, -suffix.length)).split('.');
  if (host.includes('*')) return undefined;
  if (parts.length === 1 && suffix === undefined) return { name: parts[0], namespace: routeNamespace };
  if (parts.length !== 2) return undefined;
  const [name, namespace] = parts;
  // Without a cluster suffix, "a.b" could be an external domain: only a known namespace makes it a Service.
  if (suffix === undefined && !isKnownNamespace(namespace)) return undefined;
  return { name, namespace };
}
