import { k8s } from './k8s';
import { Construct } from 'constructs';
import { PropChecker, resolveNamespace } from './checks';
import { IngressRoutes } from './ingress-routes';
import { LabelProps, resolveLabelValues, standardLabels } from './labels';
import { IRouteTarget, serviceKey } from './route-target';
import { WebWorkload } from './web-workload';

/** Allow one workload to call another inside the namespace. */
export interface WorkloadConnection {
  /** The caller, e.g. the frontend. */
  readonly from: WebWorkload;
  /** The callee, e.g. the backend; allowed on its container port. */
  readonly to: WebWorkload;
}

/** Allow a workload to reach addresses outside the cluster, e.g. a managed database or an AI API. */
export interface ExternalEgressOptions {
  /** The workload allowed out. */
  readonly from: WebWorkload;
  /** TCP ports, e.g. `[443, 5432]`. */
  readonly ports: number[];
  /**
   * The destination range.
   * @default "0.0.0.0/0" without the private ranges 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16
   */
  readonly cidr?: string;
}

/** Properties of {@link AppNetworkPolicies}. */
export interface AppNetworkPoliciesProps extends LabelProps {
  /**
   * The namespace the policies guard.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The routes whose traffic is let in: each routed workload admits traffic from the routing layer's
   * namespace on its container port.
   */
  readonly routes: IngressRoutes;
  /**
   * The workloads routes point at, so their pods and ports can be selected.
   */
  readonly workloads: WebWorkload[];
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
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * NetworkPolicies for a namespace: deny all traffic in and out by default, then allow DNS, the routing
 * layer to the routed workloads, the given workload-to-workload calls and the given external egress.
 * With Istio routing, sidecars may also reach istiod.
 */
export class AppNetworkPolicies extends Construct {
  /** The namespace the policies guard. */
  public readonly namespace: string;
  /** Every NetworkPolicy, by name. */
  public readonly policies: Record<string, k8s.KubeNetworkPolicy> = {};

  private readonly check: PropChecker = new PropChecker(this, 'AppNetworkPolicies');
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: AppNetworkPoliciesProps) {
    super(scope, id);
    this.namespace = resolveNamespace(this.check, this, props.namespace);
    this.labels = standardLabels(resolveLabelValues(this.check, props, {
      name: 'network-policies', component: 'network-policy', instance: this.namespace, version: 'v1',
    }));

    this.addPolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    this.addPolicy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: namespaceNamed('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
      }],
    });
    if (props.routes.mode.sidecarInjection) this.allowIstioControlPlane(props.routes.mode.sourceNamespace!);
    this.allowRouting(props.routes, props.workloads);
    for (const connection of props.connections ?? []) this.allowConnection(connection);
    for (const egress of props.externalEgress ?? []) this.allowExternalEgress(egress);
  }

  private addPolicy(name: string, spec: k8s.NetworkPolicySpec): void {
    if (this.policies[name]) {
      this.check.fail('policy', 'is defined twice', name, 'List each connection once.');
    }
    this.policies[name] = new k8s.KubeNetworkPolicy(this, name, {
      metadata: { name, namespace: this.namespace, labels: this.labels },
      spec,
    });
  }

  private allowRouting(routes: IngressRoutes, workloads: WebWorkload[]): void {
    const source: k8s.NetworkPolicyPeer = { namespaceSelector: namespaceNamed(routes.mode.sourceNamespace ?? routes.namespace) };
    const routedServices = new Set(routes.routes.map((route) => targetKey(route.target)));
    this.node.addValidation({ validate: () => this.checkRoutesAddedLater(routes, routedServices) });
    for (const key of routedServices) {
      const workload = workloads.find((candidate) => serviceKey(candidate.namespace, candidate.name) === key);
      if (!workload) {
        this.check.fail('workloads', `must include the workload behind routed Service "${key}"`, workloads.map((candidate) => candidate.name),
          'Pass every workload the routes point at.');
      }
      this.addPolicy(`${workload.name}-from-routing`, {
        podSelector: { matchLabels: workload.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [source], ports: [tcp(workload.containerPort)] }],
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
    if (options.ports.length === 0) {
      this.check.fail('externalEgress.ports', 'must not be empty', options.ports, 'List the TCP ports, e.g. [443, 5432].');
    }
    options.ports.forEach((port) => this.check.port('externalEgress.ports', port));
    const ipBlock: k8s.IpBlock = options.cidr === undefined ? { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } : { cidr: options.cidr };
    this.addPolicy(`${options.from.name}-to-external`, {
      podSelector: { matchLabels: options.from.selectorLabels },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock }], ports: options.ports.map(tcp) }],
    });
  }

  private allowIstioControlPlane(istioNamespace: string): void {
    this.addPolicy('allow-istiod', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: namespaceNamed(istioNamespace) }], ports: [tcp(15012)] }],
    });
  }
}

/** The key of the Service a route sends traffic to. */
function targetKey(target: IRouteTarget): string {
  return serviceKey(target.serviceNamespace, target.serviceName);
}

function namespaceNamed(name: string): k8s.LabelSelector {
  return { matchLabels: { 'kubernetes.io/metadata.name': name } };
}

function tcp(port: number): k8s.NetworkPolicyPort {
  return { protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) };
}
