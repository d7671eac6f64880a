import { Construct } from 'constructs';
import { checkUniqueInApp } from './app-uniqueness';
import { PropChecker, resolveNamespace } from './checks';
import { finalJsonPatches } from './final-json-patches';
import { IngressRoutes } from './ingress-routes';
import { k8s } from './k8s';
import { LabelProps, resolveLabelValues, standardLabels } from './labels';
import { IPolicyTarget } from './policy-target';
import { IRouteTarget, serviceKey } from './route-target';
import { WebWorkload } from './web-workload';
import { ServiceType } from './workload-options';

/** Allow one workload to call another inside the namespace. */
export interface WorkloadConnection {
  /** The caller, e.g. the frontend. */
  readonly from: IPolicyTarget;
  /** The callee, e.g. the backend; allowed on its container port. */
  readonly to: IPolicyTarget;
}

/** Allow a workload to reach addresses outside the cluster, e.g. a managed database or an AI API. */
export interface ExternalEgressOptions {
  /** The workload allowed out. */
  readonly from: IPolicyTarget;
  /** TCP ports, e.g. `[443, 5432]`. */
  readonly ports: number[];
  /**
   * The destination range.
   * @default "0.0.0.0/0" without the private ranges 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16
   */
  readonly cidr?: string;
}

/** Admit pods of other namespaces, or other pods of this one, to a workload, e.g. Prometheus to the metrics port. */
export interface IngressFromOptions {
  /** The workload that is called. */
  readonly to: IPolicyTarget;
  /**
   * The callers' namespaces, e.g. `["monitoring"]`.
   * @default - this namespace (with podLabels)
   */
  readonly namespaces?: string[];
  /**
   * The callers' pod labels, e.g. `{ "app.kubernetes.io/name": "prometheus" }`.
   * @default - every pod of the namespaces (one of namespaces and podLabels is required)
   */
  readonly podLabels?: Record<string, string>;
  /**
   * TCP ports of the workload.
   * @default - the workload's container port
   */
  readonly ports?: number[];
}

/** Allow a workload to call pods inside the cluster: a workload of the app, or Services of other namespaces. */
export interface InternalEgressOptions {
  /** The caller. */
  readonly from: IPolicyTarget;
  /**
   * The callee in this namespace, on its container port (as a connection's egress half; the callee's own
   * policies decide whether it admits the call).
   * @default - not a workload of the app (give namespaces)
   */
  readonly to?: IPolicyTarget;
  /**
   * Namespaces whose pods (or Services) are called, e.g. `["observability"]`.
   * @default - this namespace
   */
  readonly namespaces?: string[];
  /**
   * Labels of the called pods.
   * @default - every pod of the namespaces
   */
  readonly podLabels?: Record<string, string>;
  /**
   * TCP ports.
   * @default - the container port of `to` (required without `to`)
   */
  readonly ports?: number[];
}

/** Properties of {@link AppNetworkPolicies}. */
export interface AppNetworkPoliciesProps extends LabelProps {
  /**
   * The namespace the policies guard. One AppNetworkPolicies per namespace: a second one is refused at synth.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The routes whose traffic is let in: each routed workload admits traffic from the routing layer's
   * namespace on its container port. Give several when more than one IngressRoutes routes into the namespace.
   * @default - none: no traffic is routed in from outside the namespace
   */
  readonly routes?: IngressRoutes | IngressRoutes[];
  /**
   * A prefix for the names of the namespace-wide policies (`default-deny`, `allow-dns`, `allow-istiod`), e.g. a
   * Helm release's full name and "-", so that two installations in one namespace do not name them alike. The
   * other policies are named after their workloads, whose names are unique in the namespace already.
   * @default - none
   */
  readonly namePrefix?: string;
  /**
   * The workloads the routes point at, so their pods and ports can be selected: workloads of this package, or
   * others through {@link PolicyTarget} (a cdk8s-plus Deployment or a label selector).
   */
  readonly workloads: IPolicyTarget[];
  /**
   * Calls allowed inside the namespace.
   * @default - none
   */
  readonly connections?: WorkloadConnection[];
  /**
   * Calls allowed out of the cluster.
   * @default - none
   */
  readonly externalEgress?: ExternalEgressOptions[];
  /**
   * Callers admitted from other namespaces or by pod labels, e.g. Prometheus to a metrics port.
   * @default - none
   */
  readonly ingressFrom?: IngressFromOptions[];
  /**
   * Calls allowed to pods and Services inside the cluster, beside `connections`.
   * @default - none
   */
  readonly internalEgress?: InternalEgressOptions[];
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * NetworkPolicies for a namespace: deny all traffic in and out by default, then allow DNS, the routing
 * layer to the routed workloads, the given workload-to-workload calls, callers from other namespaces and the
 * given egress. With Istio routing, sidecars may also reach istiod. NodePort and LoadBalancer Services of the
 * listed workloads are opened to their clients; a workload of the namespace that is scraped by Prometheus
 * (or exposed outside the cluster) but not admitted fails synth with the rule to add.
 */
export class AppNetworkPolicies extends Construct {
  /** The namespace the policies guard. */
  public readonly namespace: string;
  /** Every NetworkPolicy, by name (without `namePrefix`). */
  public readonly policies: Record<string, k8s.KubeNetworkPolicy> = {};

  private readonly check: PropChecker = new PropChecker(this, 'AppNetworkPolicies');
  private readonly namePrefix: string;
  private readonly labels: Record<string, string>;
  private readonly admittedCallers: Array<{ target: IPolicyTarget; ports: number[] }> = [];
  private readonly workloads: IPolicyTarget[];

  constructor(scope: Construct, id: string, props: AppNetworkPoliciesProps) {
    super(scope, id);
    if (props === null || typeof props !== 'object') this.check.fail('props', 'must be an object', props, 'Pass { routes, workloads }.');
    this.namespace = resolveNamespace(this.check, this, props.namespace);
    this.labels = standardLabels(resolveLabelValues(this.check, props, {
      name: 'network-policies', component: 'network-policy', instance: this.namespace, version: 'v1',
    }));
    const routesList = props.routes === undefined ? [] : Array.isArray(props.routes) ? props.routes : [props.routes];
    if (routesList.some((routes) => !(routes instanceof IngressRoutes))) {
      this.check.fail('routes', 'must be an IngressRoutes or a list of them', routesList.map((routes) => typeof routes), 'Pass the IngressRoutes that route into the namespace.');
    }
    this.namePrefix = props.namePrefix ?? '';
    if (this.namePrefix !== '') this.check.dnsSubdomain('namePrefix', `${this.namePrefix}x`);
    for (const prop of ['workloads', 'connections', 'externalEgress', 'ingressFrom', 'internalEgress'] as const) this.check.array(prop, props[prop]);
    this.workloads = props.workloads ?? [];

    this.addPolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, this.namePrefix);
    this.addPolicy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: namespaceNamed('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
      }],
    }, this.namePrefix);
    const istioNamespaces = [...new Set(routesList.filter((routes) => routes.mode.sidecarInjection).map((routes) => routes.mode.sourceNamespace!))];
    istioNamespaces.forEach((istioNamespace, index) => this.allowIstioControlPlane(istioNamespace, index));
    this.allowRouting(routesList);
    for (const connection of props.connections ?? []) this.allowConnection(connection);
    for (const egress of props.externalEgress ?? []) this.allowExternalEgress(egress);
    for (const ingress of props.ingressFrom ?? []) this.allowIngressFrom(ingress);
    for (const egress of props.internalEgress ?? []) this.allowInternalEgress(egress);
    for (const workload of this.workloads) this.allowOutsideClients(workload);
    this.node.addValidation({ validate: () => this.checkNothingSilentlyBlocked() });
    checkUniqueInApp(this);
  }

  private addPolicy(name: string, spec: k8s.NetworkPolicySpec, prefix = ''): void {
    if (this.policies[name]) {
      this.check.fail('policy', 'is defined twice', name, 'List each connection once.');
    }
    this.policies[name] = finalJsonPatches(new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name: `${prefix}${name}`, namespace: this.namespace, labels: this.labels },
      spec,
    }));
  }

  private allowRouting(routesList: IngressRoutes[]): void {
    const sourcesByKey = new Map<string, Set<string>>();
    for (const routes of routesList) {
      const routedServices = new Set(routes.routes.map((route) => targetKey(route.target)));
      this.node.addValidation({ validate: () => this.checkRoutesAddedLater(routes, routedServices) });
      for (const key of routedServices) {
        sourcesByKey.set(key, new Set([...(sourcesByKey.get(key) ?? []), routes.mode.sourceNamespace ?? routes.namespace]));
      }
    }
    for (const [key, sources] of sourcesByKey) {
      const workload = this.workloads.find((candidate) => serviceKey(candidate.namespace, candidate.serviceName ?? candidate.name) === key);
      if (!workload) {
        this.check.fail('workloads', `must include the workload behind routed Service "${key}"`, this.workloads.map((candidate) => candidate.name),
          'Pass every workload the routes point at (PolicyTarget.fromDeployment or fromLabels for pods of other constructs).');
      }
      this.addPolicy(`${workload.name}-from-routing`, {
        podSelector: { matchLabels: workload.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [...sources].map((source) => ({ namespaceSelector: namespaceNamed(source) })), ports: [tcp(workload.containerPort)] }],
      });
    }
  }

  /** The routing policies are made from the routes that exist when the policies are created. */
  private checkRoutesAddedLater(routes: IngressRoutes, admitted: Set<string>): string[] {
    return routes.routes.filter((route) => !admitted.has(targetKey(route.target))).map((route) =>
      `${this.check.subject}: route "${route.path}" to Service "${route.target.serviceName}" was added after the policies were created, `
      + 'so no policy admits its traffic. Create AppNetworkPolicies after the last addRoute call.');
  }

  private allowConnection({ from, to }: WorkloadConnection): void {
    this.addPolicy(`${to.name}-from-${from.name}`, {
      podSelector: { matchLabels: to.selectorLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: from.selectorLabels } }], ports: [tcp(to.containerPort)] }],
    });
    this.addPolicy(`${from.name}-to-${to.name}`, {
      podSelector: { matchLabels: from.selectorLabels },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: to.selectorLabels } }], ports: [tcp(to.containerPort)] }],
    });
  }

  private allowExternalEgress(options: ExternalEgressOptions): void {
    this.checkPorts('externalEgress.ports', options.ports);
    this.check.cidr('externalEgress.cidr', options.cidr);
    const ipBlock: k8s.IpBlock = options.cidr === undefined ? { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } : { cidr: options.cidr };
    this.addPolicy(`${options.from.name}-to-external`, {
      podSelector: { matchLabels: options.from.selectorLabels },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock }], ports: options.ports.map(tcp) }],
    });
  }

  private allowIngressFrom(options: IngressFromOptions): void {
    const peers = this.peers('ingressFrom', options.namespaces, options.podLabels);
    const ports = options.ports ?? [options.to.containerPort];
    this.checkPorts('ingressFrom.ports', ports);
    this.admittedCallers.push({ target: options.to, ports });
    this.addPolicy(`${options.to.name}-from-${peerName(options.namespaces, options.podLabels)}`, {
      podSelector: { matchLabels: options.to.selectorLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: peers, ports: ports.map(tcp) }],
    });
  }

  private allowInternalEgress(options: InternalEgressOptions): void {
    const ports = options.ports ?? (options.to ? [options.to.containerPort] : undefined);
    if (ports === undefined) {
      this.check.fail('internalEgress.ports', 'is required without `to`', ports, 'List the TCP ports of the Services called, e.g. [4317].');
    }
    this.checkPorts('internalEgress.ports', ports);
    const peers = options.to
      ? [{ podSelector: { matchLabels: options.to.selectorLabels } }]
      : this.peers('internalEgress', options.namespaces, options.podLabels);
    const target = options.to ? options.to.name : peerName(options.namespaces, options.podLabels);
    this.addPolicy(`${options.from.name}-to-${target}`, {
      podSelector: { matchLabels: options.from.selectorLabels },
      policyTypes: ['Egress'],
      egress: [{ to: peers, ports: ports.map(tcp) }],
    });
  }

  /** NodePort and LoadBalancer Services bring clients from outside the cluster: admit them (or the Service's source ranges). */
  private allowOutsideClients(target: IPolicyTarget): void {
    if (!(target instanceof WebWorkload) || target.serviceType === ServiceType.CLUSTER_IP) return;
    const ranges = target.loadBalancerSourceRanges ?? ['0.0.0.0/0', '::/0'];
    this.addPolicy(`${target.name}-from-outside`, {
      podSelector: { matchLabels: target.selectorLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: ranges.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(target.containerPort)] }],
    });
  }

  /** Default-deny must not silently block what the constructs configured: metrics scraping and outside clients. */
  private checkNothingSilentlyBlocked(): string[] {
    const workloads = this.node.root.node.findAll().filter((node): node is WebWorkload => node instanceof WebWorkload && node.namespace === this.namespace);
    return workloads.flatMap((workload) => {
      const problems: string[] = [];
      if (workload.metricsPort !== undefined && !this.admitsCallers(workload, workload.metricsPort)) {
        problems.push(`${this.check.subject}: ${workload.node.path} has Prometheus scrape annotations on port ${workload.metricsPort}, but default-deny blocks the scraper. `
          + `Admit it: ingressFrom: [{ to: ${workload.name}, namespaces: ["monitoring"], ports: [${workload.metricsPort}] }] (your Prometheus namespace).`);
      }
      if (workload.serviceType !== ServiceType.CLUSTER_IP && !this.workloads.includes(workload)) {
        problems.push(`${this.check.subject}: ${workload.node.path} has a ${workload.serviceType} Service, but default-deny blocks its outside clients. `
          + `Add it to workloads, so the policies admit them.`);
      }
      return problems;
    });
  }

  /** Whether an ingressFrom rule admits callers to this port of the workload. */
  private admitsCallers(target: IPolicyTarget, port: number): boolean {
    return this.admittedCallers.some((entry) => entry.target === target && entry.ports.includes(port));
  }

  private peers(prop: string, namespaces: string[] | undefined, podLabels: Record<string, string> | undefined): k8s.NetworkPolicyPeer[] {
    this.check.array(`${prop}.namespaces`, namespaces);
    this.check.labels(`${prop}.podLabels`, podLabels);
    if ((namespaces === undefined || namespaces.length === 0) && podLabels === undefined) {
      this.check.fail(prop, 'needs namespaces or podLabels', { namespaces, podLabels }, 'Name the namespaces (e.g. ["monitoring"]) or the pod labels to admit.');
    }
    const podSelector = podLabels ? { matchLabels: podLabels } : undefined;
    if (namespaces === undefined || namespaces.length === 0) return [{ podSelector }];
    namespaces.forEach((namespace, index) => this.check.dnsLabel(`${prop}.namespaces[${index}]`, namespace));
    return namespaces.map((namespace) => ({ namespaceSelector: namespaceNamed(namespace), podSelector }));
  }

  private checkPorts(prop: string, ports: number[]): void {
    this.check.array(prop, ports);
    if (ports.length === 0) {
      this.check.fail(prop, 'must not be empty', ports, 'List the TCP ports, e.g. [443, 5432].');
    }
    ports.forEach((port) => this.check.port(prop, port));
  }

  private allowIstioControlPlane(istioNamespace: string, index: number): void {
    this.addPolicy(index === 0 ? 'allow-istiod' : `allow-istiod-${istioNamespace}`, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: namespaceNamed(istioNamespace) }], ports: [tcp(15012)] }],
    }, this.namePrefix);
  }
}

/** The key of the Service a route sends traffic to. */
function targetKey(target: IRouteTarget): string {
  return serviceKey(target.serviceNamespace, target.serviceName);
}

/** A readable policy name part for a peer: `monitoring`, `ns-a-ns-b`, or the pod labels' values. */
function peerName(namespaces: string[] | undefined, podLabels: Record<string, string> | undefined): string {
  const parts = [...(namespaces ?? []), ...Object.values(podLabels ?? {})];
  return parts.join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').substring(0, 40).replace(/-+$/, '') || 'pods';
}

function namespaceNamed(name: string): k8s.LabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': name } };
}

function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}
