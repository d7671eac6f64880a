/** The todo app's environments: everything that differs between them, in one table. */
import { AppNamespaceProps, AutoscalingOptions, FastApiBackendProps, RoutingMode, RouteTlsOptions, SqlitePersistenceProps, WebWorkloadProps } from '../lib';
import { version as packageVersion } from '../package.json';

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

/** Per-workload choices, spread into the construct's props. */
export type WorkloadSettings = ScalingSettings & Pick<WebWorkloadProps, 'resources' | 'imagePullPolicy' | 'serviceType' | 'servicePort' | 'topologySpreadConstraints'>;

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
