import { createHash } from 'crypto';
import { Lazy } from 'cdk8s';
import { k8s } from './k8s';
import { Construct } from 'constructs';
import { PropChecker, imageTag, resolveNamespace } from './checks';
import { selectorLabels, standardLabels } from './labels';
import { RunAsOptions, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod-security';

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

/** Options shared by {@link FastApiBackend} and {@link NextFrontend}. */
export interface WebWorkloadProps {
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
   * `app.kubernetes.io/part-of`.
   * @default - the name
   */
  readonly partOf?: string;
  /**
   * `app.kubernetes.io/instance`, also part of the selector.
   * @default - the namespace
   */
  readonly instance?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the image tag
   */
  readonly version?: string;
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

/** Something HTTP routes can send traffic to: a Service port in a namespace. */
export interface IRouteTarget {
  /** The Service name. */
  readonly serviceName: string;
  /** The Service port routes send traffic to. */
  readonly servicePort: number;
  /** The Service's namespace. */
  readonly serviceNamespace: string;
}

const SECRET_LIKE_KEY = /(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL)/i;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STARTUP_PROBE_PERIOD_SECONDS = 2;

/**
 * A Deployment, a Service and a ConfigMap for an HTTP application, with an optional
 * HorizontalPodAutoscaler and PodDisruptionBudget. Every pod meets the Pod Security
 * Standards "restricted" profile. {@link FastApiBackend} and {@link NextFrontend} build on it.
 */
export abstract class WebWorkload extends Construct implements IRouteTarget {
  /** The name of the Deployment and the Service. */
  public readonly name: string;
  /** The namespace of every object. */
  public readonly namespace: string;
  /** The image, as given. */
  public readonly image: string;
  /** The port the application listens on. */
  public readonly containerPort: number;
  /** The Service port. */
  public readonly servicePort: number;
  /** The replica count, or undefined when an autoscaler owns it. */
  public readonly replicas?: number;
  /** The autoscaling settings, when given. */
  public readonly autoscaling?: AutoscalingOptions;
  /** Labels on every object: the standard ones plus the user's. */
  public readonly labels: Record<string, string>;
  /** The labels the Service, the PodDisruptionBudget and network policies select pods by. */
  public readonly selectorLabels: Record<string, string>;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service. */
  public readonly service: k8s.KubeService;
  /** The ConfigMap holding the non-secret settings. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The HorizontalPodAutoscaler, when `autoscaling` is given. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The PodDisruptionBudget, when `disruptionBudget` is given. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;

  protected readonly check: PropChecker;
  private readonly props: WebWorkloadProps;
  private readonly defaults: WorkloadDefaults;
  private readonly runAs: RunAsOptions;
  private readonly config: Record<string, string> = {};
  private readonly env: k8s.EnvVar[] = [];
  private readonly volumes: k8s.Volume[] = [];
  private readonly volumeMounts: k8s.VolumeMount[] = [];
  private readonly initContainers: k8s.Container[] = [];
  private singleReplicaReason?: string;

  protected constructor(scope: Construct, id: string, props: WebWorkloadProps, defaults: WorkloadDefaults) {
    super(scope, id);
    this.props = props;
    this.defaults = defaults;
    this.check = new PropChecker(this, defaults.typeName);
    this.name = props.name ?? id;
    this.check.dnsLabel('name', this.name);
    this.namespace = resolveNamespace(this.check, this, props.namespace);
    this.image = props.image;
    this.check.taggedImage('image', props.image);
    this.containerPort = props.containerPort ?? defaults.containerPort;
    this.servicePort = props.servicePort ?? defaults.servicePort;
    this.check.port('containerPort', this.containerPort);
    this.check.port('servicePort', this.servicePort);
    this.validateNodePort(props);
    this.autoscaling = props.autoscaling;
    this.replicas = this.resolveReplicas(props);
    this.runAs = this.resolveRunAs(props);
    this.validateProbesAndPaths(props);

    const version = props.version ?? imageTag(props.image) ?? 'unversioned';
    const instance = props.instance ?? this.namespace;
    this.check.labelValue('version', version);
    this.check.labelValue('instance', instance);
    this.check.labelValue('partOf', props.partOf);
    this.check.labels('labels', props.labels);
    this.selectorLabels = selectorLabels({ name: this.name, instance });
    this.labels = {
      ...props.labels,
      ...standardLabels({ name: this.name, instance, component: defaults.component, partOf: props.partOf ?? this.name, version }),
    };

    for (const [key, value] of Object.entries({ ...defaults.config, ...props.config })) this.addConfig(key, value);
    for (const [name, ref] of Object.entries(props.secretKeys ?? {})) this.addSecretKeyEnv(name, ref);
    for (const path of [...defaults.writablePaths, ...(props.writablePaths ?? [])]) this.addWritablePath(path);

    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: this.metadataFor(`${this.name}-config`),
      data: Lazy.any({ produce: () => this.sortedConfig() }),
    });
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: this.metadataFor(this.name),
      spec: Lazy.any({ produce: () => this.renderDeploymentSpec() }),
    });
    this.service = new k8s.KubeService(this, 'service', {
      metadata: this.metadataFor(this.name),
      spec: this.renderServiceSpec(props),
    });
    if (props.initContainer) this.addInitContainer(props.initContainer);
    this.autoscaler = props.autoscaling ? this.createAutoscaler(props.autoscaling) : undefined;
    this.disruptionBudget = props.disruptionBudget ? this.createDisruptionBudget(props.disruptionBudget) : undefined;
  }

  /** The Service name, for routes. */
  public get serviceName(): string {
    return this.name;
  }

  /** The Service's namespace, for routes. */
  public get serviceNamespace(): string {
    return this.namespace;
  }

  /** The in-cluster URL of the Service, e.g. `http://todo-backend.todo-local.svc.cluster.local:8000`. */
  public get serviceUrl(): string {
    return `http://${this.name}.${this.namespace}.svc.cluster.local:${this.servicePort}`;
  }

  /** The user and group the containers run as. */
  public get runAsIds(): RunAsOptions {
    return this.runAs;
  }

  /** Adds a non-secret setting to the ConfigMap; a change rolls the pods through the checksum annotation. */
  public addConfig(key: string, value: string): void {
    this.checkEnvName(`config key`, key);
    this.rejectSecretLookingValue(`config["${key}"]`, key, value);
    this.config[key] = value;
  }

  /** Sets a plain environment variable on the main container (and init containers). */
  public addEnv(name: string, value: string): void {
    this.checkEnvName('env name', name);
    this.rejectSecretLookingValue(`env["${name}"]`, name, value);
    this.env.push({ name, value });
  }

  /** Reads an environment variable from a key of an existing Secret. */
  public addSecretKeyEnv(name: string, ref: SecretKeyReference): void {
    this.checkEnvName('secretKeys name', name);
    this.check.dnsSubdomain(`secretKeys["${name}"].secretName`, ref.secretName);
    this.env.push({ name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key, optional: ref.optional } } });
  }

  /** Adds a pod volume and mounts it into the main container (and init containers). */
  public addVolume(volume: k8s.Volume, ...mounts: k8s.VolumeMount[]): void {
    if (this.volumes.some((existing) => existing.name === volume.name)) {
      this.check.fail('volume name', 'must be unique in the pod', volume.name, 'Give the volume another name.');
    }
    for (const mount of mounts) {
      this.check.absolutePath('mountPath', mount.mountPath);
      if (this.volumeMounts.some((existing) => existing.mountPath === mount.mountPath)) {
        this.check.fail('mountPath', 'is already mounted', mount.mountPath, 'Mount each path once.');
      }
    }
    this.volumes.push(volume);
    this.volumeMounts.push(...mounts);
  }

  /** Adds a writable `emptyDir` at a path: the root filesystem is read-only. */
  public addWritablePath(path: string): void {
    this.check.absolutePath('writablePaths', path);
    const volumeName = this.uniqueVolumeName(`writable${path.replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/-+$/, '')}`);
    this.addVolume({ name: volumeName, emptyDir: {} }, { name: volumeName, mountPath: path });
  }

  /**
   * Adds an init container that runs the workload's image with its settings, mounts and security context.
   * @returns the container spec, which can still be amended
   */
  public addInitContainer(options: InitContainerOptions): k8s.Container {
    this.check.dnsLabel('initContainer.name', options.name);
    if (this.initContainers.some((existing) => existing.name === options.name) || options.name === this.defaults.containerName) {
      this.check.fail('initContainer.name', 'must be unique in the pod', options.name, 'Give the init container another name.');
    }
    if (options.command.length === 0) {
      this.check.fail('initContainer.command', 'must not be empty', options.command, 'Give the command to run, e.g. ["alembic", "upgrade", "head"].');
    }
    const container: k8s.Container = {
      name: options.name,
      image: this.image,
      imagePullPolicy: this.props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT,
      command: options.command,
      ...(options.appEnvironment ?? true ? { envFrom: this.renderEnvFrom(), env: Lazy.any({ produce: () => undefinedIfEmpty(this.env) }) } : {}),
      resources: this.renderResources(),
      securityContext: restrictedContainerSecurityContext(this.runAs),
      volumeMounts: options.volumeMounts ?? this.volumeMounts,
    };
    if (options.runFirst) {
      this.initContainers.unshift(container);
    } else {
      this.initContainers.push(container);
    }
    return container;
  }

  /**
   * Pins the workload to one pod and the `Recreate` strategy, for state that allows a single writer
   * (a rolling update would run two pods on the same data).
   * @param reason completes "replicas must be 1 when ...", e.g. "SqlitePersistence is attached (SQLite allows one writer)"
   */
  public requireSingleReplica(reason: string): void {
    if (this.autoscaling) {
      this.check.fail('autoscaling', `must not be set when ${reason}`, this.autoscaling, 'Remove autoscaling; scale with an external database instead.');
    }
    if (this.replicas !== 1) {
      this.check.fail('replicas', `must be 1 when ${reason}`, this.replicas, 'Set replicas to 1 (or leave it unset).');
    }
    this.singleReplicaReason = reason;
  }

  /** `base`, or `base-2`, `base-3`, ... when a volume already has that name (e.g. /app/.cache and /app/cache). */
  private uniqueVolumeName(base: string): string {
    const trimmed = base.substring(0, 60).replace(/-+$/, '');
    const taken = (name: string) => this.volumes.some((volume) => volume.name === name);
    let name = trimmed;
    for (let suffix = 2; taken(name); suffix++) name = `${trimmed}-${suffix}`;
    return name;
  }

  /** The object metadata every child carries. */
  protected metadataFor(name: string): k8s.ObjectMeta {
    return { name, namespace: this.namespace, labels: this.labels };
  }

  private resolveReplicas(props: WebWorkloadProps): number | undefined {
    this.check.integerAtLeast('replicas', props.replicas, 1);
    const autoscaling = props.autoscaling;
    if (!autoscaling) return props.replicas ?? 1;
    if (props.replicas !== undefined) {
      this.check.fail('replicas', 'must not be set together with autoscaling (the autoscaler owns the count)', props.replicas,
        'Remove replicas, or remove autoscaling.');
    }
    this.check.integerAtLeast('autoscaling.minReplicas', autoscaling.minReplicas, 1);
    this.check.integerAtLeast('autoscaling.maxReplicas', autoscaling.maxReplicas, 1);
    if (autoscaling.minReplicas > autoscaling.maxReplicas) {
      this.check.fail('autoscaling', 'minReplicas must not exceed maxReplicas', { minReplicas: autoscaling.minReplicas, maxReplicas: autoscaling.maxReplicas },
        'Lower minReplicas or raise maxReplicas.');
    }
    const target = autoscaling.targetCpuUtilization;
    if (target !== undefined && (!Number.isInteger(target) || target < 1 || target > 100)) {
      this.check.fail('autoscaling.targetCpuUtilization', 'must be a whole percentage from 1 to 100', target, 'Use e.g. 80.');
    }
    return undefined;
  }

  private resolveRunAs(props: WebWorkloadProps): RunAsOptions {
    const user = props.runAsUser ?? this.defaults.runAsUser;
    const group = props.runAsGroup ?? user;
    this.check.integerAtLeast('runAsUser', user, 1, 'Use the numeric non-root user of the image, e.g. 1000 (root, 0, is not allowed by Pod Security "restricted").');
    this.check.integerAtLeast('runAsGroup', group, 1, 'Use a numeric non-root group, e.g. 1000.');
    return { user, group };
  }

  private validateNodePort(props: WebWorkloadProps): void {
    if (props.nodePort === undefined) return;
    const type = props.serviceType ?? ServiceType.CLUSTER_IP;
    if (type === ServiceType.CLUSTER_IP) {
      this.check.fail('nodePort', 'needs serviceType NODE_PORT or LOAD_BALANCER', props.nodePort, 'Set serviceType: ServiceType.NODE_PORT, or remove nodePort.');
    }
    if (!Number.isInteger(props.nodePort) || props.nodePort < 30000 || props.nodePort > 32767) {
      this.check.fail('nodePort', 'must be in the node port range 30000-32767', props.nodePort, 'Pick a port such as 30080.');
    }
  }

  private validateProbesAndPaths(props: WebWorkloadProps): void {
    this.check.absolutePath('livenessPath', props.livenessPath);
    this.check.absolutePath('readinessPath', props.readinessPath);
    this.check.absolutePath('prometheus.path', props.prometheus?.path);
    this.check.port('prometheus.port', props.prometheus?.port);
    this.check.integerAtLeast('startupTimeoutSeconds', props.startupTimeoutSeconds, STARTUP_PROBE_PERIOD_SECONDS);
    if (props.secretEnv) this.check.dnsSubdomain('secretEnv.name', props.secretEnv.name);
    for (const kind of ['cpu', 'memory'] as const) {
      const requested = props.resources?.[kind];
      this.check.quantity(`resources.${kind}.request`, requested?.request, kind);
      this.check.quantity(`resources.${kind}.limit`, requested?.limit, kind);
      const effective = withDefaults(requested, this.defaults[kind]);
      this.check.requestWithinLimit(`resources.${kind}`, effective.request, effective.limit);
    }
    if (props.disruptionBudget) {
      this.check.integerAtLeast('disruptionBudget.maxUnavailable', props.disruptionBudget.maxUnavailable, 1);
      const mostReplicas = props.autoscaling?.maxReplicas ?? props.replicas ?? 1;
      if (mostReplicas < 2) {
        this.check.fail('disruptionBudget', 'needs more than one replica (with one, a drain must either break the budget or the app)', { replicas: mostReplicas },
          'Raise replicas (or autoscaling.maxReplicas) to 2 or more, or remove disruptionBudget.');
      }
    }
  }

  private checkEnvName(prop: string, name: string): void {
    if (!ENV_NAME.test(name)) {
      this.check.fail(prop, 'must be an environment variable name (letters, digits, "_", not starting with a digit)', name, 'Use a name like "LOG_LEVEL".');
    }
  }

  private rejectSecretLookingValue(prop: string, key: string, value: string): void {
    if (SECRET_LIKE_KEY.test(key)) {
      this.check.fail(prop, 'looks like a secret and would be written in plain text to the output', '<redacted>',
        `Create a Secret in the cluster and reference it: secretKeys: { ${key}: { secretName: "...", key: "${key}" } }.`);
    }
    if (URL_WITH_PASSWORD.test(value)) {
      this.check.fail(prop, 'is a URL with an embedded password, which would be written in plain text to the output', '<redacted>',
        `Put the URL in a Secret and reference it with secretKeys or secretEnv.`);
    }
  }

  private sortedConfig(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.config).sort(([a], [b]) => a.localeCompare(b)));
  }

  private configChecksum(): string {
    return createHash('sha256').update(JSON.stringify(this.sortedConfig())).digest('hex');
  }

  private renderResources(): k8s.ResourceRequirements {
    const cpu = withDefaults(this.props.resources?.cpu, this.defaults.cpu);
    const memory = withDefaults(this.props.resources?.memory, this.defaults.memory);
    return {
      requests: { cpu: k8s.Quantity.fromString(cpu.request), memory: k8s.Quantity.fromString(memory.request) },
      limits: { cpu: k8s.Quantity.fromString(cpu.limit), memory: k8s.Quantity.fromString(memory.limit) },
    };
  }

  private renderEnvFrom(): k8s.EnvFromSource[] {
    const envFrom: k8s.EnvFromSource[] = [{ configMapRef: { name: `${this.name}-config` } }];
    if (this.props.secretEnv) {
      envFrom.push({ secretRef: { name: this.props.secretEnv.name, optional: this.props.secretEnv.optional } });
    }
    return envFrom;
  }

  private renderPodAnnotations(): Record<string, string> {
    const annotations: Record<string, string> = { 'checksum/config': this.configChecksum() };
    const prometheus = this.props.prometheus;
    if (prometheus) {
      annotations['prometheus.io/scrape'] = 'true';
      annotations['prometheus.io/port'] = String(prometheus.port ?? this.containerPort);
      annotations['prometheus.io/path'] = prometheus.path ?? '/metrics';
    }
    return annotations;
  }

  private renderProbes(): Pick<k8s.Container, 'startupProbe' | 'livenessProbe' | 'readinessProbe'> {
    const port = k8s.IntOrString.fromString('http');
    const livenessPath = this.props.livenessPath ?? this.defaults.livenessPath;
    const readinessPath = this.props.readinessPath ?? this.defaults.readinessPath;
    const startupTimeout = this.props.startupTimeoutSeconds ?? 120;
    return {
      startupProbe: {
        httpGet: { path: livenessPath, port },
        periodSeconds: STARTUP_PROBE_PERIOD_SECONDS,
        timeoutSeconds: 2,
        failureThreshold: Math.ceil(startupTimeout / STARTUP_PROBE_PERIOD_SECONDS),
      },
      livenessProbe: { httpGet: { path: livenessPath, port }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: readinessPath, port }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    };
  }

  private renderMainContainer(): k8s.Container {
    return {
      name: this.defaults.containerName,
      image: this.image,
      imagePullPolicy: this.props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'http', containerPort: this.containerPort, protocol: 'TCP' }],
      envFrom: this.renderEnvFrom(),
      env: undefinedIfEmpty(this.env),
      resources: this.renderResources(),
      ...this.renderProbes(),
      securityContext: restrictedContainerSecurityContext(this.runAs),
      volumeMounts: this.volumeMounts,
    };
  }

  private renderDeploymentSpec(): k8s.DeploymentSpec {
    return {
      replicas: this.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: this.selectorLabels },
      strategy: this.singleReplicaReason
        ? { type: 'Recreate' }
        : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      template: {
        metadata: { labels: { ...this.labels, ...this.selectorLabels }, annotations: this.renderPodAnnotations() },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(this.runAs),
          initContainers: undefinedIfEmpty(this.initContainers),
          containers: [this.renderMainContainer()],
          volumes: undefinedIfEmpty(this.volumes),
        },
      },
    };
  }

  private renderServiceSpec(props: WebWorkloadProps): k8s.ServiceSpec {
    return {
      type: props.serviceType ?? ServiceType.CLUSTER_IP,
      selector: this.selectorLabels,
      ports: [{ name: 'http', port: this.servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP', nodePort: props.nodePort }],
    };
  }

  private createAutoscaler(autoscaling: AutoscalingOptions): k8s.KubeHorizontalPodAutoscalerV2 {
    return new k8s.KubeHorizontalPodAutoscalerV2(this, 'autoscaler', {
      metadata: this.metadataFor(this.name),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: [{
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCpuUtilization ?? 80 } },
        }],
      },
    });
  }

  private createDisruptionBudget(options: DisruptionBudgetOptions): k8s.KubePodDisruptionBudget {
    return new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
      metadata: this.metadataFor(this.name),
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(options.maxUnavailable ?? 1),
        selector: { matchLabels: this.selectorLabels },
      },
    });
  }
}

function withDefaults(range: ResourceRange | undefined, defaults: Required<ResourceRange>): Required<ResourceRange> {
  return { request: range?.request ?? defaults.request, limit: range?.limit ?? defaults.limit };
}

function undefinedIfEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
