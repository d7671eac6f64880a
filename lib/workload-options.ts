import { k8s } from './k8s';

/** How a Service is exposed. */
export enum ServiceType {
  /** Reachable inside the cluster only; routes reach it through an ingress or gateway. */
  CLUSTER_IP = 'ClusterIP',
  /** Also reachable on a port of every node. */
  NODE_PORT = 'NodePort',
  /** Also reachable through a cloud or MetalLB load balancer. */
  LOAD_BALANCER = 'LoadBalancer',
}

/** When the kubelet pulls the image. */
export enum ImagePullPolicy {
  /** Use a local copy when there is one: required for images loaded with `kind load` or `minikube image load`. */
  IF_NOT_PRESENT = 'IfNotPresent',
  /** Pull on every start. */
  ALWAYS = 'Always',
  /** Never pull; the image must be on the node. */
  NEVER = 'Never',
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

/** CPU and memory for the main container. Unset fields keep the construct's defaults. */
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
}

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU utilization. */
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
}

/** A PodDisruptionBudget (policy/v1) that keeps voluntary evictions, such as node drains, from taking every pod. */
export interface DisruptionBudgetOptions {
  /**
   * How many pods may be down at once during a voluntary disruption.
   * @default 1
   */
  readonly maxUnavailable?: number;
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
