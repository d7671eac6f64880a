import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type * as gatewayApi from '../imports/gateway.networking.k8s.io';
import type * as istio from '../imports/networking.istio.io';
import { PropChecker } from './checks';
import { undefinedIfEmpty } from './container-spec';
import { finalJsonPatches } from './final-json-patches';
import { k8s } from './k8s';
import { IngressTlsOptions, PathMatch, Route, RouteTlsOptions } from './route';

/** Options of {@link RoutingMode.ingress}. */
export interface IngressModeOptions {
  /**
   * `spec.ingressClassName`.
   * @default "nginx"
   */
  readonly className?: string;
  /**
   * The namespace the ingress controller runs in; network policies admit traffic from it.
   * @default "ingress-nginx"
   */
  readonly controllerNamespace?: string;
  /**
   * Extra annotations for the controller. A `rewrite-target` annotation is rejected: it rewrites every
   * path to `/` and breaks `/api/...` routes.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** Options of {@link RoutingMode.istio}. */
export interface IstioModeOptions {
  /**
   * Labels of the Istio ingress gateway pods the Gateway binds to.
   * @default { istio: "ingressgateway" }
   */
  readonly gatewaySelector?: Record<string, string>;
  /**
   * The namespace the Istio ingress gateway runs in; network policies admit traffic from it.
   * @default "istio-system"
   */
  readonly gatewayNamespace?: string;
}

/** Options of {@link RoutingMode.gatewayApi}. */
export interface GatewayApiModeOptions {
  /** The name of the existing Gateway the HTTPRoute attaches to. */
  readonly gatewayName: string;
  /**
   * The Gateway's namespace; it must allow routes from this namespace (`allowedRoutes`).
   * @default - the routes' namespace
   */
  readonly gatewayNamespace?: string;
  /**
   * The Gateway listener to attach to.
   * @default - every listener that accepts the route
   */
  readonly sectionName?: string;
  /**
   * The namespace the Gateway's proxies run in, which network policies admit traffic from. Implementations
   * differ: NGINX Gateway Fabric and Istio run them beside the Gateway, Envoy Gateway in `envoy-gateway-system`.
   * @default - the Gateway's namespace
   */
  readonly dataPlaneNamespace?: string;
}

/** What a routing mode renders: the routes of one {@link IngressRoutes}. @internal */
export interface RouteSet {
  readonly scope: Construct;
  readonly name: string;
  readonly namespace: string;
  /** Every host, the main one first (empty: any host). */
  readonly hosts: string[];
  readonly tls?: RouteTlsOptions;
  readonly additionalTls?: IngressTlsOptions[];
  readonly labels: Record<string, string>;
  /** The routes, most specific first; read at synth, so routes added later are written too. */
  readonly routes: () => Route[];
}

/** The objects a routing mode wrote. @internal */
export interface RoutingObjects {
  readonly ingress?: k8s.KubeIngress;
  readonly istioGateway?: istio.Gateway;
  readonly virtualService?: istio.VirtualService;
  readonly httpRoute?: gatewayApi.HttpRoute;
}

// The generated CRD classes are large (0.5 MB of JavaScript); load them only in the mode that uses them.
const loadIstio = (): typeof istio => require('../imports/networking.istio.io');
const loadGatewayApi = (): typeof gatewayApi => require('../imports/gateway.networking.k8s.io');

/** Which routing objects to write: an Ingress, Istio Gateway + VirtualService, or a Gateway API HTTPRoute. */
export class RoutingMode {
  /** A networking.k8s.io/v1 Ingress (ingress-nginx by default). */
  public static ingress(options: IngressModeOptions = {}): RoutingMode {
    return new RoutingMode(options.controllerNamespace ?? 'ingress-nginx', false,
      (check) => checkIngressOptions(check, options),
      (routes) => ({ ingress: renderIngress(routes, options) }));
  }

  /** An Istio Gateway and VirtualService (the namespace needs sidecar injection: see AppNamespace). */
  public static istio(options: IstioModeOptions = {}): RoutingMode {
    return new RoutingMode(options.gatewayNamespace ?? 'istio-system', true,
      (check, _tls, additionalTls) => refuseAdditionalTls(check, additionalTls,
        'An Istio Gateway serves every host with tls.secretName: use one certificate that covers them (a SAN or wildcard certificate).'),
      (routes) => ({ istioGateway: renderIstioGateway(routes, options), virtualService: renderVirtualService(routes) }));
  }

  /** A Gateway API HTTPRoute attached to an existing Gateway. */
  public static gatewayApi(options: GatewayApiModeOptions): RoutingMode {
    return new RoutingMode(options.dataPlaneNamespace ?? options.gatewayNamespace, false,
      (check, tls, additionalTls) => checkGatewayApiOptions(check, options, tls, additionalTls),
      (routes) => ({ httpRoute: renderHttpRoute(routes, options) }));
  }

  private constructor(
    /** Where routed traffic comes from, when it is another namespace (undefined: the routes' own). */
    public readonly sourceNamespace: string | undefined,
    /**
     * Whether the routed workloads run with Istio sidecars, so their namespace needs `istio-injection: enabled`
     * and their pods need to reach istiod (in `sourceNamespace`).
     */
    public readonly sidecarInjection: boolean,
    private readonly checkOptions: (check: PropChecker, tls: RouteTlsOptions | undefined, additionalTls: IngressTlsOptions[] | undefined) => void,
    private readonly renderObjects: (routes: RouteSet) => RoutingObjects,
  ) {}

  /** Throws on options of this mode that the routes cannot use. @internal */
  public _check(check: PropChecker, tls: RouteTlsOptions | undefined, additionalTls?: IngressTlsOptions[]): void {
    this.checkOptions(check, tls, additionalTls);
    check.dnsLabel('mode.sourceNamespace', this.sourceNamespace);
  }

  /** Writes this mode's objects for the routes. @internal */
  public _render(routes: RouteSet): RoutingObjects {
    return this.renderObjects(routes);
  }
}

function checkIngressOptions(check: PropChecker, options: IngressModeOptions): void {
  check.dnsSubdomain('mode.className', options.className);
  const rewrite = Object.keys(options.annotations ?? {}).find((key) => key.endsWith('/rewrite-target'));
  if (rewrite) {
    check.fail('mode.annotations', `must not set ${rewrite}: it rewrites every matched path and breaks nested routes such as /api/todos`, rewrite,
      'Serve the app under its public paths (FastAPI: root_path or an APIRouter prefix of "/api") and remove the annotation.');
  }
}

function refuseAdditionalTls(check: PropChecker, additionalTls: IngressTlsOptions[] | undefined, fix: string): void {
  if (additionalTls && additionalTls.length > 0) check.fail('additionalTls', 'is for an Ingress only', additionalTls.map((entry) => entry.secretName), fix);
}

function checkGatewayApiOptions(check: PropChecker, options: GatewayApiModeOptions, tls: RouteTlsOptions | undefined, additionalTls: IngressTlsOptions[] | undefined): void {
  refuseAdditionalTls(check, additionalTls, 'Remove it and add the certificates to the Gateway listener (certificateRefs).');
  check.dnsSubdomain('mode.gatewayName', options.gatewayName);
  check.dnsLabel('mode.gatewayNamespace', options.gatewayNamespace);
  check.dnsLabel('mode.dataPlaneNamespace', options.dataPlaneNamespace);
  if (tls) {
    check.fail('tls', 'is set on the Gateway listener with the Gateway API, not on the route', tls.secretName,
      'Remove tls and add the certificate to the Gateway listener (certificateRefs).');
  }
}

function metadata(routes: RouteSet, name: string, annotations?: Record<string, string>): k8s.ObjectMeta {
  return { name, namespace: routes.namespace, labels: routes.labels, annotations };
}

function renderIngress(routes: RouteSet, options: IngressModeOptions): k8s.KubeIngress {
  return finalJsonPatches(new k8s.KubeIngress(routes.scope, 'ingress', {
    metadata: metadata(routes, routes.name, options.annotations),
    spec: Lazy.any({
      produce: (): k8s.IngressSpec => ({
        ingressClassName: options.className ?? 'nginx',
        tls: undefinedIfEmpty([
          ...(routes.tls ? [{ hosts: [routes.hosts[0]], secretName: routes.tls.secretName }] : []),
          ...(routes.additionalTls ?? []).map((entry) => ({ hosts: entry.hosts, secretName: entry.secretName })),
        ]),
        // One rule per host, each with every route (no host: one rule for any host).
        rules: (routes.hosts.length > 0 ? routes.hosts : [undefined]).map((host) => ({
          host,
          http: {
            paths: routes.routes().map((route) => ({
              path: route.path,
              pathType: route.match ?? PathMatch.PREFIX,
              backend: { service: { name: route.target.serviceName, port: { number: route.target.servicePort } } },
            })),
          },
        })),
      }),
    }),
  }));
}

function renderIstioGateway(routes: RouteSet, options: IstioModeOptions): istio.Gateway {
  const hosts = anyHost(routes);
  const servers: istio.GatewaySpecServers[] = [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts }];
  if (routes.tls) {
    // With TLS, plain HTTP only redirects to HTTPS (301), as an Ingress controller does with a TLS section.
    servers[0] = { ...servers[0], tls: { httpsRedirect: true } };
    servers.push({
      port: { number: 443, name: 'https', protocol: 'HTTPS' },
      hosts,
      tls: { mode: loadIstio().GatewaySpecServersTlsMode.SIMPLE, credentialName: routes.tls.secretName },
    });
  }
  return finalJsonPatches(new (loadIstio().Gateway)(routes.scope, 'gateway', {
    metadata: metadata(routes, `${routes.name}-gateway`),
    spec: { selector: options.gatewaySelector ?? { istio: 'ingressgateway' }, servers },
  }));
}

function renderVirtualService(routes: RouteSet): istio.VirtualService {
  return finalJsonPatches(new (loadIstio().VirtualService)(routes.scope, 'virtual-service', {
    metadata: metadata(routes, routes.name),
    spec: Lazy.any({
      produce: (): istio.VirtualServiceSpec => ({
        hosts: anyHost(routes),
        gateways: [`${routes.namespace}/${routes.name}-gateway`],
        http: routes.routes().map((route) => ({
          name: routeName(route),
          match: [{ uri: route.match === PathMatch.EXACT ? { exact: route.path } : { prefix: route.path } }],
          route: [{
            destination: {
              host: `${route.target.serviceName}.${route.target.serviceNamespace}.svc.cluster.local`,
              port: { number: route.target.servicePort },
            },
          }],
        })),
      }),
    }),
  }));
}

function renderHttpRoute(routes: RouteSet, options: GatewayApiModeOptions): gatewayApi.HttpRoute {
  const { HttpRoute, HttpRouteSpecRulesMatchesPathType } = loadGatewayApi();
  return finalJsonPatches(new HttpRoute(routes.scope, 'http-route', {
    metadata: metadata(routes, routes.name),
    spec: Lazy.any({
      // The values the CRD defaults (parent group and kind, backend group, kind and weight) are written out:
      // a server-side apply of the route then matches what the API server stored instead of conflicting with it.
      produce: (): gatewayApi.HttpRouteSpec => ({
        parentRefs: [{
          group: 'gateway.networking.k8s.io', kind: 'Gateway',
          name: options.gatewayName, namespace: options.gatewayNamespace, sectionName: options.sectionName,
        }],
        hostnames: undefinedIfEmpty(routes.hosts),
        rules: routes.routes().map((route) => ({
          matches: [{
            path: {
              type: route.match === PathMatch.EXACT ? HttpRouteSpecRulesMatchesPathType.EXACT : HttpRouteSpecRulesMatchesPathType.PATH_PREFIX,
              value: route.path,
            },
          }],
          backendRefs: [{ group: '', kind: 'Service', name: route.target.serviceName, port: route.target.servicePort, weight: 1 }],
        })),
      }),
    }),
  }));
}

/** Istio's hosts: the routes' hosts, or "*" for any host. */
function anyHost(routes: RouteSet): string[] {
  return routes.hosts.length > 0 ? routes.hosts : ['*'];
}

/** A VirtualService route name from a path: `/api/v1` → `api-v1`, `/` → `root`. */
function routeName(route: Route): string {
  const name = route.path.replace(/[^a-z0-9]+/gi, '-').replace(/^-+|-+$/g, '').toLowerCase();
  return name === '' ? 'root' : name;
}
