import { k8s } from './k8s';
import { LabelProps } from './labels';
import {
  AutoscalingOptions, ContainerPortOptions, DisruptionBudgetOptions, ExternalTrafficPolicy, ImagePullPolicy, InitContainerOptions,
  ProbeTimingOptions, PrometheusScrapeOptions, ResourceRange, SecretEnvOptions, SecretKeyReference, ServiceType, WorkloadResources,
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
   * Keys that look like secrets (`*_SECRET`, `*_API_KEY`, `*PASSWORD*`, `*TOKEN*`) are rejected (use `secretKeys`,
   * or `plainTextKeys` for an ordinary setting such as `OAUTH_TOKEN_URL`), and so are values that are
   * credentials under any key (API keys such as `sk-...`, bearer tokens, JWTs, private keys, URLs with a password).
   * A key set here and by another source (secretKeys, addEnv, persistence, a known secretEnv key) is refused.
   * @default - the construct's defaults only
   */
  readonly config?: Record<string, string>;
  /**
   * Setting names the secret-name heuristic lets through: ordinary settings whose names contain `TOKEN`,
   * `PASSWORD`, `SECRET` and the like, e.g. `["OAUTH_TOKEN_URL", "PASSWORD_MIN_LENGTH"]`. Values are still checked.
   * @default - none
   */
  readonly plainTextKeys?: string[];
  /**
   * Load every key of an existing Secret as environment variables.
   * @default - no Secret is loaded wholesale
   */
  readonly secretEnv?: SecretEnvOptions;
  /**
   * More environment variables of the main container (and of the init containers that share its environment), as
   * Kubernetes EnvVar objects passed through: a `value`, or `valueFrom` a field, a resource, a ConfigMap key or a
   * Secret key. Written after the construct's own variables, so a value may refer to them with `$(NAME)`. A name
   * another source sets (config, secretKeys, addEnv, persistence, a known secretEnv key) is refused, and a plain
   * `value` is checked like `config` (no credentials: read those from a Secret with `valueFrom.secretKeyRef`).
   * @default - the construct's variables only
   */
  readonly env?: k8s.EnvVar[];
  /**
   * More sources loaded whole as environment variables: existing ConfigMaps (`configMapRef`) or Secrets
   * (`secretRef`). They come before the construct's ConfigMap and `secretEnv`, and Kubernetes takes a name from the
   * last source that has it (and `env` over every source), so the construct's own settings always win over a key
   * of the same name here. Their keys are not known at synth time, so such a clash cannot be refused: keep them apart.
   * @default - the construct's ConfigMap and secretEnv only
   */
  readonly envFrom?: k8s.EnvFromSource[];
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
   * Probe timings of the liveness probe.
   * @default - every 10 s, 3 s timeout, restarted after 3 failures
   */
  readonly livenessProbe?: ProbeTimingOptions;
  /**
   * Probe timings of the readiness probe.
   * @default - every 5 s, 3 s timeout, out of the Service after 3 failures
   */
  readonly readinessProbe?: ProbeTimingOptions;
  /**
   * The named container port the startup, liveness and readiness probes call: `http` or the name of one of `ports`.
   * @default "http"
   */
  readonly probePort?: string;
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
  /**
   * The main container's entrypoint (`command`), replacing the image's `ENTRYPOINT`.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * The main container's arguments (`args`), replacing the image's `CMD`.
   * @default - the image's command
   */
  readonly args?: string[];
  /**
   * More container ports beside `http`, e.g. a metrics port; each can also be exposed on the Service.
   * @default - the `http` port only
   */
  readonly ports?: ContainerPortOptions[];
  /**
   * The ServiceAccount the pods run as. With `createServiceAccount`, the construct creates it.
   * @default - the namespace's `default` ServiceAccount (or the created one's name, the workload name)
   */
  readonly serviceAccountName?: string;
  /**
   * Create a ServiceAccount for the workload (named `serviceAccountName`, else the workload name), with its
   * token not mounted, so RBAC and workload identity can be bound to this workload alone.
   * @default false
   */
  readonly createServiceAccount?: boolean;
  /**
   * Annotations of the created ServiceAccount, e.g. for workload identity (`eks.amazonaws.com/role-arn`,
   * `iam.gke.io/gcp-service-account`). Only with `createServiceAccount`: the construct annotates no ServiceAccount
   * it does not create, so they are refused without it.
   * @default - none
   */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /**
   * Mount the ServiceAccount's API token into the pods; only apps that call the Kubernetes API need it.
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Secrets of type `kubernetes.io/dockerconfigjson` for pulling from a private registry, by name.
   * @default - none
   */
  readonly imagePullSecrets?: string[];
  /**
   * Extra annotations on the pods (e.g. for a service mesh or a log shipper). Keys the construct sets itself
   * (`checksum/config`, and `prometheus.io/*` with `prometheus`) are refused.
   * @default - the construct's annotations only
   */
  readonly podAnnotations?: Record<string, string>;
  /**
   * Extra labels on the pods only (e.g. for a service mesh, a cost tool or another team's NetworkPolicy); they never
   * enter the selector. Keys the construct sets itself (the standard `app.kubernetes.io/*` labels, and `labels`)
   * are refused.
   * @default - the construct's labels only
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Annotations on the Service (e.g. for a cloud load balancer).
   * @default - none
   */
  readonly serviceAnnotations?: Record<string, string>;
  /**
   * Only schedule the pods on nodes with these labels.
   * @default - any node
   */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Taints the pods tolerate.
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
  /**
   * Node and pod affinity rules.
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
  /**
   * How the pods are spread over nodes and zones. An empty list writes none.
   * @default - when more than one replica can run: spread across nodes (`kubernetes.io/hostname`, maxSkew 1,
   * ScheduleAnyway), so one node failure does not take every pod; with one replica, none
   */
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /**
   * The PriorityClass of the pods.
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
  /**
   * Seconds the container waits (`sleep` in a preStop hook) before it gets SIGTERM, so proxies and endpoints
   * stop sending it requests first; the image needs a `sleep` binary. Must be shorter than
   * `terminationGracePeriodSeconds`.
   * @default - no preStop hook
   */
  readonly preStopDelaySeconds?: number;
  /**
   * Seconds between the start of termination and SIGKILL (the preStop hook included).
   * @default - the Kubernetes default, 30 (not written)
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Extra pod volumes (e.g. a ConfigMap or Secret as files, or a CSI volume); mount them with `volumeMounts`.
   * Volume types the Pod Security "restricted" profile forbids (hostPath, ...) are refused.
   * @default - none
   */
  readonly volumes?: k8s.Volume[];
  /**
   * Mounts of `volumes` (or of the construct's own volumes) into the main container and the init containers
   * that share its mounts.
   * @default - none
   */
  readonly volumeMounts?: k8s.VolumeMount[];
  /**
   * The size limit of each writable `emptyDir` (`writablePaths`), e.g. `"1Gi"`.
   * @default - no limit beyond the pod's ephemeral storage
   */
  readonly writablePathSizeLimit?: string;
  /**
   * With NodePort and LoadBalancer Services: `Local` keeps the client address and skips the extra hop.
   * @default - the Kubernetes default, ExternalTrafficPolicy.CLUSTER (not written)
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /**
   * With a LoadBalancer Service: the client CIDRs allowed in, e.g. `["203.0.113.0/24"]`. AppNetworkPolicies
   * admits the same ranges.
   * @default - any client
   */
  readonly loadBalancerSourceRanges?: string[];
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
  /** Settings the construct writes that a user may replace once. */
  readonly config: Record<string, string>;
  /** Settings the construct derives from its props (e.g. `PORT` from containerPort), with that source; setting them again is refused. */
  readonly fixedConfig?: Record<string, { readonly value: string; readonly source: string }>;
}
