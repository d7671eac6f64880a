import * as kplus from 'cdk8s-plus-28';
import { k8s } from './k8s';

// cdk8s-plus's own enums, under the names this package always had: a value from either import works anywhere.

/**
 * How a Service is exposed: cdk8s-plus's `ServiceType` (`CLUSTER_IP`, the default, `NODE_PORT`, `LOAD_BALANCER`;
 * the workloads refuse `EXTERNAL_NAME`, which selects no pods).
 */
export const ServiceType = kplus.ServiceType;
/** A value of {@link ServiceType}. */
export type ServiceType = kplus.ServiceType;

/**
 * When the kubelet pulls the image: cdk8s-plus's `ImagePullPolicy` (`IF_NOT_PRESENT`, the default, which images
 * loaded with `kind load` or `minikube image load` need; `ALWAYS`; `NEVER`).
 */
export const ImagePullPolicy = kplus.ImagePullPolicy;
/** A value of {@link ImagePullPolicy}. */
export type ImagePullPolicy = kplus.ImagePullPolicy;

/** A port's protocol: cdk8s-plus's `Protocol` (`TCP`, `UDP`, `SCTP`). */
export const Protocol = kplus.Protocol;
/** A value of {@link Protocol}. */
export type Protocol = kplus.Protocol;

/** Whether a NodePort or LoadBalancer Service routes outside traffic to pods on every node or only the receiving one. */
export enum ExternalTrafficPolicy {
  /** Any node forwards to any pod (the client address is replaced by the node's). */
  CLUSTER = 'Cluster',
  /** Only pods on the receiving node answer, and they see the client address. */
  LOCAL = 'Local',
}

/** When a PodDisruptionBudget lets an eviction remove a pod that is running but not ready. */
export enum UnhealthyPodEvictionPolicy {
  /** Only while the budget holds (the Kubernetes default). */
  IF_HEALTHY_BUDGET = 'IfHealthyBudget',
  /** Always: a crash-looping pod never blocks a node drain. */
  ALWAYS_ALLOW = 'AlwaysAllow',
}

/** A request and a limit for one resource, as Kubernetes quantities. */
export interface ResourceRange {
  /**
   * What the scheduler reserves, e.g. `100m` CPU or `128Mi` memory.
   * @default - the construct's default for this resource
   */
  readonly request?: string;
  /**
   * The most the container may use, e.g. `500m` CPU or `512Mi` memory.
   * @default - the construct's default for this resource
   */
  readonly limit?: string;
}

/** CPU, memory and ephemeral storage for the main container. Unset fields keep the construct's defaults. */
export interface WorkloadResources {
  /**
   * CPU request and limit.
   * @default - the construct's default (small enough for a 2-CPU laptop cluster)
   */
  readonly cpu?: ResourceRange;
  /**
   * Memory request and limit.
   * @default - the construct's default
   */
  readonly memory?: ResourceRange;
  /**
   * Ephemeral (node-local) storage request and limit: logs, writable layers and `emptyDir` volumes count
   * against it, so a pod that fills the node's disk is evicted instead of the node.
   * @default - none (the pod may use the node's disk without a bound)
   */
  readonly ephemeralStorage?: ResourceRange;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU and, optionally, memory utilization. */
export interface AutoscalingOptions {
  /** The fewest replicas. */
  readonly minReplicas: number;
  /** The most replicas. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization, in percent of the CPU request.
   * @default 80
   */
  readonly targetCpuUtilization?: number;
  /**
   * Also scale on average memory utilization, in percent of the memory request.
   * @default - CPU only
   */
  readonly targetMemoryUtilization?: number;
  /**
   * How fast the autoscaler scales up and down (`spec.behavior`), e.g. a longer scale-down stabilization window.
   * @default - the Kubernetes defaults (scale down after 300 s of lower load)
   */
  readonly behavior?: k8s.HorizontalPodAutoscalerBehaviorV2;
}

/** A PodDisruptionBudget (policy/v1) that keeps voluntary evictions, such as node drains, from taking every pod. */
export interface DisruptionBudgetOptions {
  /**
   * How many pods may be down at once during a voluntary disruption. Exclusive with `minAvailable`; it must be
   * lower than the fewest replicas, or every pod could be evicted at once.
   * @default 1 (when minAvailable is not set)
   */
  readonly maxUnavailable?: number;
  /**
   * How many pods must stay up during a voluntary disruption, instead of `maxUnavailable`: at least 1 and lower
   * than the fewest replicas (otherwise no pod could ever be evicted and node drains hang).
   * @default - maxUnavailable is used
   */
  readonly minAvailable?: number;
  /**
   * Whether pods that run but are not ready may be evicted even when the budget does not allow it.
   * @default - the Kubernetes default, UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET (not written)
   */
  readonly unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;
}

/** Prometheus scrape annotations on the pod template. */
export interface PrometheusScrapeOptions {
  /**
   * The metrics path.
   * @default "/metrics"
   */
  readonly path?: string;
  /**
   * The port that serves metrics.
   * @default - the container port
   */
  readonly port?: number;
}

/** Load every key of an existing Secret as environment variables (`envFrom.secretRef`). */
export interface SecretEnvOptions {
  /** The Secret's name; it must exist in the workload's namespace. Its values never appear in the output. */
  readonly name: string;
  /**
   * Start the pod even when the Secret does not exist.
   * @default false
   */
  readonly optional?: boolean;
  /**
   * The keys the Secret holds, when you know them: a key that another source (config, secretKeys, addEnv,
   * persistence) also sets is then refused instead of one value silently replacing the other.
   * @default - the keys are unknown and not checked
   */
  readonly keys?: string[];
}

/** One environment variable read from one key of an existing Secret (`valueFrom.secretKeyRef`). */
export interface SecretKeyReference {
  /** The Secret's name, in the workload's namespace. */
  readonly secretName: string;
  /** The key inside the Secret. */
  readonly key: string;
  /**
   * Start the pod even when the Secret or key does not exist.
   * @default false
   */
  readonly optional?: boolean;
}

/** An init container that runs the workload's own image before the main container, e.g. database migrations. */
export interface InitContainerOptions {
  /** The container name, a DNS-1123 label such as `migrate`. */
  readonly name: string;
  /** The command to run, e.g. `["alembic", "upgrade", "head"]`. */
  readonly command: string[];
  /**
   * Run before the init containers added so far (e.g. preparing a volume that migrations use).
   * @default false
   */
  readonly runFirst?: boolean;
  /**
   * The container's mounts.
   * @default - the main container's mounts
   */
  readonly volumeMounts?: k8s.VolumeMount[];
  /**
   * Give the container the app's ConfigMap, Secret references and environment variables.
   * @default true
   */
  readonly appEnvironment?: boolean;
}

/** An extra container port, optionally also exposed on the Service (e.g. a metrics or gRPC port). */
export interface ContainerPortOptions {
  /** The port name (an IANA service name: lowercase letters, digits and "-", at most 15 characters), e.g. `metrics`. */
  readonly name: string;
  /** The port the container listens on. */
  readonly containerPort: number;
  /**
   * Also expose it on the Service at this port.
   * @default - not on the Service
   */
  readonly servicePort?: number;
  /**
   * The protocol.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
}

/** Probe timings (the probe's path and port are props of the workload). */
export interface ProbeTimingOptions {
  /**
   * Seconds between checks.
   * @default - the construct's default (liveness 10, readiness 5)
   */
  readonly periodSeconds?: number;
  /**
   * Seconds before one check times out.
   * @default 3
   */
  readonly timeoutSeconds?: number;
  /**
   * Failed checks in a row before the container is restarted (liveness) or taken out of the Service (readiness).
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Successful checks in a row before a not-ready container is ready again (readiness only; liveness must be 1).
   * @default 1
   */
  readonly successThreshold?: number;
}
