import { ApiObject, App, Lazy } from 'cdk8s';
import { k8s } from './k8s';
import { Construct, IConstruct } from 'constructs';
import type * as gatewayApi from '../imports/gateway.networking.k8s.io';
import type * as istio from '../imports/networking.istio.io';
import { PropChecker, resolveNamespace } from './checks';
import { standardLabels } from './labels';
import { IRouteTarget, WebWorkload } from './web-workload';

/** How a route's path is compared with the request path. */
export enum PathMatch {
  /** The path and everything below it, element by element (`/api` matches `/api` and `/api/todos`). */
  PREFIX = 'Prefix',
  /** Only this exact path. */
  EXACT = 'Exact',
}

/** One HTTP route: a path and the Service port it goes to. */
export interface Route {
  /** The request path, starting with `/`. */
  readonly path: string;
  /** Where matching requests go, e.g. a {@link FastApiBackend}. */
  readonly target: IRouteTarget;
  /**
   * How the path is matched.
   * @default PathMatch.PREFIX
   */
  readonly match?: PathMatch;
}

/** Options of {@link IngressRoutes.addRoute}. */
export interface AddRouteOptions {
  /**
   * How the path is matched.
   * @default PathMatch.PREFIX
   */
  readonly match?: PathMatch;
}

/** TLS termination. */
export interface RouteTlsOptions {
  /**
   * The `kubernetes.io/tls` Secret with the certificate (for Istio, the gateway's `credentialName`, which
   * must live in the ingress gateway's namespace). Create it yourself, e.g. with cert-manager.
   */
  readonly secretName: string;
}

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

/** The kind of routing objects {@link IngressRoutes} writes. */
export enum RoutingKind {
  /** networking.k8s.io/v1 Ingress. */
  INGRESS = 'ingress',
  /** Istio Gateway + VirtualService. */
  ISTIO = 'istio',
  /** Gateway API HTTPRoute. */
  GATEWAY_API = 'gateway-api',
}

/** Which routing objects to write: an Ingress, Istio Gateway + VirtualService, or a Gateway API HTTPRoute. */
export class RoutingMode {
  /** A networking.k8s.io/v1 Ingress (ingress-nginx by default). */
  public static ingress(options: IngressModeOptions = {}): RoutingMode {
    return new RoutingMode(RoutingKind.INGRESS, options.controllerNamespace ?? 'ingress-nginx', options, undefined, undefined);
  }

  /** An Istio Gateway and VirtualService (the namespace needs sidecar injection: see AppNamespace). */
  public static istio(options: IstioModeOptions = {}): RoutingMode {
    return new RoutingMode(RoutingKind.ISTIO, options.gatewayNamespace ?? 'istio-system', undefined, options, undefined);
  }

  /** A Gateway API HTTPRoute attached to an existing Gateway. */
  public static gatewayApi(options: GatewayApiModeOptions): RoutingMode {
    return new RoutingMode(RoutingKind.GATEWAY_API, options.dataPlaneNamespace ?? options.gatewayNamespace, undefined, undefined, options);
  }

  private constructor(
    /** Which objects are written. */
    public readonly kind: RoutingKind,
    /** Where routed traffic comes from, when it is another namespace (undefined: the routes' own). */
    public readonly sourceNamespace: string | undefined,
    /** @internal */ public readonly _ingress: IngressModeOptions | undefined,
    /** @internal */ public readonly _istio: IstioModeOptions | undefined,
    /** @internal */ public readonly _gatewayApi: GatewayApiModeOptions | undefined,
  ) {}
}

/** A route target named by Service name and port, checked at synth against the Services in the app. */
export class RouteTarget {
  /** A Service in the app by name; synth fails when no such Service with that port exists. */
  public static fromServiceName(serviceName: string, servicePort: number, serviceNamespace: string): IRouteTarget {
    return { serviceName, servicePort, serviceNamespace };
  }
}

/** Properties of {@link IngressRoutes}. */
export interface IngressRoutesProps {
  /**
   * The name of the routing objects.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace of the routing objects (and of every target Service).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Which routing objects to write.
   * @default RoutingMode.ingress()
   */
  readonly mode?: RoutingMode;
  /**
   * The host name requests must carry, e.g. `todo.local`.
   * @default - any host (Istio: "*")
   */
  readonly host?: string;
  /**
   * TLS termination (Ingress and Istio; with the Gateway API, TLS is the Gateway listener's job).
   * @default - plain HTTP
   */
  readonly tls?: RouteTlsOptions;
  /**
   * The routes; more can be added with {@link IngressRoutes.addRoute}.
   * @default - none
   */
  readonly routes?: Route[];
  /**
   * `app.kubernetes.io/part-of`.
   * @default - the name
   */
  readonly partOf?: string;
  /**
   * `app.kubernetes.io/instance`.
   * @default - the namespace
   */
  readonly instance?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default "v1"
   */
  readonly version?: string;
}

// The generated CRD classes are large (0.5 MB of JavaScript); load them only in the mode that uses them.
const loadIstio = (): typeof istio => require('../imports/networking.istio.io');
const loadGatewayApi = (): typeof gatewayApi => require('../imports/gateway.networking.k8s.io');

const PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/**
 * HTTP routing by path to Services (e.g. `/api` to a {@link FastApiBackend}, `/` to a {@link NextFrontend}),
 * written as an Ingress, an Istio Gateway + VirtualService, or a Gateway API HTTPRoute. Routes are ordered
 * most specific first (exact before prefix, longer before shorter), which Istio needs and the others respect.
 */
export class IngressRoutes extends Construct {
  /** The name of the routing objects. */
  public readonly name: string;
  /** The namespace of the routing objects. */
  public readonly namespace: string;
  /** The routing mode. */
  public readonly mode: RoutingMode;
  /** The host, when given. */
  public readonly host?: string;
  /** The Ingress, in ingress mode. */
  public readonly ingress?: k8s.KubeIngress;
  /** The Istio Gateway, in Istio mode. */
  public readonly istioGateway?: istio.Gateway;
  /** The Istio VirtualService, in Istio mode. */
  public readonly virtualService?: istio.VirtualService;
  /** The HTTPRoute, in Gateway API mode. */
  public readonly httpRoute?: gatewayApi.HttpRoute;

  private readonly check: PropChecker;
  private readonly tls?: RouteTlsOptions;
  private readonly labels: Record<string, string>;
  private readonly routeList: Route[] = [];

  constructor(scope: Construct, id: string, props: IngressRoutesProps = {}) {
    super(scope, id);
    this.check = new PropChecker(this, 'IngressRoutes');
    this.name = props.name ?? id;
    this.check.dnsLabel('name', this.name);
    this.namespace = resolveNamespace(this.check, this, props.namespace);
    this.mode = props.mode ?? RoutingMode.ingress();
    this.host = props.host;
    this.tls = props.tls;
    this.check.hostName('host', props.host);
    this.validateMode();
    this.validateTls();
    const instance = props.instance ?? this.namespace;
    this.check.labelValue('instance', instance);
    this.check.labelValue('partOf', props.partOf);
    this.check.labelValue('version', props.version);
    this.labels = standardLabels({ name: this.name, instance, component: 'routing', partOf: props.partOf ?? this.name, version: props.version ?? 'v1' });
    for (const route of props.routes ?? []) this.addRoute(route.path, route.target, { match: route.match });

    switch (this.mode.kind) {
      case RoutingKind.INGRESS:
        this.ingress = this.createIngress(this.mode._ingress ?? {});
        break;
      case RoutingKind.ISTIO:
        this.istioGateway = this.createIstioGateway(this.mode._istio ?? {});
        this.virtualService = this.createVirtualService();
        break;
      case RoutingKind.GATEWAY_API:
        this.httpRoute = this.createHttpRoute(this.mode._gatewayApi!);
        break;
    }
    this.node.addValidation({ validate: () => this.validateRoutes() });
  }

  /** The routes, most specific first. */
  public get routes(): Route[] {
    return [...this.routeList].sort(bySpecificity);
  }

  /** Adds a route. Throws on a path without a leading `/` or a path that is already routed. */
  public addRoute(path: string, target: IRouteTarget, options: AddRouteOptions = {}): void {
    if (!PATH.test(path)) {
      this.check.fail('route path', 'must start with "/" and contain only URL path characters', path, `Write it as "/${path.replace(/^\/*/, '')}".`);
    }
    const duplicate = this.routeList.find((route) => route.path === path);
    if (duplicate) {
      this.check.fail('route path', `is routed twice (to ${describeTarget(duplicate.target)} and ${describeTarget(target)})`, path, 'Keep one route per path.');
    }
    this.check.port(`route "${path}" servicePort`, target.servicePort);
    if (target.serviceNamespace !== this.namespace) {
      this.check.fail(`route "${path}" target`, `must be in the routes' namespace "${this.namespace}"`, `${target.serviceNamespace}/${target.serviceName}`,
        'Create the IngressRoutes in the namespace of the Services it routes to.');
    }
    this.routeList.push({ path, target, match: options.match ?? PathMatch.PREFIX });
  }

  private validateMode(): void {
    const ingress = this.mode._ingress;
    if (ingress) {
      this.check.dnsSubdomain('mode.className', ingress.className);
      const rewrite = Object.keys(ingress.annotations ?? {}).find((key) => key.endsWith('/rewrite-target'));
      if (rewrite) {
        this.check.fail('mode.annotations', `must not set ${rewrite}: it rewrites every matched path and breaks nested routes such as /api/todos`, rewrite,
          'Serve the app under its public paths (FastAPI: root_path or an APIRouter prefix of "/api") and remove the annotation.');
      }
    }
    if (this.mode._gatewayApi) {
      this.check.dnsSubdomain('mode.gatewayName', this.mode._gatewayApi.gatewayName);
      this.check.dnsLabel('mode.gatewayNamespace', this.mode._gatewayApi.gatewayNamespace);
      this.check.dnsLabel('mode.dataPlaneNamespace', this.mode._gatewayApi.dataPlaneNamespace);
    }
    this.check.dnsLabel('mode.sourceNamespace', this.mode.sourceNamespace);
  }

  private validateTls(): void {
    if (!this.tls) return;
    if (!this.tls.secretName) {
      this.check.fail('tls.secretName', 'is required with tls', this.tls.secretName, 'Name the kubernetes.io/tls Secret that holds the certificate, or remove tls.');
    }
    this.check.dnsSubdomain('tls.secretName', this.tls.secretName);
    if (this.mode.kind === RoutingKind.GATEWAY_API) {
      this.check.fail('tls', 'is set on the Gateway listener with the Gateway API, not on the route', this.tls.secretName,
        'Remove tls and add the certificate to the Gateway listener (certificateRefs).');
    }
    if (this.host === undefined) {
      this.check.fail('host', 'is required with tls (the certificate is for a host name)', this.host, 'Set host, e.g. "todo.example.com".');
    }
  }

  /** Synth-time check: there are routes, and every target is a Service port that exists in the app. */
  private validateRoutes(): string[] {
    if (this.routeList.length === 0) {
      return [`${this.check.subject}: routes must not be empty; got []. Add a route with addRoute("/", frontend).`];
    }
    // A workload of this app is its own Service by construction; only targets named by string need a lookup.
    const unverified = this.routeList.filter((route) => !(route.target instanceof WebWorkload && route.target.node.root === this.node.root));
    if (unverified.length === 0) return [];
    const services = findServices(App.of(this));
    return unverified.flatMap((route) => {
      const { serviceName, serviceNamespace, servicePort } = route.target;
      const ports = services.get(`${serviceNamespace}/${serviceName}`);
      if (ports === undefined) {
        return [`${this.check.subject}: route "${route.path}" points at Service "${serviceNamespace}/${serviceName}", which is not in the app; `
          + `known Services: ${[...services.keys()].join(', ') || 'none'}. Route to a Service the app defines.`];
      }
      if (!ports.includes(servicePort)) {
        return [`${this.check.subject}: route "${route.path}" points at port ${servicePort} of Service "${serviceName}", which has ports ${ports.join(', ')}. Use one of them.`];
      }
      return [];
    });
  }

  private metadata(name: string, annotations?: Record<string, string>): k8s.ObjectMeta {
    return { name, namespace: this.namespace, labels: this.labels, annotations };
  }

  private createIngress(options: IngressModeOptions): k8s.KubeIngress {
    return new k8s.KubeIngress(this, 'ingress', {
      metadata: this.metadata(this.name, options.annotations),
      spec: Lazy.any({
        produce: (): k8s.IngressSpec => ({
          ingressClassName: options.className ?? 'nginx',
          tls: this.tls ? [{ hosts: [this.host!], secretName: this.tls.secretName }] : undefined,
          rules: [{
            host: this.host,
            http: {
              paths: this.routes.map((route) => ({
                path: route.path,
                pathType: route.match ?? PathMatch.PREFIX,
                backend: { service: { name: route.target.serviceName, port: { number: route.target.servicePort } } },
              })),
            },
          }],
        }),
      }),
    });
  }

  private createIstioGateway(options: IstioModeOptions): istio.Gateway {
    const hosts = [this.host ?? '*'];
    const servers: istio.GatewaySpecServers[] = [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts }];
    if (this.tls) {
      servers.push({
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts,
        tls: { mode: loadIstio().GatewaySpecServersTlsMode.SIMPLE, credentialName: this.tls.secretName },
      });
    }
    return new (loadIstio().Gateway)(this, 'gateway', {
      metadata: this.metadata(`${this.name}-gateway`),
      spec: { selector: options.gatewaySelector ?? { istio: 'ingressgateway' }, servers },
    });
  }

  private createVirtualService(): istio.VirtualService {
    return new (loadIstio().VirtualService)(this, 'virtual-service', {
      metadata: this.metadata(this.name),
      spec: Lazy.any({
        produce: (): istio.VirtualServiceSpec => ({
          hosts: [this.host ?? '*'],
          gateways: [`${this.namespace}/${this.name}-gateway`],
          http: this.routes.map((route) => ({
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
    });
  }

  private createHttpRoute(options: GatewayApiModeOptions): gatewayApi.HttpRoute {
    const { HttpRoute, HttpRouteSpecRulesMatchesPathType } = loadGatewayApi();
    return new HttpRoute(this, 'http-route', {
      metadata: this.metadata(this.name),
      spec: Lazy.any({
        produce: (): gatewayApi.HttpRouteSpec => ({
          parentRefs: [{ name: options.gatewayName, namespace: options.gatewayNamespace, sectionName: options.sectionName }],
          hostnames: this.host ? [this.host] : undefined,
          rules: this.routes.map((route) => ({
            matches: [{
              path: {
                type: route.match === PathMatch.EXACT ? HttpRouteSpecRulesMatchesPathType.EXACT : HttpRouteSpecRulesMatchesPathType.PATH_PREFIX,
                value: route.path,
              },
            }],
            backendRefs: [{ name: route.target.serviceName, port: route.target.servicePort }],
          })),
        }),
      }),
    });
  }
}

/** Exact before prefix, then longer paths first: the first match wins in Istio. */
function bySpecificity(a: Route, b: Route): number {
  const exactFirst = Number(b.match === PathMatch.EXACT) - Number(a.match === PathMatch.EXACT);
  return exactFirst !== 0 ? exactFirst : b.path.length - a.path.length || a.path.localeCompare(b.path);
}

function routeName(route: Route): string {
  const name = route.path.replace(/[^a-z0-9]+/gi, '-').replace(/^-+|-+$/g, '').toLowerCase();
  return name === '' ? 'root' : name;
}

function describeTarget(target: IRouteTarget): string {
  return `${target.serviceName}:${target.servicePort}`;
}

/** Recomputed only when the tree has grown: N route sets validating against N Services must not cost N^2 toJson calls. */
const servicesByApp = new WeakMap<IConstruct, { size: number; services: Map<string, number[]> }>();

/** Every Service in the app, by "namespace/name", with its ports. */
function findServices(root: IConstruct): Map<string, number[]> {
  const constructs = root.node.findAll();
  const cached = servicesByApp.get(root);
  if (cached && cached.size === constructs.length) return cached.services;
  const services = new Map<string, number[]>();
  for (const child of constructs) {
    if (!(child instanceof ApiObject) || child.kind !== 'Service' || child.apiVersion !== 'v1') continue;
    const json = child.toJson();
    const ports: number[] = (json.spec?.ports ?? []).map((port: { port: number }) => port.port);
    services.set(`${json.metadata?.namespace ?? 'default'}/${json.metadata?.name}`, ports);
  }
  servicesByApp.set(root, { size: constructs.length, services });
  return services;
}
