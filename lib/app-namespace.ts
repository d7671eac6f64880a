import { k8s } from './k8s';
import { Construct } from 'constructs';
import { PropChecker } from './checks';
import { checkUniqueInApp } from './app-uniqueness';
import { clusterScoped } from './cluster-scoped';
import { finalJsonPatches } from './final-json-patches';
import { LabelProps, resolveLabelValues, standardLabels } from './labels';

/**
 * The Pod Security Standards version an {@link AppNamespace} enforces by default: the Kubernetes minor the project
 * is tested against (test/control-plane/go.mod). The Helm chart's NOTES.txt and docs/helm.md label namespaces with it.
 * @internal
 */
export const DEFAULT_POD_SECURITY_VERSION = 'v1.36';

/** A Pod Security Standards level. */
export enum PodSecurityLevel {
  /** Hardened: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp. */
  RESTRICTED = 'restricted',
  /** Prevents known privilege escalations only. */
  BASELINE = 'baseline',
}

/** A ResourceQuota capping what all pods of the namespace may request and use. */
export interface NamespaceQuotaOptions {
  /** Total CPU requests, e.g. `2`. */
  readonly requestsCpu: string;
  /** Total memory requests, e.g. `2Gi`. */
  readonly requestsMemory: string;
  /** Total CPU limits, e.g. `8`. */
  readonly limitsCpu: string;
  /** Total memory limits, e.g. `8Gi`. */
  readonly limitsMemory: string;
  /**
   * Most pods.
   * @default - no pod count limit
   */
  readonly pods?: number;
  /**
   * Most PersistentVolumeClaims.
   * @default - no claim count limit
   */
  readonly persistentVolumeClaims?: number;
}

/** A LimitRange giving containers without their own resources a default, and capping any one container. */
export interface ContainerLimitOptions {
  /** Default CPU request, e.g. `100m`. */
  readonly defaultRequestCpu: string;
  /** Default memory request, e.g. `128Mi`. */
  readonly defaultRequestMemory: string;
  /** Default CPU limit, e.g. `500m`. */
  readonly defaultLimitCpu: string;
  /** Default memory limit, e.g. `512Mi`. */
  readonly defaultLimitMemory: string;
  /**
   * The most CPU one container may have as its limit.
   * @default - no maximum
   */
  readonly maxCpu?: string;
  /**
   * The most memory one container may have as its limit.
   * @default - no maximum
   */
  readonly maxMemory?: string;
}

/** Properties of {@link AppNamespace}. */
export interface AppNamespaceProps extends LabelProps {
  /**
   * The namespace name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The Pod Security Standards level enforced (and audited and warned about) by the namespace.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * The Kubernetes minor version of the Pod Security Standards, so a cluster upgrade does not change the rules unannounced.
   * @default "v1.36"
   */
  readonly podSecurityVersion?: string;
  /**
   * Label the namespace for Istio sidecar injection (`istio-injection: enabled`).
   * @default false
   */
  readonly istioInjection?: boolean;
  /**
   * A ResourceQuota for the namespace.
   * @default - no quota
   */
  readonly quota?: NamespaceQuotaOptions;
  /**
   * A LimitRange for containers in the namespace.
   * @default - no LimitRange
   */
  readonly containerLimits?: ContainerLimitOptions;
}

/**
 * A Namespace that enforces the Pod Security Standards ("restricted" by default), optionally with Istio
 * sidecar injection, a ResourceQuota and a LimitRange. Create it first in its chart so it is applied first.
 */
export class AppNamespace extends Construct {
  /** The namespace name. */
  public readonly name: string;
  /** The Namespace. */
  public readonly namespace: k8s.KubeNamespace;
  /** The ResourceQuota, with `quota`. */
  public readonly resourceQuota?: k8s.KubeResourceQuota;
  /** The LimitRange, with `containerLimits`. */
  public readonly limitRange?: k8s.KubeLimitRange;

  private readonly check: PropChecker = new PropChecker(this, 'AppNamespace');
  private readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: AppNamespaceProps = {}) {
    super(scope, id);
    this.name = props.name ?? id;
    this.check.dnsLabel('name', this.name);
    const level = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    const version = props.podSecurityVersion ?? DEFAULT_POD_SECURITY_VERSION;
    if (!/^(v1\.\d+|latest)$/.test(version)) {
      this.check.fail('podSecurityVersion', 'must be a Kubernetes minor version like "v1.36" or "latest"', version, 'Use the cluster version you test against, e.g. "v1.36".');
    }
    this.labels = standardLabels(resolveLabelValues(this.check, props, { name: this.name, component: 'namespace', instance: this.name, version: 'v1' }));

    this.namespace = clusterScoped(finalJsonPatches(new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: this.name,
        labels: {
          ...this.labels,
          ...podSecurityLabels(level, version),
          ...(props.istioInjection ? { 'istio-injection': 'enabled' } : {}),
        },
      },
    })));
    checkUniqueInApp(this);
    if (props.quota) this.resourceQuota = this.createQuota(props.quota);
    if (props.containerLimits) this.limitRange = this.createLimitRange(props.containerLimits);
  }

  private createQuota(quota: NamespaceQuotaOptions): k8s.KubeResourceQuota {
    this.check.quantity('quota.requestsCpu', quota.requestsCpu, 'cpu');
    this.check.quantity('quota.limitsCpu', quota.limitsCpu, 'cpu');
    this.check.quantity('quota.requestsMemory', quota.requestsMemory, 'memory');
    this.check.quantity('quota.limitsMemory', quota.limitsMemory, 'memory');
    this.check.integerAtLeast('quota.pods', quota.pods, 1);
    this.check.integerAtLeast('quota.persistentVolumeClaims', quota.persistentVolumeClaims, 0);
    const hard: Record<string, k8s.Quantity> = {
      'requests.cpu': k8s.Quantity.fromString(quota.requestsCpu),
      'requests.memory': k8s.Quantity.fromString(quota.requestsMemory),
      'limits.cpu': k8s.Quantity.fromString(quota.limitsCpu),
      'limits.memory': k8s.Quantity.fromString(quota.limitsMemory),
    };
    // Counts as strings: the API server stores every quantity as one, and a number here makes a later
    // server-side apply conflict with the value a client-side apply left.
    if (quota.pods !== undefined) hard.pods = k8s.Quantity.fromString(String(quota.pods));
    if (quota.persistentVolumeClaims !== undefined) hard.persistentvolumeclaims = k8s.Quantity.fromString(String(quota.persistentVolumeClaims));
    return finalJsonPatches(new k8s.KubeResourceQuota(this, 'quota', {
      metadata: { name: `${this.name}-quota`, namespace: this.name, labels: this.labels },
      spec: { hard },
    }));
  }

  private createLimitRange(limits: ContainerLimitOptions): k8s.KubeLimitRange {
    this.check.quantity('containerLimits.defaultRequestCpu', limits.defaultRequestCpu, 'cpu');
    this.check.quantity('containerLimits.defaultLimitCpu', limits.defaultLimitCpu, 'cpu');
    this.check.quantity('containerLimits.maxCpu', limits.maxCpu, 'cpu');
    this.check.quantity('containerLimits.defaultRequestMemory', limits.defaultRequestMemory, 'memory');
    this.check.quantity('containerLimits.defaultLimitMemory', limits.defaultLimitMemory, 'memory');
    this.check.quantity('containerLimits.maxMemory', limits.maxMemory, 'memory');
    this.check.requestWithinLimit('containerLimits cpu', limits.defaultRequestCpu, limits.defaultLimitCpu);
    this.check.requestWithinLimit('containerLimits memory', limits.defaultRequestMemory, limits.defaultLimitMemory);
    const max: Record<string, k8s.Quantity> = {};
    if (limits.maxCpu !== undefined) max.cpu = k8s.Quantity.fromString(limits.maxCpu);
    if (limits.maxMemory !== undefined) max.memory = k8s.Quantity.fromString(limits.maxMemory);
    return finalJsonPatches(new k8s.KubeLimitRange(this, 'limits', {
      metadata: { name: `${this.name}-limits`, namespace: this.name, labels: this.labels },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: k8s.Quantity.fromString(limits.defaultRequestCpu), memory: k8s.Quantity.fromString(limits.defaultRequestMemory) },
          default: { cpu: k8s.Quantity.fromString(limits.defaultLimitCpu), memory: k8s.Quantity.fromString(limits.defaultLimitMemory) },
          max: Object.keys(max).length > 0 ? max : undefined,
        }],
      },
    }));
  }
}

function podSecurityLabels(level: PodSecurityLevel, version: string): Record<string, string> {
  return Object.fromEntries(['enforce', 'audit', 'warn'].flatMap((mode) => [
    [`pod-security.kubernetes.io/${mode}`, level],
    [`pod-security.kubernetes.io/${mode}-version`, version],
  ]));
}
