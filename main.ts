import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppNamespace, AppNamespaceProps, AppNetworkPolicies, AutoscalingOptions, FastApiBackend, IngressRoutes,
  NextFrontend, PathMatch, RouteTlsOptions, RoutingMode, SqlitePersistenceProps, SqlitePersistence, WorkloadResources,
} from './lib';
import { registryPrefixProblem } from './lib/image-reference';
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

/** How one workload scales. */
export type ScalingSettings = { readonly replicas: number } | { readonly autoscaling: AutoscalingOptions };

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
  /** Whether the pods start before the app Secret exists (local clusters in dummy mode need none). */
  readonly secretOptional: boolean;
  readonly backend: ScalingSettings & { readonly resources?: WorkloadResources };
  readonly frontend: ScalingSettings & { readonly resources?: WorkloadResources };
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
}

/** The name of the Secret the user creates with `kubectl create secret generic todo-secrets ...`. */
export const APP_SECRET_NAME = 'todo-secrets';
/** `app.kubernetes.io/part-of` of every object. */
export const PART_OF = 'todo';

const localTag = `v${packageVersion}-local`;

/** The environments, by name. `local` is what `npx cdk8s synth` writes with no settings. */
export const ENVIRONMENTS: Record<string, EnvironmentSettings> = {
  'local': {
    name: 'local',
    description: 'kind: SQLite on a retained PVC, 1 backend + 1 frontend, nginx Ingress on todo.localhost, AI in mock mode',
    namespace: 'todo-local',
    host: 'todo.localhost',
    routing: RoutingMode.ingress(),
    exposeApiDocs: true,
    database: { kind: 'sqlite', storage: { claimName: 'todo-data', retainingStorageClass: { provisioner: 'rancher.io/local-path' } } },
    backendMode: 'dummy',
    secretOptional: true,
    backend: { replicas: 1 },
    frontend: { replicas: 1 },
    disruptionBudgets: false,
    networkPolicies: false,
    pinnedImages: false,
    defaultImageTag: localTag,
  },
  'local-istio': {
    name: 'local-istio',
    description: 'kind with Istio: SQLite on a hostPath volume (/tmp/aiq-storage), Istio Gateway + VirtualService, sidecar injection, AI in mock mode',
    namespace: 'todo-local-istio',
    routing: RoutingMode.istio(),
    exposeApiDocs: true,
    database: { kind: 'sqlite', storage: { claimName: 'todo-data', hostPath: '/tmp/aiq-storage' } },
    backendMode: 'dummy',
    secretOptional: true,
    backend: { replicas: 1 },
    frontend: { replicas: 1 },
    disruptionBudgets: false,
    networkPolicies: false,
    pinnedImages: false,
    defaultImageTag: localTag,
  },
  'minikube': {
    name: 'minikube',
    description: 'minikube: external PostgreSQL through the Secret, 2-4 backend and 2-4 frontend pods (HPA), nginx Ingress on todo.local',
    namespace: 'todo-minikube',
    host: 'todo.local',
    routing: RoutingMode.ingress(),
    exposeApiDocs: true,
    database: { kind: 'external' },
    backendMode: 'dummy',
    secretOptional: false,
    backend: { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 80 } },
    frontend: { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 80 } },
    disruptionBudgets: false,
    networkPolicies: false,
    pinnedImages: false,
    defaultImageTag: localTag,
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
    secretOptional: false,
    backend: {
      autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 80 },
      resources: { cpu: { request: '250m', limit: '1' }, memory: { request: '256Mi', limit: '1Gi' } },
    },
    frontend: {
      autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 80 },
      resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '512Mi' } },
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
  /** Replaces the environment's AI mode (TODO_AI_MODE). @default - the environment's backendMode */
  readonly aiMode?: AiMode;
  /** Replaces the environment's model server URL (MODEL_SERVER_URL); needs mode `real`. @default - the environment's modelServerUrl */
  readonly modelServerUrl?: string;
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
    const image = (name: string) => `${options.imageRegistry ? `${options.imageRegistry.replace(/\/+$/, '')}/` : ''}${name}:${imageTag}`;
    const common = { partOf: PART_OF, instance: settings.namespace, version: imageTag };
    const secretEnv = { name: APP_SECRET_NAME, optional: settings.secretOptional };

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
      image: image('todo-backend'),
      config: ai.modelServerUrl === undefined ? { MODE: ai.mode } : { MODE: ai.mode, MODEL_SERVER_URL: ai.modelServerUrl },
      secretEnv,
      disruptionBudget: settings.disruptionBudgets ? { maxUnavailable: 1 } : undefined,
    });
    this.frontend = new NextFrontend(this, 'todo-frontend', {
      ...common,
      ...settings.frontend,
      image: image('todo-frontend'),
      backend: this.backend,
      // Better Auth runs in Next.js; the frontend gets that one key, not the backend's database or API keys.
      secretKeys: { BETTER_AUTH_SECRET: { secretName: APP_SECRET_NAME, key: 'BETTER_AUTH_SECRET', optional: settings.secretOptional } },
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
    this.routes.addRoute('/health', this.backend, { match: PathMatch.EXACT });
    if (settings.exposeApiDocs) {
      this.routes.addRoute('/docs', this.backend);
      this.routes.addRoute('/openapi.json', this.backend, { match: PathMatch.EXACT });
    }
    this.routes.addRoute('/', this.frontend);
  }
}

function checkImageTag(settings: EnvironmentSettings, imageTag: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(imageTag)) {
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
    return { mode };
  }
  const modelServerUrl = options.modelServerUrl ?? settings.modelServerUrl;
  if (modelServerUrl === undefined || !/^https?:\/\/[^\s/@]+(\/\S*)?$/.test(modelServerUrl)) {
    throw new Error(`${where}: TODO_AI_MODE=real needs MODEL_SERVER_URL, an http(s) URL without credentials; got ${modelServerUrl === undefined ? 'none' : `"${modelServerUrl}"`}. `
      + 'Set MODEL_SERVER_URL=http://model.<namespace>.svc.cluster.local:8080/v1 (or your provider\'s endpoint); API keys go in the todo-secrets Secret.');
  }
  return { mode, modelServerUrl };
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
 * Reads TODO_ENV, IMAGE_TAG, IMAGE_REGISTRY, TODO_HOST, TODO_AI_MODE (`mock`, the default, or `real`) and
 * MODEL_SERVER_URL (with `real`; e.g. the minikube environment calling a model server in the cluster).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): BuildOptions {
  const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const aiMode = nonEmpty(env.TODO_AI_MODE)?.toLowerCase();
  return {
    aiMode: aiMode === undefined ? undefined : (aiMode === 'mock' ? 'dummy' : aiMode) as AiMode,
    modelServerUrl: nonEmpty(env.MODEL_SERVER_URL),
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
  app.synthYaml();
  const charts = app.charts.filter((chart): chart is TodoChart => chart instanceof TodoChart);
  const violations = charts.flatMap((chart) => validateManifests(chart.toJson(), validationOptions(chart.settings))
    .map((violation) => ({ ...violation, file: `${chart.node.id}.k8s.yaml` })));
  if (hasErrors(violations)) return { violations, written: false };
  app.synth();
  return { violations, written: true };
}

if (require.main === module) {
  const { violations, written } = synthValidated(buildApp(optionsFromEnv(process.env)));
  if (violations.length > 0) console.error(formatReport(violations));
  if (!written) {
    console.error(`Validation failed (${summarize(violations)}): nothing was written. Fix the objects above and synthesize again.`);
    process.exitCode = 2;
  }
}
