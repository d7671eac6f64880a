import { ApiObject } from 'cdk8s';
import { Service as KplusService } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkUniqueInApp } from './app-uniqueness';
import type * as gatewayApi from '../imports/gateway.networking.k8s.io';
import type * as istio from '../imports/networking.istio.io';
import { PropChecker, resolveNamespace } from './checks';
import { asList, asRecord, getPath } from './json-access';
import { k8s } from './k8s';
import { LabelProps, resolveLabelValues, standardLabels } from './labels';
import { AddRouteOptions, IngressTlsOptions, PathMatch, Route, RouteTlsOptions, bySpecificity } from './route';
import { IRouteTarget, RouteTarget } from './route-target';
import { RoutingMode } from './routing-mode';

/** Properties of {@link IngressRoutes}. */
export interface IngressRoutesProps extends LabelProps {
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
   * More host names the same routes answer on (each checked like `host`), e.g. `www.` beside the bare domain. Every
   * host gets every route. Needs `host` (without it the routes answer on any host already).
   * @default - `host` only
   */
  readonly additionalHosts?: string[];
  /**
   * TLS termination (Ingress and Istio; with the Gateway API, TLS is the Gateway listener's job).
   * @default - plain HTTP
   */
  readonly tls?: RouteTlsOptions;
  /**
   * More TLS entries of the Ingress, after `tls`: each names hosts of `host` and `additionalHosts` and the Secret with
   * their certificate. Ingress mode only: an Istio Gateway serves every host with `tls.secretName` (one certificate
   * that covers them), and with the Gateway API, TLS is the Gateway listener's job.
   * @default - none
   */
  readonly additionalTls?: IngressTlsOptions[];
  /**
   * The routes; more can be added with {@link IngressRoutes.addRoute}.
   * @default - none
   */
  readonly routes?: Route[];
}

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
  /** Every host the routes answer on: `host`, then `additionalHosts` (empty: any host). */
  public readonly hosts: string[];
  /** The Ingress, in ingress mode. */
  public readonly ingress?: k8s.KubeIngress;
  /** The Istio Gateway, in Istio mode. */
  public readonly istioGateway?: istio.Gateway;
  /** The Istio VirtualService, in Istio mode. */
  public readonly virtualService?: istio.VirtualService;
  /** The HTTPRoute, in Gateway API mode. */
  public readonly httpRoute?: gatewayApi.HttpRoute;

  private readonly check: PropChecker = new PropChecker(this, 'IngressRoutes');
  private readonly routeList: Route[] = [];

  constructor(scope: Construct, id: string, props: IngressRoutesProps = {}) {
    super(scope, id);
    if (props === null || typeof props !== 'object') this.check.fail('props', 'must be an object', props, 'Pass { host: "app.example.com" } or nothing.');
    this.check.array('routes', props.routes);
    this.name = props.name ?? id;
    this.check.dnsLabel('name', this.name);
    this.namespace = resolveNamespace(this.check, this, props.namespace);
    this.mode = props.mode ?? RoutingMode.ingress();
    this.host = props.host;
    this.check.hostName('host', props.host);
    this.hosts = this.resolveHosts(props.additionalHosts);
    this.mode._check(this.check, props.tls, props.additionalTls);
    this.validateTls(props.tls);
    this.validateAdditionalTls(props.additionalTls);
    const labels = standardLabels(resolveLabelValues(this.check, props, { name: this.name, component: 'routing', instance: this.namespace, version: 'v1' }));
    for (const route of props.routes ?? []) this.addRoute(route.path, route.target, { match: route.match });

    const objects = this.mode._render({
      scope: this, name: this.name, namespace: this.namespace, hosts: this.hosts, tls: props.tls, additionalTls: props.additionalTls, labels, routes: () => this.routes,
    });
    this.ingress = objects.ingress;
    this.istioGateway = objects.istioGateway;
    this.virtualService = objects.virtualService;
    this.httpRoute = objects.httpRoute;
    this.node.addValidation({ validate: () => this.validateRoutes() });
    checkUniqueInApp(this);
  }

  /** The routes, most specific first. */
  public get routes(): Route[] {
    return [...this.routeList].sort(bySpecificity);
  }

  /**
   * Adds a route to a workload of this package, a {@link RouteTarget}, or a cdk8s-plus `Service` (its first
   * port). Throws on a path without a leading `/` or a path that is already routed.
   */
  public addRoute(path: string, routeTarget: IRouteTarget | KplusService, options: AddRouteOptions = {}): void {
    this.check.string('route path', path);
    const target = this.toRouteTarget(path, routeTarget);
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

  private toRouteTarget(path: string, target: IRouteTarget | KplusService): IRouteTarget {
    if (target instanceof KplusService) return RouteTarget.fromService(ApiObject.of(target), target.port);
    if (target === null || typeof target !== 'object' || typeof target.serviceName !== 'string' || !target.service) {
      this.check.fail(`route "${path}" target`, 'must be a workload (FastApiBackend, NextFrontend), a RouteTarget or a cdk8s-plus Service', target === null ? null : typeof target,
        'Pass the workload, a cdk8s-plus Service, or RouteTarget.fromService(service, port).');
    }
    return target;
  }

  private resolveHosts(additionalHosts: string[] | undefined): string[] {
    this.check.array('additionalHosts', additionalHosts);
    if (additionalHosts && additionalHosts.length > 0 && this.host === undefined) {
      this.check.fail('additionalHosts', 'needs host (without it the routes answer on any host already)', additionalHosts, 'Set host, or remove additionalHosts.');
    }
    const hosts = this.host === undefined ? [] : [this.host];
    (additionalHosts ?? []).forEach((host, index) => {
      this.check.hostName(`additionalHosts[${index}]`, host);
      if (hosts.includes(host)) this.check.fail(`additionalHosts[${index}]`, 'is routed already (host or an earlier entry)', host, 'List each host once.');
      hosts.push(host);
    });
    return hosts;
  }

  private validateAdditionalTls(additionalTls: IngressTlsOptions[] | undefined): void {
    this.check.array('additionalTls', additionalTls);
    (additionalTls ?? []).forEach((entry, index) => {
      this.check.dnsSubdomain(`additionalTls[${index}].secretName`, entry.secretName);
      this.check.array(`additionalTls[${index}].hosts`, entry.hosts);
      if (!entry.hosts || entry.hosts.length === 0) {
        this.check.fail(`additionalTls[${index}].hosts`, 'must name at least one host', entry.hosts, 'List the hosts the certificate is for.');
      }
      entry.hosts.forEach((host, hostIndex) => {
        if (!this.hosts.includes(host)) {
          this.check.fail(`additionalTls[${index}].hosts[${hostIndex}]`, 'must be a host the routes answer on (host or additionalHosts)', host, 'Add it to additionalHosts, or remove it.');
        }
      });
    });
  }

  private validateTls(tls: RouteTlsOptions | undefined): void {
    if (!tls) return;
    if (!tls.secretName) {
      this.check.fail('tls.secretName', 'is required with tls', tls.secretName, 'Name the kubernetes.io/tls Secret that holds the certificate, or remove tls.');
    }
    this.check.dnsSubdomain('tls.secretName', tls.secretName);
    if (this.host === undefined) {
      this.check.fail('host', 'is required with tls (the certificate is for a host name)', this.host, 'Set host, e.g. "todo.example.com".');
    }
  }

  /** Synth-time check: there are routes, and every target is a port of a Service of this app. */
  private validateRoutes(): string[] {
    if (this.routeList.length === 0) {
      return [`${this.check.subject}: routes must not be empty; got []. Add a route with addRoute("/", frontend).`];
    }
    return this.routeList.flatMap((route) => this.checkTarget(route));
  }

  private checkTarget({ path, target }: Route): string[] {
    const { service, serviceName, serviceNamespace, servicePort } = target;
    if (service.node.root !== this.node.root) {
      return [`${this.check.subject}: route "${path}" points at Service "${serviceNamespace}/${serviceName}" of another app ('${service.node.path}'). `
        + 'Route to a Service of this app.'];
    }
    const ports = asList(getPath(service.toJson(), 'spec', 'ports')).map((port) => asRecord(port).port);
    if (ports.includes(servicePort)) return [];
    return [`${this.check.subject}: route "${path}" points at port ${servicePort} of Service "${serviceName}", which has ports ${ports.join(', ') || 'none'}. Use one of them.`];
  }
}

function describeTarget(target: IRouteTarget): string {
  return `${target.serviceName}:${target.servicePort}`;
}
