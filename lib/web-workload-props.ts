import { LabelProps } from './labels';
import {
  AutoscalingOptions, DisruptionBudgetOptions, ImagePullPolicy, InitContainerOptions, PrometheusScrapeOptions, ResourceRange,
  SecretEnvOptions, SecretKeyReference, ServiceType, WorkloadResources,
} from './workload-options';

/** Options shared by {@link FastApiBackend} and {@link NextFrontend}. */
export interface WebWorkloadProps extends LabelProps {
  /** The container image with a tag or digest, e.g. `todo-backend:v0.1.0-local`. */
  readonly image: string;
  /**
   * The name of the Deployment, Service and `app.kubernetes.io/name` label (a DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace of every object.
   * @default - the chart's namespace (one of the two is required)
   */
  readonly namespace?: string;
  /**
   * How many pods. Leave unset with `autoscaling`: the HorizontalPodAutoscaler owns the count then.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory for the main container.
   * @default - small requests and limits that fit a 2-CPU laptop cluster (see the construct)
   */
  readonly resources?: WorkloadResources;
  /**
   * Scale on CPU with a HorizontalPodAutoscaler.
   * @default - no autoscaler
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Add a PodDisruptionBudget; only allowed when more than one replica can run.
   * @default - no PodDisruptionBudget
   */
  readonly disruptionBudget?: DisruptionBudgetOptions;
  /**
   * Non-secret settings, written to a ConfigMap the construct creates and loaded with `envFrom`.
   * Keys that look like secrets (`*_SECRET`, `*_API_KEY`, `*PASSWORD*`, `*TOKEN*`) are rejected: use `secretKeys`.
   * @default - the construct's defaults only
   */
  readonly config?: Record<string, string>;
  /**
   * Load every key of an existing Secret as environment variables.
   * @default - no Secret is loaded wholesale
   */
  readonly secretEnv?: SecretEnvOptions;
  /**
   * Environment variables read from Secret keys, by variable name.
   * @default - none
   */
  readonly secretKeys?: Record<string, SecretKeyReference>;
  /**
   * The port the application listens on inside the container.
   * @default - the construct's default (8000 for FastAPI, 3000 or 8080 for Next.js)
   */
  readonly containerPort?: number;
  /**
   * The Service port.
   * @default - the construct's default
   */
  readonly servicePort?: number;
  /**
   * How the Service is exposed.
   * @default ServiceType.CLUSTER_IP
   */
  readonly serviceType?: ServiceType;
  /**
   * The node port, with `ServiceType.NODE_PORT` or `LOAD_BALANCER` (30000-32767).
   * @default - assigned by Kubernetes
   */
  readonly nodePort?: number;
  /**
   * When the kubelet pulls the image.
   * @default ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * Path of the liveness probe (and of the startup probe).
   * @default - the construct's default
   */
  readonly livenessPath?: string;
  /**
   * Path of the readiness probe.
   * @default - the construct's default
   */
  readonly readinessPath?: string;
  /**
   * How long the application may take to start before it is restarted. The startup probe checks every
   * 2 seconds, so a fast start is ready within seconds while a slow one is not killed.
   * @default 120
   */
  readonly startupTimeoutSeconds?: number;
  /**
   * Prometheus scrape annotations on the pods.
   * @default - no scrape annotations
   */
  readonly prometheus?: PrometheusScrapeOptions;
  /**
   * Extra labels on every object and pod. They are never used in selectors.
   * @default - the standard `app.kubernetes.io/*` labels only
   */
  readonly labels?: Record<string, string>;
  /**
   * The numeric user the containers run as (never 0).
   * @default - the construct's default
   */
  readonly runAsUser?: number;
  /**
   * The numeric group the containers run as; also the pod's `fsGroup`.
   * @default - the same as runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Extra writable directories (each an `emptyDir`), as the root filesystem is read-only.
   * @default - only the construct's defaults (at least `/tmp`)
   */
  readonly writablePaths?: string[];
  /**
   * Database migrations or other set-up that runs before the app starts, in the same image.
   * @default - no init container
   */
  readonly initContainer?: InitContainerOptions;
}

/** What a subclass decides for its kind of application. @internal */
export interface WorkloadDefaults {
  readonly typeName: string;
  readonly component: string;
  readonly containerName: string;
  readonly containerPort: number;
  readonly servicePort: number;
  readonly livenessPath: string;
  readonly readinessPath: string;
  readonly cpu: Required<ResourceRange>;
  readonly memory: Required<ResourceRange>;
  readonly runAsUser: number;
  readonly writablePaths: string[];
  readonly config: Record<string, string>;
}
