/** TodoChart: one installation of the todo app, built from its values (values-schema.ts) and nothing else. */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppNamespace, AppNamespaceProps, AppNetworkPolicies, FastApiBackend, ImagePullPolicy, IngressRoutes, NextFrontend, PathMatch, RoutingMode, ServiceType,
  SqlitePersistence, WebWorkloadProps,
} from '../lib';
import { k8s } from '../lib/k8s';
import { ValidationOptions } from '../lib/validation';
import { CHART_LABEL, TodoNames, todoNames, TodoRelease } from './names';
import { checkAppValues, extraEnvClash } from './value-checks';
import { valuesProblems } from './values';
import { APP_SECRET_NAME, PART_OF, TodoValues, WorkloadValues } from './values-schema';

/** Properties of {@link TodoChart}. */
export interface TodoChartProps extends ChartProps {
  /** Every value, the defaults included (mergeValues(defaultValues(), ...)). */
  readonly values: TodoValues;
  /** The release: its name labels and names the objects, its namespace holds them. */
  readonly release: TodoRelease;
}

/** The todo app: namespace, backend, frontend, storage, routes and policies, as its values say. */
export class TodoChart extends Chart {
  public readonly values: TodoValues;
  public readonly release: TodoRelease;
  public readonly names: TodoNames;
  public readonly appNamespace: AppNamespace;
  public readonly backend: FastApiBackend;
  public readonly frontend: NextFrontend;
  public readonly routes?: IngressRoutes;
  public readonly persistence?: SqlitePersistence;
  public readonly networkPolicies?: AppNetworkPolicies;

  constructor(scope: Construct, id: string, props: TodoChartProps) {
    const { values, release } = props;
    super(scope, id, { ...props, namespace: release.namespace, disableResourceNameHashes: true, labels: { ...props.labels, ...values.commonLabels, 'helm.sh/chart': CHART_LABEL } });
    const problems = valuesProblems(values);
    if (problems.length > 0) throw new Error(`TodoChart '${this.node.path}': ${problems.join('\n')}`);
    checkAppValues(values, `TodoChart '${this.node.path}'`);
    this.values = values;
    this.release = release;
    this.names = todoNames(values, release);
    const version = values.backend.image.tag;
    const common = { partOf: PART_OF, instance: release.name, version };

    this.appNamespace = new AppNamespace(this, 'namespace', {
      name: release.namespace, partOf: PART_OF, instance: release.name, version,
      istioInjection: values.routing.kind === 'istio',
      ...(values.namespaceLimits.enabled ? namespaceLimits(values.namespaceLimits) : {}),
    });
    // Storage first: cdk8s writes objects in construct order, and kubectl applies the StorageClass or
    // PersistentVolume before the claim that names it.
    if (values.persistence.enabled) this.persistence = this.createPersistence(values, common);
    const secretName = values.existingSecret || APP_SECRET_NAME;
    this.backend = new FastApiBackend(this, 'backend', {
      ...common,
      ...workloadProps(values, values.backend, this.names.backend),
      logLevel: values.backend.config.LOG_LEVEL,
      config: {
        MODE: values.backend.config.MODE,
        ...(values.backend.config.MODEL_SERVER_URL !== '' && { MODEL_SERVER_URL: values.backend.config.MODEL_SERVER_URL }),
        // The app has no user accounts: read-only answers every write and chat with 403.
        ...(values.writeAccess === 'read-only' && { READ_ONLY: 'true' }),
      },
      secretEnv: { name: secretName, optional: values.secretOptional },
    });
    this.frontend = new NextFrontend(this, 'frontend', {
      ...common,
      ...workloadProps(values, values.frontend, this.names.frontend),
      backend: this.backend,
      // Better Auth runs in Next.js; the frontend gets that one key, not the backend's database or API keys.
      secretKeys: { BETTER_AUTH_SECRET: { secretName, key: 'BETTER_AUTH_SECRET', optional: values.secretOptional } },
    });
    this.persistence?.attachTo(this.backend);
    // After the variables the chart sets (DATABASE_URL comes with the persistence), which they may refer to.
    this.addExtraEnvVars(values, 'backend', this.backend);
    this.addExtraEnvVars(values, 'frontend', this.frontend);
    if (values.routing.kind !== 'none') this.routes = this.createRoutes(values, common);
    if (values.networkPolicy.enabled) {
      this.networkPolicies = new AppNetworkPolicies(this, 'network-policies', {
        ...common,
        namePrefix: `${this.names.fullname}-`,
        routes: this.routes ? [this.routes] : [],
        workloads: [this.backend, this.frontend],
        connections: [{ from: this.frontend, to: this.backend }],
        externalEgress: values.networkPolicy.externalEgressPorts.length > 0 ? [{ from: this.backend, ports: values.networkPolicy.externalEgressPorts }] : [],
      });
    }
  }

  /** How this chart's output is validated: derived from its values, never configured a second time. */
  public get validationOptions(): ValidationOptions {
    return {
      allowLatestImages: !this.values.pinnedImages,
      externalNamespaces: this.routes?.mode.sourceNamespace ? [this.routes.mode.sourceNamespace] : [],
    };
  }

  /** A workload's extraEnvVars, refused in the values' words where the chart sets the same name. */
  private addExtraEnvVars(values: TodoValues, name: 'backend' | 'frontend', workload: FastApiBackend | NextFrontend): void {
    const chartNames = workload.environmentVariableNames;
    const problems = values[name].extraEnvVars.map((envVar, index) => extraEnvClash(name, index, envVar.name, chartNames)).filter((problem) => problem !== undefined);
    if (problems.length > 0) throw new Error(problems.map((problem) => `TodoChart '${this.node.path}': ${problem}`).join('\n'));
    for (const envVar of values[name].extraEnvVars) workload.addEnvVar(envVar as k8s.EnvVar);
  }

  private createPersistence(values: TodoValues, common: { partOf: string; instance: string }): SqlitePersistence {
    const { persistence } = values;
    const explicit = persistence.storageClass !== '' || persistence.hostPath !== '' || persistence.retainingProvisioner !== '' || persistence.existingClaim !== '';
    const claim = persistence.existingClaim ? { existingClaim: persistence.existingClaim } : { claimName: this.names.claim, size: String(persistence.size) };
    return new SqlitePersistence(this, 'data', {
      ...common,
      version: 'v1',
      ...claim,
      // global.storageClass is a default for charts that name none, never a second choice beside hostPath or a retaining class.
      storageClassName: persistence.storageClass || (explicit ? undefined : values.global.storageClass || undefined),
      hostPath: persistence.hostPath || undefined,
      retainingStorageClass: persistence.retainingProvisioner ? { provisioner: persistence.retainingProvisioner } : undefined,
      // The backend stores uploaded images under <data>/images.
      dataSubdirectories: ['images'],
    });
  }

  private createRoutes(values: TodoValues, common: { partOf: string; instance: string; version: string }): IngressRoutes {
    const routes = new IngressRoutes(this, 'routes', {
      ...common,
      name: this.names.fullname,
      mode: routingMode(values),
      host: values.ingress.hostname || undefined,
      additionalHosts: values.ingress.extraHosts.length > 0 ? values.ingress.extraHosts : undefined,
      tls: values.ingress.tls ? { secretName: values.ingress.tlsSecretName } : undefined,
      additionalTls: values.ingress.extraTls.length > 0 ? values.ingress.extraTls : undefined,
    });
    routes.addRoute('/api', this.backend);
    // A prefix, not an exact path: routers that rank rules by their length (Traefik, k3s's default) rank
    // Path("/health") level with the frontend's PathPrefix("/") and may send /health to the frontend.
    routes.addRoute('/health', this.backend);
    if (values.ingress.exposeApiDocs) {
      routes.addRoute('/docs', this.backend);
      routes.addRoute('/openapi.json', this.backend, { match: PathMatch.EXACT });
    }
    routes.addRoute('/', this.frontend);
    return routes;
  }
}

function routingMode(values: TodoValues): RoutingMode {
  switch (values.routing.kind) {
    case 'istio':
      return RoutingMode.istio({ gatewayNamespace: values.istio.gatewayNamespace });
    case 'gatewayApi': {
      const { parentRef, dataPlaneNamespace } = values.gatewayApi;
      return RoutingMode.gatewayApi({
        gatewayName: parentRef.name,
        gatewayNamespace: parentRef.namespace || undefined,
        sectionName: parentRef.sectionName || undefined,
        dataPlaneNamespace: dataPlaneNamespace || undefined,
      });
    }
    default:
      return RoutingMode.ingress({
        className: values.ingress.className,
        controllerNamespace: values.ingress.controllerNamespace,
        annotations: Object.keys(values.ingress.annotations).length > 0 ? values.ingress.annotations : undefined,
      });
  }
}

/** A workload's props from its values (the image, scaling, resources, Service and scheduling). */
function workloadProps(values: TodoValues, workload: WorkloadValues, name: string): WebWorkloadProps {
  const { image, autoscaling, resources } = workload;
  const registry = values.global.imageRegistry || image.registry;
  const notEmpty = <T extends object>(value: T): T | undefined => (Object.keys(value).length > 0 ? value : undefined);
  return {
    name,
    version: image.tag,
    image: `${registry ? `${registry}/` : ''}${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ''}`,
    imagePullPolicy: image.pullPolicy as ImagePullPolicy,
    imagePullSecrets: notEmpty(values.global.imagePullSecrets),
    ...(autoscaling.enabled
      ? { autoscaling: { minReplicas: autoscaling.minReplicas, maxReplicas: autoscaling.maxReplicas, targetCpuUtilization: autoscaling.targetCPUUtilizationPercentage } }
      : { replicas: workload.replicaCount }),
    resources: {
      cpu: { request: String(resources.requests.cpu), limit: String(resources.limits.cpu) },
      memory: { request: String(resources.requests.memory), limit: String(resources.limits.memory) },
    },
    serviceType: workload.service.type as ServiceType,
    servicePort: workload.service.port,
    // Enabled: the construct's default spread (it applies once more than one pod can run); disabled: none.
    topologySpreadConstraints: workload.topologySpread.enabled ? undefined : [],
    disruptionBudget: workload.pdb.create ? { maxUnavailable: 1 } : undefined,
    preStopDelaySeconds: workload.preStop.enabled ? workload.preStop.delaySeconds : undefined,
    createServiceAccount: workload.serviceAccount.create,
    serviceAccountName: workload.serviceAccount.name || undefined,
    automountServiceAccountToken: workload.serviceAccount.automountServiceAccountToken,
    serviceAccountAnnotations: notEmpty(workload.serviceAccount.annotations),
    // Before the chart's own ConfigMap and Secret, which win over a key of the same name.
    envFrom: notEmpty([
      ...(workload.extraEnvVarsCM ? [{ configMapRef: { name: workload.extraEnvVarsCM } }] : []),
      ...(workload.extraEnvVarsSecret ? [{ secretRef: { name: workload.extraEnvVarsSecret } }] : []),
    ]),
    podAnnotations: notEmpty(workload.podAnnotations),
    podLabels: notEmpty(workload.podLabels),
    nodeSelector: notEmpty(workload.nodeSelector),
    tolerations: notEmpty(workload.tolerations) as k8s.Toleration[] | undefined,
    affinity: notEmpty(workload.affinity) as k8s.Affinity | undefined,
    volumes: notEmpty(workload.extraVolumes) as k8s.Volume[] | undefined,
    volumeMounts: notEmpty(workload.extraVolumeMounts) as k8s.VolumeMount[] | undefined,
  };
}

function namespaceLimits(limits: TodoValues['namespaceLimits']): Pick<AppNamespaceProps, 'quota' | 'containerLimits'> {
  const { quota, containerLimits: max } = limits;
  return {
    quota: {
      requestsCpu: String(quota.requestsCpu), limitsCpu: String(quota.limitsCpu), requestsMemory: String(quota.requestsMemory), limitsMemory: String(quota.limitsMemory),
      pods: quota.pods, persistentVolumeClaims: quota.persistentVolumeClaims,
    },
    containerLimits: {
      defaultRequestCpu: String(max.defaultRequestCpu), defaultLimitCpu: String(max.defaultLimitCpu), maxCpu: String(max.maxCpu),
      defaultRequestMemory: String(max.defaultRequestMemory), defaultLimitMemory: String(max.defaultLimitMemory), maxMemory: String(max.maxMemory),
    },
  };
}
