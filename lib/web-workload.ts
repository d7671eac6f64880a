import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { checkUniqueInApp } from './app-uniqueness';
import { PropChecker, resolveNamespace } from './checks';
import { ContainerEnvironment } from './container-environment';
import {
  renderPodAnnotations, renderProbes, renderResources, renderTopologySpread, undefinedIfEmpty, writableVolumeName,
} from './container-spec';
import { finalJsonPatches } from './final-json-patches';
import { createAutoscaler, createDisruptionBudget } from './workload-scaling';
import { imageTag } from './image-reference';
import { k8s } from './k8s';
import { resolveLabelValues, selectorLabels, standardLabels } from './labels';
import { RunAsOptions, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './pod-security';
import { IRouteTarget } from './route-target';
import { WebWorkloadProps, WorkloadDefaults } from './web-workload-props';
import {
  checkEnvFromAndServiceAccount, checkNodePort, checkPodLabels, checkPodProps, checkScheduling, checkServiceProps, checkVolumes, resolveReplicas, resolveRunAs,
} from './workload-checks';
import {
  AutoscalingOptions, ImagePullPolicy, InitContainerOptions, Protocol, SecretKeyReference, ServiceType,
} from './workload-options';

/**
 * A Deployment, a Service and a ConfigMap for an HTTP application, with an optional
 * HorizontalPodAutoscaler, PodDisruptionBudget and ServiceAccount. Every pod meets the Pod Security
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
  /** The ServiceAccount, with `createServiceAccount`. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** The Service type. */
  public readonly serviceType: ServiceType;
  /** The Service's client CIDRs, with a LoadBalancer Service and `loadBalancerSourceRanges`. */
  public readonly loadBalancerSourceRanges?: string[];
  /** The Prometheus scrape port, when `prometheus` is given. */
  public readonly metricsPort?: number;

  protected readonly check: PropChecker;
  private readonly props: WebWorkloadProps;
  private readonly defaults: WorkloadDefaults;
  private readonly runAs: RunAsOptions;
  private readonly environment: ContainerEnvironment;
  private readonly volumes: k8s.Volume[] = [];
  private readonly volumeMounts: k8s.VolumeMount[] = [];
  private readonly initContainers: k8s.Container[] = [];
  private singleReplicaReason?: string;

  protected constructor(scope: Construct, id: string, props: WebWorkloadProps, defaults: WorkloadDefaults) {
    super(scope, id);
    this.check = new PropChecker(this, defaults.typeName);
    if (props === null || typeof props !== 'object') {
      this.check.fail('props', 'must be an object', props, `Pass { image: "ghcr.io/acme/app:v1.0.0" }.`);
    }
    this.props = props;
    this.defaults = defaults;
    this.name = props.name ?? id;
    this.check.dnsLabel('name', this.name);
    this.namespace = resolveNamespace(this.check, this, props.namespace);
    this.image = props.image;
    this.check.taggedImage('image', props.image);
    this.containerPort = props.containerPort ?? defaults.containerPort;
    this.servicePort = props.servicePort ?? defaults.servicePort;
    this.check.port('containerPort', this.containerPort);
    this.check.port('servicePort', this.servicePort);
    this.serviceType = props.serviceType ?? ServiceType.CLUSTER_IP;
    checkNodePort(this.check, props);
    checkServiceProps(this.check, props, this.serviceType);
    this.autoscaling = props.autoscaling;
    this.replicas = resolveReplicas(this.check, props);
    this.runAs = resolveRunAs(this.check, props, defaults.runAsUser);
    checkPodProps(this.check, props, defaults);
    checkScheduling(this.check, props);
    checkVolumes(this.check, props);
    checkEnvFromAndServiceAccount(this.check, props);
    this.loadBalancerSourceRanges = props.loadBalancerSourceRanges;
    this.metricsPort = props.prometheus ? props.prometheus.port ?? this.containerPort : undefined;

    const identity = resolveLabelValues(this.check, props, {
      name: this.name, component: defaults.component, instance: this.namespace, version: imageTag(props.image) ?? 'unversioned',
    });
    this.check.labels('labels', props.labels);
    this.selectorLabels = selectorLabels(identity);
    this.labels = { ...props.labels, ...standardLabels(identity) };
    checkPodLabels(this.check, props.podLabels, this.labels);

    this.check.array('plainTextKeys', props.plainTextKeys);
    this.environment = new ContainerEnvironment(this.check, new Set(props.plainTextKeys ?? []));
    this.check.record('config', props.config);
    for (const [key, value] of Object.entries(defaults.config)) this.environment.setConfig(key, value, `the ${defaults.typeName} default`, true);
    for (const [key, { value, source }] of Object.entries(defaults.fixedConfig ?? {})) this.environment.setConfig(key, value, source, false);
    for (const [key, value] of Object.entries(props.config ?? {})) this.environment.setConfig(key, value, `config["${key}"]`, false);
    for (const key of props.secretEnv?.keys ?? []) this.environment.claim(key, `secretEnv "${props.secretEnv!.name}" (key ${key})`);
    for (const [name, ref] of Object.entries(props.secretKeys ?? {})) this.addSecretKeyEnv(name, ref);
    (props.env ?? []).forEach((envVar, index) => this.environment.addEnvVar(envVar, `env[${index}]`));
    for (const path of [...defaults.writablePaths, ...(props.writablePaths ?? [])]) this.addWritablePath(path);
    for (const volume of props.volumes ?? []) this.addVolume(volume);
    this.addVolumeMounts(...(props.volumeMounts ?? []));

    this.configMap = finalJsonPatches(new k8s.KubeConfigMap(this, 'config', {
      metadata: this.metadataFor(`${this.name}-config`),
      data: Lazy.any({ produce: () => this.environment.sortedConfig() }),
    }));
    this.serviceAccount = props.createServiceAccount ? this.createServiceAccount() : undefined;
    this.deployment = finalJsonPatches(new k8s.KubeDeployment(this, 'deployment', {
      metadata: this.metadataFor(this.name),
      spec: Lazy.any({ produce: () => this.renderDeploymentSpec() }),
    }));
    this.service = finalJsonPatches(new k8s.KubeService(this, 'service', {
      metadata: { ...this.metadataFor(this.name), annotations: props.serviceAnnotations },
      spec: this.renderServiceSpec(props),
    }));
    if (props.initContainer) this.addInitContainer(props.initContainer);
    this.autoscaler = props.autoscaling ? createAutoscaler(this, this.metadataFor(this.name), props.autoscaling) : undefined;
    this.disruptionBudget = props.disruptionBudget ? createDisruptionBudget(this, this.metadataFor(this.name), this.selectorLabels, props.disruptionBudget) : undefined;
    this.node.addValidation({ validate: () => this.validateMounts() });
    checkUniqueInApp(this);
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

  /**
   * Adds a non-secret setting to the ConfigMap; a change rolls the pods through the checksum annotation.
   * It may replace a construct default once; a name another source already sets is refused.
   */
  public addConfig(key: string, value: string): void {
    this.environment.setConfig(key, value, `addConfig("${key}")`, false);
  }

  /**
   * {@link addConfig} for a subclass or another construct, which the error names when the setting is set twice.
   * @internal
   */
  public _setConfigFrom(key: string, value: string, source: string): void {
    this.environment.setConfig(key, value, source, false);
  }

  /** Sets a plain environment variable on the main container (and init containers). A name set twice is refused. */
  public addEnv(name: string, value: string): void {
    this._addEnv(name, value, `addEnv("${name}")`);
  }

  /**
   * {@link addEnv} for another construct, which the error names when the variable is set twice.
   * @internal
   */
  public _addEnv(name: string, value: string, source: string): void {
    this.environment.addEnv(name, value, source);
  }

  /**
   * Adds a Kubernetes EnvVar object (a `value`, or `valueFrom` a field, a resource, a ConfigMap or a Secret key) to the
   * main container (and init containers), after the construct's own variables. A name set twice is refused.
   */
  public addEnvVar(envVar: k8s.EnvVar): void {
    this.environment.addEnvVar(envVar, `addEnvVar("${envVar?.name}")`);
  }

  /** Every environment variable name the workload sets: its ConfigMap's keys, its env entries and the known keys of secretEnv. */
  public get environmentVariableNames(): string[] {
    return [...this.environment.names].sort();
  }

  /** Reads an environment variable from a key of an existing Secret. */
  public addSecretKeyEnv(name: string, ref: SecretKeyReference): void {
    this.environment.addSecretKeyEnv(name, ref);
  }

  /** Adds a pod volume and mounts it into the main container (and init containers). */
  public addVolume(volume: k8s.Volume, ...mounts: k8s.VolumeMount[]): void {
    this.check.dnsLabel('volume name', volume.name);
    if (this.volumes.some((existing) => existing.name === volume.name)) {
      this.check.fail('volume name', 'must be unique in the pod', volume.name, 'Give the volume another name.');
    }
    this.volumes.push(volume);
    this.addVolumeMounts(...mounts);
  }

  /** Mounts volumes of the pod into the main container (and the init containers that share its mounts). */
  public addVolumeMounts(...mounts: k8s.VolumeMount[]): void {
    for (const mount of mounts) {
      this.check.absolutePath('mountPath', mount.mountPath);
      if (this.volumeMounts.some((existing) => existing.mountPath === mount.mountPath)) {
        this.check.fail('mountPath', 'is already mounted', mount.mountPath, 'Mount each path once.');
      }
      this.volumeMounts.push(mount);
    }
  }

  /** Adds a writable `emptyDir` at a path: the root filesystem is read-only. */
  public addWritablePath(path: string): void {
    this.check.absolutePath('writablePaths', path);
    const volumeName = writableVolumeName(path, (name) => this.volumes.some((volume) => volume.name === name));
    const sizeLimit = this.props.writablePathSizeLimit;
    this.addVolume({ name: volumeName, emptyDir: sizeLimit ? { sizeLimit: k8s.Quantity.fromString(sizeLimit) } : {} }, { name: volumeName, mountPath: path });
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
    this.check.array('initContainer.command', options.command);
    if (!options.command || options.command.length === 0) {
      this.check.fail('initContainer.command', 'must not be empty', options.command, 'Give the command to run, e.g. ["alembic", "upgrade", "head"].');
    }
    const container: k8s.Container = {
      name: options.name,
      image: this.image,
      imagePullPolicy: this.props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT,
      command: options.command,
      ...(options.appEnvironment ?? true ? { envFrom: this.renderEnvFrom(), env: Lazy.any({ produce: () => undefinedIfEmpty(this.environment.env) }) } : {}),
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
    if (this.props.disruptionBudget) {
      this.check.fail('disruptionBudget', `must not be set when ${reason}`, this.props.disruptionBudget, 'Remove disruptionBudget.');
    }
    this.singleReplicaReason = reason;
  }

  /** The object metadata every child carries. */
  protected metadataFor(name: string): k8s.ObjectMeta {
    return { name, namespace: this.namespace, labels: this.labels };
  }

  private renderEnvFrom(): k8s.EnvFromSource[] {
    // The given sources first: Kubernetes takes a name from the last source that has it, so the construct's settings win.
    const envFrom: k8s.EnvFromSource[] = [...(this.props.envFrom ?? []), { configMapRef: { name: `${this.name}-config` } }];
    if (this.props.secretEnv) {
      envFrom.push({ secretRef: { name: this.props.secretEnv.name, optional: this.props.secretEnv.optional } });
    }
    return envFrom;
  }

  private renderPorts(): k8s.ContainerPort[] {
    return [
      { name: 'http', containerPort: this.containerPort, protocol: 'TCP' },
      ...(this.props.ports ?? []).map((port) => ({ name: port.name, containerPort: port.containerPort, protocol: port.protocol ?? Protocol.TCP })),
    ];
  }

  private renderMainContainer(): k8s.Container {
    const delay = this.props.preStopDelaySeconds;
    return {
      name: this.defaults.containerName,
      image: this.image,
      imagePullPolicy: this.props.imagePullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT,
      command: this.props.command,
      args: this.props.args,
      ports: this.renderPorts(),
      envFrom: this.renderEnvFrom(),
      env: undefinedIfEmpty(this.environment.env),
      resources: renderResources(this.props, this.defaults),
      ...renderProbes(this.props, this.defaults),
      lifecycle: delay ? { preStop: { exec: { command: ['sleep', String(delay)] } } } : undefined,
      securityContext: restrictedContainerSecurityContext(this.runAs),
      volumeMounts: this.volumeMounts,
    };
  }

  private renderDeploymentSpec(): k8s.DeploymentSpec {
    const props = this.props;
    const mostReplicas = this.singleReplicaReason ? 1 : this.autoscaling?.maxReplicas ?? this.replicas ?? 1;
    return {
      replicas: this.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: this.selectorLabels },
      strategy: this.singleReplicaReason
        ? { type: 'Recreate' }
        : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      template: {
        metadata: {
          labels: { ...props.podLabels, ...this.labels, ...this.selectorLabels },
          annotations: { ...props.podAnnotations, ...renderPodAnnotations(this.environment.sortedConfig(), props.prometheus, this.containerPort) },
        },
        spec: {
          serviceAccountName: this.serviceAccount?.name ?? props.serviceAccountName,
          automountServiceAccountToken: props.automountServiceAccountToken ?? false,
          enableServiceLinks: false,
          imagePullSecrets: props.imagePullSecrets?.map((name) => ({ name })),
          priorityClassName: props.priorityClassName,
          nodeSelector: props.nodeSelector,
          tolerations: props.tolerations,
          affinity: props.affinity,
          topologySpreadConstraints: undefinedIfEmpty(props.topologySpreadConstraints ?? renderTopologySpread(mostReplicas, this.selectorLabels)),
          terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
          securityContext: restrictedPodSecurityContext(this.runAs),
          initContainers: undefinedIfEmpty(this.initContainers),
          containers: [this.renderMainContainer()],
          volumes: undefinedIfEmpty(this.volumes),
        },
      },
    };
  }

  private renderServiceSpec(props: WebWorkloadProps): k8s.ServiceSpec {
    const extraPorts = (props.ports ?? []).filter((port) => port.servicePort !== undefined).map((port) => ({
      name: port.name, port: port.servicePort!, targetPort: k8s.IntOrString.fromString(port.name), protocol: port.protocol ?? Protocol.TCP,
    }));
    return {
      type: this.serviceType,
      selector: this.selectorLabels,
      externalTrafficPolicy: props.externalTrafficPolicy,
      loadBalancerSourceRanges: props.loadBalancerSourceRanges,
      ports: [{ name: 'http', port: this.servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP', nodePort: props.nodePort }, ...extraPorts],
    };
  }

  private createServiceAccount(): k8s.KubeServiceAccount {
    return finalJsonPatches(new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { ...this.metadataFor(this.props.serviceAccountName ?? this.name), annotations: this.props.serviceAccountAnnotations },
      automountServiceAccountToken: false,
    }));
  }

  /** Every mount names a volume of the pod (volumes may be added after the mounts, e.g. by SqlitePersistence). */
  private validateMounts(): string[] {
    return this.volumeMounts.filter((mount) => !this.volumes.some((volume) => volume.name === mount.name)).map((mount) =>
      `${this.check.subject}: volumeMounts names a volume the pod does not have; got "${mount.name}" (at ${mount.mountPath}). `
      + `Add it to volumes, or use one of: ${this.volumes.map((volume) => volume.name).join(', ')}.`);
  }
}
