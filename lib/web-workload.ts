import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { PropChecker, resolveNamespace } from './checks';
import { renderPodAnnotations, renderProbes, renderResources, undefinedIfEmpty, writableVolumeName } from './container-spec';
import { imageTag } from './image-reference';
import { k8s } from './k8s';
import { resolveLabelValues, selectorLabels, standardLabels } from './labels';
import { RunAsOptions, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod-security';
import { IRouteTarget } from './route-target';
import { checkEnvName, rejectSecretLookingValue } from './secret-detection';
import { WebWorkloadProps, WorkloadDefaults } from './web-workload-props';
import { checkNodePort, checkPodProps, resolveReplicas, resolveRunAs } from './workload-checks';
import { AutoscalingOptions, DisruptionBudgetOptions, ImagePullPolicy, InitContainerOptions, SecretKeyReference, ServiceType } from './workload-options';

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
    checkNodePort(this.check, props);
    this.autoscaling = props.autoscaling;
    this.replicas = resolveReplicas(this.check, props);
    this.runAs = resolveRunAs(this.check, props, defaults.runAsUser);
    checkPodProps(this.check, props, defaults);

    const identity = resolveLabelValues(this.check, props, {
      name: this.name, component: defaults.component, instance: this.namespace, version: imageTag(props.image) ?? 'unversioned',
    });
    this.check.labels('labels', props.labels);
    this.selectorLabels = selectorLabels(identity);
    this.labels = { ...props.labels, ...standardLabels(identity) };

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
    checkEnvName(this.check, `config key`, key);
    rejectSecretLookingValue(this.check, `config["${key}"]`, key, value);
    this.config[key] = value;
  }

  /** Sets a plain environment variable on the main container (and init containers). */
  public addEnv(name: string, value: string): void {
    checkEnvName(this.check, 'env name', name);
    rejectSecretLookingValue(this.check, `env["${name}"]`, name, value);
    this.env.push({ name, value });
  }

  /** Reads an environment variable from a key of an existing Secret. */
  public addSecretKeyEnv(name: string, ref: SecretKeyReference): void {
    checkEnvName(this.check, 'secretKeys name', name);
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
    const volumeName = writableVolumeName(path, (name) => this.volumes.some((volume) => volume.name === name));
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
      resources: renderResources(this.props, this.defaults),
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

  /** The object metadata every child carries. */
  protected metadataFor(name: string): k8s.ObjectMeta {
    return { name, namespace: this.namespace, labels: this.labels };
  }

  private sortedConfig(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.config).sort(([a], [b]) => a.localeCompare(b)));
  }

  private renderEnvFrom(): k8s.EnvFromSource[] {
    const envFrom: k8s.EnvFromSource[] = [{ configMapRef: { name: `${this.name}-config` } }];
    if (this.props.secretEnv) {
      envFrom.push({ secretRef: { name: this.props.secretEnv.name, optional: this.props.secretEnv.optional } });
    }
    return envFrom;
  }

  private renderMainContainer(): k8s.Container {
    return {
      name: this.defaults.containerName,
      image: this.image,
      imagePullPolicy: this.props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'http', containerPort: this.containerPort, protocol: 'TCP' }],
      envFrom: this.renderEnvFrom(),
      env: undefinedIfEmpty(this.env),
      resources: renderResources(this.props, this.defaults),
      ...renderProbes(this.props, this.defaults),
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
        metadata: { labels: { ...this.labels, ...this.selectorLabels }, annotations: renderPodAnnotations(this.sortedConfig(), this.props.prometheus, this.containerPort) },
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
