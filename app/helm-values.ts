/** The todo chart's Helm values, and how they become environment settings and back. */
import { App } from 'cdk8s';
import { FastApiBackend, ImagePullPolicy, NextFrontend, RoutingMode, ServiceType } from '../lib';
import { HelmValue, HelmValueTree } from '../lib/helm';
import { IMAGE_TAG } from '../lib/image-reference';
import { AiMode, APP_SECRET_NAME, ENVIRONMENTS, EnvironmentSettings, ScalingSettings, WorkloadSettings } from './environments';
import { ImageParts, TodoChart } from './todo-chart';

/** The todo chart's values (Bitnami-style names); each leaf says its default, type and constraints. */
export function todoHelmValues(): HelmValueTree {
  const defaults = ENVIRONMENTS.local;
  const dnsLabel = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
  const dnsSubdomain = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
  const cpu = '^([0-9]+m|[0-9]+(\\.[0-9]+)?)$';
  const memory = '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$';
  const workload = (name: string, cpuRange: [string, string], memoryRange: [string, string], port: number) => ({
    image: {
      registry: HelmValue.string({ default: '', optional: true, pattern: '^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*$', description: `Registry prefix of the ${name} image, e.g. ghcr.io/acme ("" for a local image)` }),
      repository: HelmValue.string({ default: `todo-${name}`, pattern: '^[a-z0-9]+([._/-][a-z0-9]+)*$', description: `Repository of the ${name} image` }),
      tag: HelmValue.string({ default: defaults.defaultImageTag, pattern: IMAGE_TAG.source, description: `Tag of the ${name} image (Docker tag grammar)` }),
      pullPolicy: HelmValue.choice({ default: 'IfNotPresent', values: ['IfNotPresent', 'Always', 'Never'], description: 'When the kubelet pulls the image' }),
    },
    replicaCount: HelmValue.integer({ default: 1, minimum: 1, description: `${name} pods, without autoscaling` }),
    autoscaling: {
      enabled: HelmValue.boolean({ default: false, description: `Scale the ${name} on CPU with a HorizontalPodAutoscaler (replicaCount is then unused)` }),
      minReplicas: HelmValue.integer({ default: 2, minimum: 1, description: 'Fewest pods' }),
      maxReplicas: HelmValue.integer({ default: 4, minimum: 1, description: 'Most pods' }),
      targetCPUUtilizationPercentage: HelmValue.integer({ default: 80, minimum: 1, maximum: 100, description: 'Target average CPU, percent of the request' }),
    },
    resources: {
      requests: {
        cpu: HelmValue.string({ default: cpuRange[0], pattern: cpu, probe: 'cpu', description: 'CPU request' }),
        memory: HelmValue.string({ default: memoryRange[0], pattern: memory, probe: 'memory', description: 'Memory request' }),
      },
      limits: {
        cpu: HelmValue.string({ default: cpuRange[1], pattern: cpu, probe: 'cpu', description: 'CPU limit' }),
        memory: HelmValue.string({ default: memoryRange[1], pattern: memory, probe: 'memory', description: 'Memory limit' }),
      },
    },
    service: {
      type: HelmValue.choice({ default: 'ClusterIP', values: ['ClusterIP', 'NodePort', 'LoadBalancer'], description: 'Service type' }),
      port: HelmValue.integer({ default: port, minimum: 1, maximum: 65535, description: 'Service port' }),
    },
    topologySpread: {
      enabled: HelmValue.boolean({
        default: false,
        description: `Spread the ${name} pods across nodes (kubernetes.io/hostname, ScheduleAnyway) once more than one can run; the environments with more than one pod turn it on`,
      }),
    },
  });
  return {
    existingSecret: HelmValue.string({ default: APP_SECRET_NAME, pattern: dnsSubdomain, maxLength: 253, description: 'The Secret you create in the namespace (DATABASE_URL, OPENAI_API_KEY, BETTER_AUTH_SECRET)' }),
    secretOptional: HelmValue.boolean({ default: defaults.secretOptional, description: 'Start the pods before the Secret exists (mock mode on local clusters)' }),
    backend: {
      ...workload('backend', ['100m', '500m'], ['256Mi', '512Mi'], 8000),
      config: {
        LOG_LEVEL: HelmValue.string({ default: 'info', enum: ['debug', 'info', 'warning', 'error', 'critical'], description: 'Backend log level; a change rolls the pods' }),
        MODE: HelmValue.choice({ default: 'dummy', values: ['dummy', 'real'] satisfies AiMode[], description: 'dummy: canned AI answers; real: calls MODEL_SERVER_URL' }),
        MODEL_SERVER_URL: HelmValue.string({ default: '', optional: true, pattern: '^https?://', probe: 'url', description: 'The model server, required with MODE real' }),
      },
    },
    frontend: workload('frontend', ['50m', '200m'], ['128Mi', '256Mi'], 3000),
    pdb: { create: HelmValue.boolean({ default: defaults.disruptionBudgets, description: 'PodDisruptionBudgets (maxUnavailable 1) for both workloads; needs more than one pod each' }) },
    networkPolicy: { enabled: HelmValue.boolean({ default: defaults.networkPolicies, description: 'Default-deny NetworkPolicies with the app\'s few allowed paths' }) },
    routing: { kind: HelmValue.choice({ values: ['ingress', 'istio', 'gatewayApi'], default: 'ingress', description: 'How traffic gets in: an Ingress, an Istio Gateway + VirtualService, or a Gateway API HTTPRoute' }) },
    ingress: {
      className: HelmValue.string({ default: 'nginx', pattern: dnsSubdomain, description: 'ingressClassName (routing.kind ingress)' }),
      hostname: HelmValue.string({ default: defaults.host ?? '', optional: true, pattern: dnsSubdomain, description: 'The host the routes answer on ("" answers on any host)' }),
      tls: HelmValue.boolean({ default: false, description: 'Terminate TLS at the Ingress or Istio Gateway with tlsSecretName (with the Gateway API, TLS belongs to the Gateway listener)' }),
      tlsSecretName: HelmValue.string({ default: 'todo-tls', pattern: dnsSubdomain, description: 'The TLS Secret, with tls' }),
      exposeApiDocs: HelmValue.boolean({ default: defaults.exposeApiDocs, description: 'Route /docs and /openapi.json to the backend' }),
    },
    gatewayApi: {
      parentRef: {
        name: HelmValue.string({ default: 'public', pattern: dnsSubdomain, description: 'The Gateway the HTTPRoute attaches to (routing.kind gatewayApi)' }),
        namespace: HelmValue.string({ default: 'gateway-system', optional: true, pattern: dnsLabel, description: 'The Gateway\'s namespace ("" the release namespace)' }),
        sectionName: HelmValue.string({ default: 'https', optional: true, pattern: dnsLabel, description: 'The Gateway listener ("" every listener)' }),
      },
    },
    persistence: {
      enabled: HelmValue.boolean({ default: true, description: 'SQLite on a PersistentVolumeClaim (one backend pod); false: an external database through DATABASE_URL in the Secret' }),
      claimName: HelmValue.string({ default: 'todo-data', pattern: dnsSubdomain, description: 'The claim; helm uninstall keeps it and a later install adopts it' }),
      size: HelmValue.string({ default: '5Gi', pattern: memory, probe: 'memory', description: 'The requested size' }),
      storageClass: HelmValue.string({ default: '', optional: true, pattern: dnsSubdomain, description: 'An existing StorageClass ("" the cluster default); exclusive with hostPath and retainingProvisioner' }),
      retainingProvisioner: HelmValue.string({ default: 'rancher.io/local-path', optional: true, pattern: '^[a-z0-9.-]+(/[a-z0-9.-]+)?$', description: 'Create a StorageClass with reclaimPolicy Retain for this provisioner' }),
      hostPath: HelmValue.string({ default: '', optional: true, pattern: '^/', probe: 'path', description: 'A static hostPath PersistentVolume at this node path (single-node clusters)' }),
    },
    namespaceLimits: {
      enabled: HelmValue.boolean({ default: false, description: 'A ResourceQuota and a LimitRange in the release namespace' }),
      quota: {
        requestsCpu: HelmValue.string({ default: '6', pattern: cpu, probe: 'cpu', description: 'Total CPU requests' }),
        limitsCpu: HelmValue.string({ default: '20', pattern: cpu, probe: 'cpu', description: 'Total CPU limits' }),
        requestsMemory: HelmValue.string({ default: '8Gi', pattern: memory, probe: 'memory', description: 'Total memory requests' }),
        limitsMemory: HelmValue.string({ default: '20Gi', pattern: memory, probe: 'memory', description: 'Total memory limits' }),
        pods: HelmValue.integer({ default: 30, minimum: 1, description: 'Most pods' }),
        persistentVolumeClaims: HelmValue.integer({ default: 0, minimum: 0, description: 'Most claims' }),
      },
      containerLimits: {
        defaultRequestCpu: HelmValue.string({ default: '100m', pattern: cpu, probe: 'cpu', description: 'CPU request of containers that set none' }),
        defaultLimitCpu: HelmValue.string({ default: '500m', pattern: cpu, probe: 'cpu', description: 'CPU limit of containers that set none' }),
        maxCpu: HelmValue.string({ default: '2', pattern: cpu, probe: 'cpu', description: 'Most CPU per container' }),
        defaultRequestMemory: HelmValue.string({ default: '128Mi', pattern: memory, probe: 'memory', description: 'Memory request of containers that set none' }),
        defaultLimitMemory: HelmValue.string({ default: '512Mi', pattern: memory, probe: 'memory', description: 'Memory limit of containers that set none' }),
        maxMemory: HelmValue.string({ default: '2Gi', pattern: memory, probe: 'memory', description: 'Most memory per container' }),
      },
    },
  };
}

/** The todo chart's values as the build function receives them (the shape of {@link todoHelmValues}). */
export interface TodoHelmValues {
  readonly existingSecret: string;
  readonly secretOptional: boolean;
  readonly backend: TodoHelmWorkloadValues & { readonly config: { readonly LOG_LEVEL: string; readonly MODE: string; readonly MODEL_SERVER_URL: string } };
  readonly frontend: TodoHelmWorkloadValues;
  readonly pdb: { readonly create: boolean };
  readonly networkPolicy: { readonly enabled: boolean };
  readonly routing: { readonly kind: 'ingress' | 'istio' | 'gatewayApi' };
  readonly ingress: { readonly className: string; readonly hostname: string; readonly tls: boolean; readonly tlsSecretName: string; readonly exposeApiDocs: boolean };
  readonly gatewayApi: { readonly parentRef: { readonly name: string; readonly namespace: string; readonly sectionName: string } };
  readonly persistence: {
    readonly enabled: boolean; readonly claimName: string; readonly size: string; readonly storageClass: string; readonly retainingProvisioner: string; readonly hostPath: string;
  };
  readonly namespaceLimits: {
    readonly enabled: boolean;
    readonly quota: { readonly requestsCpu: string; readonly limitsCpu: string; readonly requestsMemory: string; readonly limitsMemory: string; readonly pods: number; readonly persistentVolumeClaims: number };
    readonly containerLimits: {
      readonly defaultRequestCpu: string; readonly defaultLimitCpu: string; readonly maxCpu: string;
      readonly defaultRequestMemory: string; readonly defaultLimitMemory: string; readonly maxMemory: string;
    };
  };
}

/** One workload's values. */
export interface TodoHelmWorkloadValues {
  readonly image: { readonly registry: string; readonly repository: string; readonly tag: string; readonly pullPolicy: string };
  readonly replicaCount: number;
  readonly autoscaling: { readonly enabled: boolean; readonly minReplicas: number; readonly maxReplicas: number; readonly targetCPUUtilizationPercentage: number };
  readonly resources: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu: string; readonly memory: string } };
  readonly service: { readonly type: string; readonly port: number };
  readonly topologySpread: { readonly enabled: boolean };
}

const unlessEmpty = (value: string) => (value === '' ? undefined : value);

function workloadSettings(values: TodoHelmWorkloadValues): WorkloadSettings {
  const scaling: ScalingSettings = values.autoscaling.enabled
    ? { autoscaling: { minReplicas: values.autoscaling.minReplicas, maxReplicas: values.autoscaling.maxReplicas, targetCpuUtilization: values.autoscaling.targetCPUUtilizationPercentage } }
    : { replicas: values.replicaCount };
  return {
    ...scaling,
    resources: { cpu: { request: values.resources.requests.cpu, limit: values.resources.limits.cpu }, memory: { request: values.resources.requests.memory, limit: values.resources.limits.memory } },
    imagePullPolicy: values.image.pullPolicy as ImagePullPolicy,
    serviceType: values.service.type as ServiceType,
    servicePort: values.service.port,
    // Enabled: the construct's default spread (it applies once more than one pod can run); disabled: none.
    topologySpreadConstraints: values.topologySpread.enabled ? undefined : [],
  };
}

function routingMode(values: TodoHelmValues): RoutingMode {
  if (values.routing.kind === 'istio') return RoutingMode.istio();
  if (values.routing.kind === 'gatewayApi') {
    const { name, namespace, sectionName } = values.gatewayApi.parentRef;
    return RoutingMode.gatewayApi({ gatewayName: name, gatewayNamespace: unlessEmpty(namespace), sectionName: unlessEmpty(sectionName) });
  }
  return RoutingMode.ingress({ className: values.ingress.className });
}

/** The chart the Helm values describe, in the release namespace: the same TodoChart as every environment. */
export function todoChartFromHelmValues(app: App, values: TodoHelmValues, namespace: string): TodoChart {
  const { persistence, namespaceLimits: limits } = values;
  const settings: EnvironmentSettings = {
    name: 'helm',
    description: 'the Helm chart',
    namespace,
    host: unlessEmpty(values.ingress.hostname),
    routing: routingMode(values),
    tls: values.ingress.tls ? { secretName: values.ingress.tlsSecretName } : undefined,
    exposeApiDocs: values.ingress.exposeApiDocs,
    database: persistence.enabled ? {
      kind: 'sqlite',
      storage: {
        claimName: persistence.claimName,
        size: persistence.size,
        storageClassName: unlessEmpty(persistence.storageClass),
        hostPath: unlessEmpty(persistence.hostPath),
        retainingStorageClass: persistence.retainingProvisioner ? { provisioner: persistence.retainingProvisioner } : undefined,
      },
    } : { kind: 'external' },
    backendMode: values.backend.config.MODE as AiMode,
    modelServerUrl: unlessEmpty(values.backend.config.MODEL_SERVER_URL),
    secretOptional: values.secretOptional,
    secretName: values.existingSecret,
    backend: { ...workloadSettings(values.backend), logLevel: values.backend.config.LOG_LEVEL },
    frontend: workloadSettings(values.frontend),
    disruptionBudgets: values.pdb.create,
    networkPolicies: values.networkPolicy.enabled,
    namespaceLimits: limits.enabled ? { quota: limits.quota, containerLimits: limits.containerLimits } : undefined,
    // `latest` is refused by values.schema.json patterns only where an environment pins; the chart lets the user choose.
    pinnedImages: false,
    defaultImageTag: values.backend.image.tag,
  };
  const image = (workload: TodoHelmWorkloadValues): ImageParts => ({ registry: workload.image.registry, repository: workload.image.repository, tag: workload.image.tag });
  return new TodoChart(app, settings, { backendImage: image(values.backend), frontendImage: image(values.frontend) });
}

/**
 * An environment's values, read from the chart its settings build (so values-<env>.yaml follow ENVIRONMENTS):
 * the workloads, routes and claim say what they wrote; what the output cannot tell keeps the chart default.
 */
export function helmValuesOf(settings: EnvironmentSettings, defaults: TodoHelmValues): TodoHelmValues {
  const chart = new TodoChart(new App(), settings);
  const workload = (built: FastApiBackend | NextFrontend, scaling: ScalingSettings, base: TodoHelmWorkloadValues): TodoHelmWorkloadValues => {
    const container = built.deployment.toJson().spec.template.spec.containers[0];
    const [repository, tag] = container.image.split(':');
    const autoscaling = 'autoscaling' in scaling ? scaling.autoscaling : undefined;
    return {
      image: { registry: '', repository, tag, pullPolicy: container.imagePullPolicy },
      replicaCount: 'replicas' in scaling ? scaling.replicas : base.replicaCount,
      autoscaling: autoscaling
        ? { enabled: true, minReplicas: autoscaling.minReplicas, maxReplicas: autoscaling.maxReplicas, targetCPUUtilizationPercentage: autoscaling.targetCpuUtilization ?? 80 }
        : { ...base.autoscaling, enabled: false },
      resources: container.resources,
      service: { type: built.service.toJson().spec.type, port: built.servicePort },
      topologySpread: { enabled: built.deployment.toJson().spec.template.spec.topologySpreadConstraints !== undefined },
    };
  };
  const config = chart.backend.configMap.toJson().data;
  const ingress = chart.routes.ingress?.toJson().spec;
  const parentRef = chart.routes.httpRoute?.toJson().spec.parentRefs[0];
  const storage = settings.database.kind === 'sqlite' ? settings.database.storage : undefined;
  const limits = settings.namespaceLimits;
  return {
    existingSecret: settings.secretName ?? APP_SECRET_NAME,
    secretOptional: settings.secretOptional,
    backend: { ...workload(chart.backend, settings.backend, defaults.backend), config: { LOG_LEVEL: config.LOG_LEVEL, MODE: config.MODE, MODEL_SERVER_URL: config.MODEL_SERVER_URL ?? '' } },
    frontend: workload(chart.frontend, settings.frontend, defaults.frontend),
    pdb: { create: settings.disruptionBudgets },
    networkPolicy: { enabled: settings.networkPolicies },
    routing: { kind: chart.routes.ingress ? 'ingress' : chart.routes.httpRoute ? 'gatewayApi' : 'istio' },
    ingress: {
      className: ingress?.ingressClassName ?? defaults.ingress.className,
      hostname: settings.host ?? '',
      tls: settings.tls !== undefined,
      tlsSecretName: settings.tls?.secretName ?? defaults.ingress.tlsSecretName,
      exposeApiDocs: settings.exposeApiDocs,
    },
    gatewayApi: { parentRef: parentRef ? { name: parentRef.name, namespace: parentRef.namespace ?? '', sectionName: parentRef.sectionName ?? '' } : defaults.gatewayApi.parentRef },
    persistence: storage ? {
      enabled: true,
      claimName: chart.persistence!.claimName,
      size: chart.persistence!.claim.toJson().spec.resources.requests.storage,
      storageClass: storage.storageClassName ?? '',
      retainingProvisioner: storage.retainingStorageClass?.provisioner ?? '',
      hostPath: storage.hostPath ?? '',
    } : { ...defaults.persistence, enabled: false },
    namespaceLimits: limits?.quota && limits.containerLimits
      ? { enabled: true, quota: { ...defaults.namespaceLimits.quota, ...limits.quota }, containerLimits: { ...defaults.namespaceLimits.containerLimits, ...limits.containerLimits } }
      : { ...defaults.namespaceLimits, enabled: false },
  };
}
