import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppNamespace, AppNamespaceProps, AppNetworkPolicies, AutoscalingOptions, FastApiBackend, FastApiBackendProps, ImagePullPolicy, IngressRoutes,
  NextFrontend, ServiceType, PathMatch, RouteTlsOptions, RoutingMode, SqlitePersistenceProps, SqlitePersistence, WebWorkloadProps,
} from './lib';
import { DEFAULT_POD_SECURITY_VERSION } from './lib/app-namespace';
import { HelmChartGenerator, HelmValue, HelmValueTree } from './lib/helm';
import { IMAGE_TAG, registryPrefixProblem } from './lib/image-reference';
import { formatReport, hasErrors, summarize, ValidationOptions, validateManifests, Violation } from './lib/validation';
import { version as packageVersion } from './package.json';

/** Where the todo app's data lives. */
export type DatabaseSettings =
  /** SQLite on a PersistentVolumeClaim; the backend is pinned to one replica. */
  | { readonly kind: 'sqlite'; readonly storage: SqlitePersistenceProps }
  /** An external database (e.g. Neon PostgreSQL) reached through `DATABASE_URL` in the app Secret. */
  | { readonly kind: 'external' };

/**
 * The todo backend's `MODE`: `dummy` answers AI calls with canned data (no model server or API key needed),
 * `real` calls the model server at `MODEL_SERVER_URL`.
 */
export type AiMode = 'dummy' | 'real';

/**
 * Who may change data through the routes: the todo app has no user accounts (docs/container-contract.md,
 * "Authentication").
 * - `anonymous`: anyone who reaches the routes, on purpose (a laptop cluster, a demo).
 * - `authenticated`: an authenticating proxy or Gateway policy in front of the routes admits signed-in users
 *   only; the app takes their writes.
 * - `read-only`: the backend refuses every write and chat with 403 (`READ_ONLY=true`).
 */
export type WriteAccess = 'anonymous' | 'authenticated' | 'read-only';
const WRITE_ACCESS: WriteAccess[] = ['anonymous', 'authenticated', 'read-only'];

/** How one workload scales. */
export type ScalingSettings = { readonly replicas: number } | { readonly autoscaling: AutoscalingOptions };

/** Per-workload choices, spread into the construct's props. */
export type WorkloadSettings = ScalingSettings
  & Pick<WebWorkloadProps, 'resources' | 'imagePullPolicy' | 'serviceType' | 'servicePort' | 'topologySpreadConstraints' | 'preStopDelaySeconds'>;

/** Everything that differs between environments. */
export interface EnvironmentSettings {
  /** The chart id and the output file name (`dist/<name>.k8s.yaml`). */
  readonly name: string;
  /** What it is for, shown in the README. */
  readonly description: string;
  /** The namespace every object goes into. */
  readonly namespace: string;
  /** The host routes answer on; undefined answers on any host. */
  readonly host?: string;
  /** How traffic reaches the Services. */
  readonly routing: RoutingMode;
  /** TLS termination at the routes. */
  readonly tls?: RouteTlsOptions;
  /** Expose FastAPI's `/docs` and `/openapi.json` through the routes. */
  readonly exposeApiDocs: boolean;
  /** Where data lives. */
  readonly database: DatabaseSettings;
  /** `MODE` of the backend: canned AI answers or the real model server. TODO_AI_MODE replaces it. */
  readonly backendMode: AiMode;
  /** `MODEL_SERVER_URL`, with mode `real`. MODEL_SERVER_URL replaces it. */
  readonly modelServerUrl?: string;
  /** Who may change data through the routes. TODO_WRITE_ACCESS replaces it. */
  readonly writeAccess: WriteAccess;
  /** Whether the pods start before the app Secret exists (local clusters in dummy mode need none). */
  readonly secretOptional: boolean;
  readonly backend: WorkloadSettings & Pick<FastApiBackendProps, 'logLevel'>;
  readonly frontend: WorkloadSettings;
  /** The Secret the user creates (database URL, API keys, auth secret). @default APP_SECRET_NAME */
  readonly secretName?: string;
  /** PodDisruptionBudgets for both workloads. */
  readonly disruptionBudgets: boolean;
  /** Default-deny NetworkPolicies with the app's few allowed paths. */
  readonly networkPolicies: boolean;
  /** ResourceQuota and LimitRange for the namespace. */
  readonly namespaceLimits?: Pick<AppNamespaceProps, 'quota' | 'containerLimits'>;
  /** Refuse `:latest` image tags. */
  readonly pinnedImages: boolean;
  /** The image tag used when IMAGE_TAG is not set. */
  readonly defaultImageTag: string;
  /** The laptop cluster the scripts in `scripts/` create and deploy to; undefined: not a laptop environment (the scripts refuse it). */
  readonly localCluster?: LocalClusterSettings;
}

/** How the scripts in `scripts/` run an environment on a laptop. */
export interface LocalClusterSettings {
  /** The tool that runs the cluster. */
  readonly provider: 'kind' | 'minikube';
  /** The host name a browser and the smoke test use when the routes answer on any host. @default - the environment's host */
  readonly browserHost?: string;
}

/** The name of the Secret the user creates with `kubectl create secret generic todo-secrets ...`. */
export const APP_SECRET_NAME = 'todo-secrets';
/** `app.kubernetes.io/part-of` of every object. */
export const PART_OF = 'todo';

/** What every laptop environment shares: API docs exposed, AI mocked, none of production's safeguards, a local tag. */
const laptopDefaults = {
  exposeApiDocs: true,
  backendMode: 'dummy',
  // A cluster on this machine: whoever reaches it may write.
  writeAccess: 'anonymous',
  disruptionBudgets: false,
  networkPolicies: false,
  pinnedImages: false,
  defaultImageTag: `v${packageVersion}-local`,
} as const;

/** What the kind environments add: SQLite and the mocked AI need no Secret; one pod each. */
const kindDefaults = {
  secretOptional: true,
  backend: { replicas: 1 },
  frontend: { replicas: 1 },
} as const;

/** The environments, by name. `local` is what `npx cdk8s synth` writes with no settings. */
export const ENVIRONMENTS: Record<string, EnvironmentSettings> = {
  'local': {
    ...laptopDefaults,
    ...kindDefaults,
    name: 'local',
    description: 'kind: SQLite on a retained PVC, 1 backend + 1 frontend, nginx Ingress on todo.localhost, AI in mock mode',
    namespace: 'todo-local',
    host: 'todo.localhost',
    routing: RoutingMode.ingress(),
    database: { kind: 'sqlite', storage: { claimName: 'todo-data', retainingStorageClass: { provisioner: 'rancher.io/local-path' } } },
    localCluster: { provider: 'kind' },
  },
  'local-istio': {
    ...laptopDefaults,
    ...kindDefaults,
    name: 'local-istio',
    description: 'kind with Istio: SQLite on a hostPath volume (/tmp/aiq-storage), Istio Gateway + VirtualService, sidecar injection, AI in mock mode',
    namespace: 'todo-local-istio',
    routing: RoutingMode.istio(),
    database: { kind: 'sqlite', storage: { claimName: 'todo-data', hostPath: '/tmp/aiq-storage' } },
    // The Gateway answers on any host; kind maps the host's port 80 to it, and browsers send *.localhost to 127.0.0.1.
    localCluster: { provider: 'kind', browserHost: 'todo.localhost' },
  },
  'minikube': {
    ...laptopDefaults,
    name: 'minikube',
    description: 'minikube: external PostgreSQL through the Secret, 2-4 backend and 2-4 frontend pods (HPA), nginx Ingress on todo.local',
    namespace: 'todo-minikube',
    host: 'todo.local',
    routing: RoutingMode.ingress(),
    database: { kind: 'external' },
    secretOptional: false,
    backend: { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 80 } },
    frontend: { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 80 } },
    localCluster: { provider: 'minikube' },
  },
  'production': {
    name: 'production',
    description: 'any cluster: external database, HPA 2-10 at 80% CPU, PDBs, Gateway API HTTPRoute, default-deny NetworkPolicies, quota and limits, pinned tags',
    namespace: 'todo-production',
    host: 'todo.example.com',
    routing: RoutingMode.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', sectionName: 'https' }),
    exposeApiDocs: false,
    database: { kind: 'external' },
    backendMode: 'real',
    modelServerUrl: 'https://api.openai.com/v1',
    // Internet-facing without user accounts: no writes (and no paid chat) until TODO_WRITE_ACCESS says who may.
    writeAccess: 'read-only',
    secretOptional: false,
    // preStop: the pod keeps serving while the Gateway and the endpoints stop sending it traffic, then drains
    // (the backend's SHUTDOWN_TIMEOUT_SECONDS, 20 s); 5 + 20 stays within the 30 s grace period.
    backend: {
      autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 80 },
      resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } },
      preStopDelaySeconds: 5,
    },
    frontend: {
      autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 80 },
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '512Mi' } },
      preStopDelaySeconds: 5,
    },
    disruptionBudgets: true,
    networkPolicies: true,
    namespaceLimits: {
      quota: { requestsCpu: '6', requestsMemory: '8Gi', limitsCpu: '20', limitsMemory: '20Gi', pods: 30, persistentVolumeClaims: 0 },
      containerLimits: { defaultRequestCpu: '100m', defaultRequestMemory: '128Mi', defaultLimitCpu: '500m', defaultLimitMemory: '512Mi', maxCpu: '2', maxMemory: '2Gi' },
    },
    pinnedImages: true,
    defaultImageTag: `v${packageVersion}`,
  },
};

/** What the environment settings leave to the person running synth. */
export interface TodoChartOptions {
  /** The tag of both images. @default - the environment's defaultImageTag */
  readonly imageTag?: string;
  /** A registry prefix such as `ghcr.io/acme`. @default - none: `todo-backend:<tag>` */
  readonly imageRegistry?: string;
  /** Replaces the environment's host. @default - the environment's host */
  readonly host?: string;
  /** The backend image's parts, over imageRegistry, imageTag and "todo-backend". @default - those */
  readonly backendImage?: ImageParts;
  /** The frontend image's parts, over imageRegistry, imageTag and "todo-frontend". @default - those */
  readonly frontendImage?: ImageParts;
  /** Replaces the environment's AI mode (TODO_AI_MODE). @default - the environment's backendMode */
  readonly aiMode?: AiMode;
  /** Replaces the environment's model server URL (MODEL_SERVER_URL); needs mode `real`. @default - the environment's modelServerUrl */
  readonly modelServerUrl?: string;
  /** Replaces the environment's write access (TODO_WRITE_ACCESS). @default - the environment's writeAccess */
  readonly writeAccess?: WriteAccess;
}

/** An image reference in parts, as Helm charts spell it. */
export interface ImageParts {
  /** A registry prefix such as `ghcr.io/acme`. @default - TodoChartOptions.imageRegistry */
  readonly registry?: string;
  /** The repository. @default - "todo-backend" or "todo-frontend" */
  readonly repository?: string;
  /** The tag. @default - TodoChartOptions.imageTag */
  readonly tag?: string;
}

/** One environment of the todo app: namespace, backend, frontend, storage, routes and policies. */
export class TodoChart extends Chart {
  /** The environment this chart was built for. */
  public readonly settings: EnvironmentSettings;
  public readonly appNamespace: AppNamespace;
  public readonly backend: FastApiBackend;
  public readonly frontend: NextFrontend;
  public readonly routes: IngressRoutes;
  public readonly persistence?: SqlitePersistence;
  public readonly networkPolicies?: AppNetworkPolicies;

  constructor(scope: Construct, settings: EnvironmentSettings, options: TodoChartOptions = {}, props: ChartProps = {}) {
    super(scope, settings.name, { ...props, namespace: settings.namespace, disableResourceNameHashes: true });
    this.settings = settings;
    const imageTag = options.imageTag ?? settings.defaultImageTag;
    checkImageTag(settings, imageTag);
    checkImageRegistry(options.imageRegistry);
    const ai = resolveAiSettings(settings, options);
    const readOnly = resolveWriteAccess(settings, options) === 'read-only';
    const tagOf = (parts: ImageParts = {}) => {
      if (parts.tag !== undefined) checkImageTag(settings, parts.tag);
      return parts.tag ?? imageTag;
    };
    const image = (name: string, parts: ImageParts = {}) => {
      const registry = parts.registry ?? options.imageRegistry;
      return `${registry ? `${registry.replace(/\/+$/, '')}/` : ''}${parts.repository ?? name}:${tagOf(parts)}`;
    };
    const common = { partOf: PART_OF, instance: settings.namespace, version: imageTag };
    const secretName = settings.secretName ?? APP_SECRET_NAME;
    const secretEnv = { name: secretName, optional: settings.secretOptional };

    this.appNamespace = new AppNamespace(this, 'namespace', {
      name: settings.namespace,
      partOf: PART_OF,
      version: imageTag,
      istioInjection: settings.routing.sidecarInjection,
      ...settings.namespaceLimits,
    });
    // Storage first: cdk8s writes objects in construct order, and kubectl applies the StorageClass or
    // PersistentVolume before the claim that names it.
    if (settings.database.kind === 'sqlite') {
      // The backend stores uploaded images under <data>/images.
      this.persistence = new SqlitePersistence(this, 'todo-data', { ...common, version: 'v1', dataSubdirectories: ['images'], ...settings.database.storage });
    }
    this.backend = new FastApiBackend(this, 'todo-backend', {
      ...common,
      ...settings.backend,
      version: tagOf(options.backendImage),
      image: image('todo-backend', options.backendImage),
      config: {
        MODE: ai.mode,
        ...(ai.modelServerUrl !== undefined && { MODEL_SERVER_URL: ai.modelServerUrl }),
        ...(readOnly && { READ_ONLY: 'true' }),
      },
      secretEnv,
      disruptionBudget: settings.disruptionBudgets ? { maxUnavailable: 1 } : undefined,
    });
    this.frontend = new NextFrontend(this, 'todo-frontend', {
      ...common,
      ...settings.frontend,
      version: tagOf(options.frontendImage),
      image: image('todo-frontend', options.frontendImage),
      backend: this.backend,
      // Better Auth runs in Next.js; the frontend gets that one key, not the backend's database or API keys.
      secretKeys: { BETTER_AUTH_SECRET: { secretName, key: 'BETTER_AUTH_SECRET', optional: settings.secretOptional } },
      disruptionBudget: settings.disruptionBudgets ? { maxUnavailable: 1 } : undefined,
    });
    if (this.persistence) this.persistence.attachTo(this.backend);
    this.routes = new IngressRoutes(this, 'todo', {
      ...common,
      version: imageTag,
      mode: settings.routing,
      host: options.host ?? settings.host,
      tls: settings.tls,
    });
    this.addRoutes(settings);
    if (settings.networkPolicies) {
      this.networkPolicies = new AppNetworkPolicies(this, 'network-policies', {
        partOf: PART_OF,
        version: imageTag,
        routes: this.routes,
        workloads: [this.backend, this.frontend],
        connections: [{ from: this.frontend, to: this.backend }],
        externalEgress: [{ from: this.backend, ports: [443, 5432] }],
      });
    }
  }

  private addRoutes(settings: EnvironmentSettings): void {
    this.routes.addRoute('/api', this.backend);
    // A prefix, not an exact path: routers that rank rules by their length (Traefik, k3s's default) rank
    // Path("/health") level with the frontend's PathPrefix("/") and may send /health to the frontend.
    this.routes.addRoute('/health', this.backend);
    if (settings.exposeApiDocs) {
      this.routes.addRoute('/docs', this.backend);
      this.routes.addRoute('/openapi.json', this.backend, { match: PathMatch.EXACT });
    }
    this.routes.addRoute('/', this.frontend);
  }
}

function checkImageTag(settings: EnvironmentSettings, imageTag: string): void {
  if (!IMAGE_TAG.test(imageTag)) {
    throw new Error(`Environment '${settings.name}': imageTag must be a Docker tag (letters, digits, "_", "." and "-", at most 128); got "${imageTag}". `
      + 'Set IMAGE_TAG to e.g. v0.1.0-abc1234.');
  }
  if (settings.pinnedImages && imageTag === 'latest') {
    throw new Error(`Environment '${settings.name}': imageTag must be a pinned release (":latest" changes under running pods and IfNotPresent never refreshes it); `
      + `got "latest". Set IMAGE_TAG to a release tag such as v${packageVersion}.`);
  }
}

/** The backend's AI mode and model server: the synth settings over the environment's. */
function resolveAiSettings(settings: EnvironmentSettings, options: TodoChartOptions): { mode: AiMode; modelServerUrl?: string } {
  const where = `Environment '${settings.name}'`;
  const mode = options.aiMode ?? settings.backendMode;
  if (mode !== 'dummy' && mode !== 'real') {
    throw new Error(`${where}: TODO_AI_MODE must be "mock" (canned answers) or "real" (calls MODEL_SERVER_URL); got "${mode}". Leave it unset for mock.`);
  }
  if (mode === 'dummy') {
    if (options.modelServerUrl !== undefined) {
      throw new Error(`${where}: MODEL_SERVER_URL is only used with TODO_AI_MODE=real; got "${options.modelServerUrl}" in mock mode. `
        + 'Set TODO_AI_MODE=real as well, or unset MODEL_SERVER_URL.');
    }
    // An environment may name its model server while it runs mocked: the URL is written, the app ignores it.
    return { mode, modelServerUrl: settings.modelServerUrl };
  }
  const modelServerUrl = options.modelServerUrl ?? settings.modelServerUrl;
  if (modelServerUrl === undefined || !/^https?:\/\/[^\s/@]+(\/\S*)?$/.test(modelServerUrl)) {
    throw new Error(`${where}: TODO_AI_MODE=real needs MODEL_SERVER_URL, an http(s) URL without credentials; got ${modelServerUrl === undefined ? 'none' : `"${modelServerUrl}"`}. `
      + 'Set MODEL_SERVER_URL=http://model.<namespace>.svc.cluster.local:8080/v1 (or your provider\'s endpoint); API keys go in the todo-secrets Secret.');
  }
  return { mode, modelServerUrl };
}

/** Who may write: the synth setting over the environment's. */
function resolveWriteAccess(settings: EnvironmentSettings, options: TodoChartOptions): WriteAccess {
  const access = options.writeAccess ?? settings.writeAccess;
  if (!WRITE_ACCESS.includes(access)) {
    throw new Error(`Environment '${settings.name}': TODO_WRITE_ACCESS must be one of ${WRITE_ACCESS.join(', ')}; got "${access}". `
      + 'The app has no user accounts: use "authenticated" once a sign-in proxy is in front of the routes (docs/container-contract.md, '
      + '"Authentication"), "anonymous" to let anyone write on purpose, or leave it unset.');
  }
  return access;
}

function checkImageRegistry(registry: string | undefined): void {
  if (registry === undefined) return;
  const problem = registryPrefixProblem(registry.replace(/\/+$/, ''));
  if (problem) {
    throw new Error(`IMAGE_REGISTRY must be a registry prefix such as "ghcr.io/acme" or "localhost:5001": ${problem}; got "${registry}". `
      + 'Write the registry host (and optional lowercase path) without a scheme, tag or spaces.');
  }
}

/** What selects and parameterizes the environments; read from the process environment by {@link optionsFromEnv}. */
export interface BuildOptions extends TodoChartOptions {
  /** Environment names, or `["all"]`. @default ["local"] */
  readonly environments?: string[];
  /** Where `synth()` writes. @default - CDK8S_OUTDIR (set by `cdk8s synth --output`), else "dist" */
  readonly outdir?: string;
}

/** Builds the app with one chart per selected environment. Has no side effects until `synth()` is called. */
export function buildApp(options: BuildOptions = {}): App {
  const app = new App({ outdir: options.outdir });
  for (const settings of selectEnvironments(options.environments ?? ['local'])) {
    new TodoChart(app, settings, options);
  }
  return app;
}

/** The settings of the named environments; `all` selects every one. Throws on an unknown name. */
export function selectEnvironments(names: string[]): EnvironmentSettings[] {
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) {
    throw new Error(`TODO_ENV: "${repeated[0]}" is listed twice in "${names.join(',')}"; each environment writes one chart and one file. List each once.`);
  }
  if (names.includes('all')) {
    if (names.length > 1) throw new Error(`TODO_ENV: "all" already selects every environment; got "${names.join(',')}". Use "all" alone or list the environments.`);
    return Object.values(ENVIRONMENTS);
  }
  return names.map((name) => {
    const settings = ENVIRONMENTS[name];
    if (!settings) {
      throw new Error(`TODO_ENV: unknown environment "${name}". Use one of ${Object.keys(ENVIRONMENTS).join(', ')}, a comma-separated list, or "all".`);
    }
    return settings;
  });
}

/**
 * Reads TODO_ENV, IMAGE_TAG, IMAGE_REGISTRY, TODO_HOST, TODO_AI_MODE (`mock`, the default, or `real`),
 * MODEL_SERVER_URL (with `real`; e.g. the minikube environment calling a model server in the cluster) and
 * TODO_WRITE_ACCESS (`anonymous`, `authenticated` or `read-only`; see {@link WriteAccess}).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): BuildOptions {
  const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const aiMode = nonEmpty(env.TODO_AI_MODE)?.toLowerCase();
  return {
    aiMode: aiMode === undefined ? undefined : (aiMode === 'mock' ? 'dummy' : aiMode) as AiMode,
    modelServerUrl: nonEmpty(env.MODEL_SERVER_URL),
    writeAccess: nonEmpty(env.TODO_WRITE_ACCESS)?.toLowerCase() as WriteAccess | undefined,
    environments: nonEmpty(env.TODO_ENV)?.split(',').map((name) => name.trim()).filter((name) => name !== ''),
    imageTag: nonEmpty(env.IMAGE_TAG),
    imageRegistry: nonEmpty(env.IMAGE_REGISTRY),
    host: nonEmpty(env.TODO_HOST),
  };
}

/** How an environment's output is validated: derived from its settings, never configured a second time. */
export function validationOptions(settings: EnvironmentSettings): ValidationOptions {
  return {
    allowLatestImages: !settings.pinnedImages,
    externalNamespaces: settings.routing.sourceNamespace ? [settings.routing.sourceNamespace] : [],
  };
}

/** The outcome of {@link synthValidated}. */
export interface SynthResult {
  /** Every violation of every chart, warnings included; `file` names the manifest the chart writes. */
  readonly violations: Violation[];
  /** Whether the manifests were written (only when no violation is an error). */
  readonly written: boolean;
}

/**
 * Validates every chart in memory (schema, Pod Security "restricted", hygiene) and writes the
 * manifests only when no violation is an error, so a rejected manifest never reaches the output
 * directory (which `cdk8s synth` empties before it runs the app).
 */
export function synthValidated(app: App): SynthResult {
  // Construct validations first: they throw with the construct path before anything is rendered.
  validateConstructs(app);
  const charts = app.charts.filter((chart): chart is TodoChart => chart instanceof TodoChart);
  const violations = charts.flatMap((chart) => validateManifests(chart.toJson(), validationOptions(chart.settings))
    .map((violation) => ({ ...violation, file: `${chart.node.id}.k8s.yaml` })));
  if (hasErrors(violations)) return { violations, written: false };
  app.synth();
  return { violations, written: true };
}

// ---------------------------------------------------------------------------------------------------------------
// The Helm chart (npm run helm writes helm/todo/): the todo app's values, how they become EnvironmentSettings, and
// how each environment's settings become its values-<env>.yaml. The mechanism is generic (lib/helm).

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
    preStop: {
      enabled: HelmValue.boolean({ default: false, description: `A preStop hook: the ${name} keeps serving while the routes stop sending it traffic, then gets SIGTERM` }),
      delaySeconds: HelmValue.integer({ default: 5, minimum: 1, maximum: 25, description: 'How long the preStop hook waits (within the 30 s grace period)' }),
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
        READ_ONLY: HelmValue.boolean({ default: false, description: 'Refuse every write and chat (403): the app has no user accounts, so set it unless a sign-in proxy is in front' }),
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
  readonly backend: TodoHelmWorkloadValues & {
    readonly config: { readonly LOG_LEVEL: string; readonly MODE: string; readonly MODEL_SERVER_URL: string; readonly READ_ONLY: boolean };
  };
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
  readonly preStop: { readonly enabled: boolean; readonly delaySeconds: number };
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
    preStopDelaySeconds: values.preStop.enabled ? values.preStop.delaySeconds : undefined,
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
    writeAccess: values.backend.config.READ_ONLY ? 'read-only' : 'anonymous',
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
      preStop: container.lifecycle?.preStop
        ? { enabled: true, delaySeconds: Number(container.lifecycle.preStop.exec.command[1]) }
        : base.preStop,
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
    backend: { ...workload(chart.backend, settings.backend, defaults.backend), config: { LOG_LEVEL: config.LOG_LEVEL, MODE: config.MODE, MODEL_SERVER_URL: config.MODEL_SERVER_URL ?? '', READ_ONLY: config.READ_ONLY === 'true' } },
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

/** The todo app's Helm chart: values.yaml holds the `local` (kind) environment, values-<env>.yaml the others. */
export function todoHelmChart(): HelmChartGenerator<TodoHelmValues> {
  const values = todoHelmValues();
  return new HelmChartGenerator<TodoHelmValues>({
    name: PART_OF,
    version: packageVersion,
    appVersion: packageVersion,
    description: 'The todo app: a FastAPI backend and a Next.js frontend with SQLite or an external database, routed by an Ingress, Istio or the Gateway API',
    keywords: ['cdk8s', 'fastapi', 'nextjs', 'todo'],
    values,
    build: (app, chartValues, release) => todoChartFromHelmValues(app, chartValues, release.namespace),
    valuesFiles: Object.fromEntries(Object.values(ENVIRONMENTS).filter((settings) => settings.name !== 'local')
      .map((settings) => [settings.name, helmValuesOf(settings, helmDefaults(values))])),
    schemaRules: [
      // SQLite allows one writer: one backend pod, no autoscaler.
      {
        if: { properties: { persistence: { properties: { enabled: { const: true } } } } },
        then: { properties: { backend: { properties: { replicaCount: { const: 1 }, autoscaling: { properties: { enabled: { const: false } } } } } } },
      },
      // MODE real calls the model server.
      {
        if: { properties: { backend: { properties: { config: { properties: { MODE: { const: 'real' satisfies AiMode } } } } } } },
        then: { properties: { backend: { properties: { config: { properties: { MODEL_SERVER_URL: { minLength: 1 } } } } } } },
      },
    ],
    templateChecks: ['backend', 'frontend'].map((name) => ({
      condition: `and .Values.${name}.autoscaling.enabled (gt (.Values.${name}.autoscaling.minReplicas | int) (.Values.${name}.autoscaling.maxReplicas | int))`,
      message: `todo: ${name}.autoscaling.minReplicas must not exceed ${name}.autoscaling.maxReplicas. Lower minReplicas or raise maxReplicas.`,
    })),
    notes: TODO_HELM_NOTES,
  });
}

/** The defaults of a values tree as plain values (what values.yaml holds). */
function helmDefaults(tree: HelmValueTree): TodoHelmValues {
  const walk = (node: HelmValueTree): Record<string, unknown> =>
    Object.fromEntries(Object.entries(node).map(([key, child]) => [key, child instanceof HelmValue ? child._default : walk(child)]));
  return walk(tree) as unknown as TodoHelmValues;
}

const TODO_HELM_NOTES = `The todo app is installed in namespace {{ .Release.Namespace }} (release {{ .Release.Name }}).

1. The Secret. The pods read {{ .Values.existingSecret }}{{ if .Values.secretOptional }} (optional: mock mode starts without it){{ end }}:
     kubectl -n {{ .Release.Namespace }} create secret generic {{ .Values.existingSecret }} \\
       --from-literal=BETTER_AUTH_SECRET="$(openssl rand -hex 32)"{{ if not .Values.persistence.enabled }} \\
       --from-literal=DATABASE_URL='postgresql://user:password@host/db?sslmode=require'{{ end }}{{ if eq .Values.backend.config.MODE "real" }} \\
       --from-literal=OPENAI_API_KEY=...{{ end }}

2. Pod Security. The chart never owns the namespace; label it to enforce the restricted profile:
     kubectl label namespace {{ .Release.Namespace }} pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=${DEFAULT_POD_SECURITY_VERSION} --overwrite
{{- if eq .Values.routing.kind "istio" }}
     kubectl label namespace {{ .Release.Namespace }} istio-injection=enabled --overwrite
{{- end }}

3. Reach the app.
{{- $scheme := ternary "https" "http" .Values.ingress.tls }}
{{- $host := default "<any host>" .Values.ingress.hostname }}
{{- if eq .Values.routing.kind "ingress" }}
   Ingress (class {{ .Values.ingress.className }}) on {{ $scheme }}://{{ $host }}/
   kind: add "127.0.0.1 {{ $host }}" to /etc/hosts; minikube: "$(minikube ip) {{ $host }}" (minikube addons enable ingress).
{{- else if eq .Values.routing.kind "istio" }}
   Istio Gateway {{ "todo-gateway" }} on {{ $scheme }}://{{ $host }}/ :
     kubectl -n istio-system port-forward svc/istio-ingressgateway 8080:80   then http://localhost:8080/
{{- else }}
   HTTPRoute attached to Gateway {{ .Values.gatewayApi.parentRef.namespace | default .Release.Namespace }}/{{ .Values.gatewayApi.parentRef.name }}{{ with .Values.gatewayApi.parentRef.sectionName }} (listener {{ . }}){{ end }} on https://{{ $host }}/
{{- end }}
   Without routing: kubectl -n {{ .Release.Namespace }} port-forward svc/todo-frontend 3000:{{ .Values.frontend.service.port }}   then http://localhost:3000/
{{- if .Values.persistence.enabled }}

The SQLite claim {{ .Values.persistence.claimName }} is kept by helm uninstall (helm.sh/resource-policy: keep); a later install adopts it.
{{- end }}
`;

/**
 * What the scripts in `scripts/` need to know about environments, one setting a line:
 * `<environment> <key> <value>`, the value being the rest of the line (possibly empty, never a newline).
 * Keys: `provider` (kind or minikube; empty: not a laptop environment), `namespace`, `host` (where a browser
 * reaches the app), `part_of` and `instance` (the labels every object carries), `secret` and `secret_optional`,
 * `database` (sqlite or external), `claim` and `host_path` (SQLite's claim and hostPath, else empty),
 * `istio` (true when the routes need Istio). Printed by `node build/main.js --print-env [ENV...]`.
 */
export function environmentLines(environments: EnvironmentSettings[]): string {
  return environments.flatMap((settings) => {
    const storage = settings.database.kind === 'sqlite' ? settings.database.storage : undefined;
    if (storage && !storage.claimName) throw new Error(`Environment '${settings.name}': the scripts need database.storage.claimName`);
    const values: Record<string, string | boolean> = {
      provider: settings.localCluster?.provider ?? '',
      namespace: settings.namespace,
      host: settings.host ?? settings.localCluster?.browserHost ?? '',
      part_of: PART_OF,
      instance: settings.namespace,
      secret: settings.secretName ?? APP_SECRET_NAME,
      secret_optional: settings.secretOptional,
      database: settings.database.kind,
      claim: storage?.claimName ?? '',
      host_path: storage?.hostPath ?? '',
      istio: settings.routing.sidecarInjection,
    };
    return Object.entries(values).map(([key, value]) => {
      const line = `${settings.name} ${key} ${value}`;
      if (/[\r\n]/.test(line)) throw new Error(`Environment '${settings.name}': ${key} must fit on one line; got ${JSON.stringify(value)}`);
      return `${line}\n`;
    });
  }).join('');
}

/**
 * Every construct's own checks (`node.addValidation`), with cdk8s's message format, without rendering any YAML
 * (`app.synthYaml()` would also serialize every object, which costs more than the checks themselves).
 */
function validateConstructs(app: App): void {
  const errors = app.node.findAll().flatMap((construct) => construct.node.validate().map((message) => `[${construct.node.path}] ${message}`));
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
}

if (require.main === module) {
  if (process.argv[2] === '--print-env') {
    const names = process.argv.slice(3);
    try {
      process.stdout.write(environmentLines(selectEnvironments(names.length > 0 ? names : ['all'])));
    } catch (error) {
      console.error((error as Error).message);
      process.exitCode = 2;
    }
  } else {
    const { violations, written } = synthValidated(buildApp(optionsFromEnv(process.env)));
    if (violations.length > 0) console.error(formatReport(violations));
    if (!written) {
      console.error(`Validation failed (${summarize(violations)}): nothing was written. Fix the objects above and synthesize again.`);
      process.exitCode = 2;
    }
  }
}
