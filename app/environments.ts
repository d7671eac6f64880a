/**
 * The todo app's environments: each is a set of values over the chart's defaults (values-schema.ts), exactly
 * what helm/todo/values-<name>.yaml holds, plus where it runs. `npx cdk8s synth` writes each as the Helm release
 * named like its namespace (`app.kubernetes.io/instance: todo-local`, unique per environment even on one cluster),
 * with `fullnameOverride: todo` so its objects are `todo-backend`, `todo-frontend`, `todo-data`, ...
 */
import { version as packageVersion } from '../package.json';
import { mergeValues } from './values';
import { TodoValuesPatch } from './values-schema';

/** How the scripts in `scripts/` run an environment on a laptop. */
export interface LocalClusterSettings {
  /** The tool that runs the cluster. */
  readonly provider: 'kind' | 'minikube';
  /** The host name a browser and the smoke test use when the routes answer on any host. @default - the environment's host */
  readonly browserHost?: string;
}

/** One environment: its values and where it runs. */
export interface Environment {
  /** The chart id and the output file name (`dist/<name>.k8s.yaml`, `values-<name>.yaml`). */
  readonly name: string;
  /** What it is for, shown in the docs. */
  readonly description: string;
  /** The namespace every object goes into, and the release's name (`app.kubernetes.io/instance`). */
  readonly namespace: string;
  /** What differs from the chart's defaults: the environment's values file, as written. */
  readonly values: TodoValuesPatch;
  /** The laptop cluster the scripts in `scripts/` create and deploy to; undefined: not a laptop environment (the scripts refuse it). */
  readonly localCluster?: LocalClusterSettings;
}

/** The tag of images built on a laptop (scripts/build-images.sh). */
export const LOCAL_TAG = `v${packageVersion}-local`;

/** What every environment shares: its objects are named todo-backend, todo-frontend, todo-data, ... */
const NAMES: TodoValuesPatch = { fullnameOverride: 'todo' };

/** What every laptop environment shares: API docs exposed, AI mocked (the default), a local image tag. */
const LAPTOP = mergeValues<TodoValuesPatch>(NAMES, {
  ingress: { exposeApiDocs: true },
  backend: { image: { tag: LOCAL_TAG } },
  frontend: { image: { tag: LOCAL_TAG } },
});

/** What the kind environments add: SQLite (the default) and the mocked AI need no Secret. */
const KIND = mergeValues<TodoValuesPatch>(LAPTOP, { secretOptional: true });

const scaled = (minReplicas: number, maxReplicas: number) =>
  ({ autoscaling: { enabled: true, minReplicas, maxReplicas, targetCPUUtilizationPercentage: 80 }, topologySpread: { enabled: true } });

/** The environments, by name. `local` is what `npx cdk8s synth` writes with no settings. */
export const ENVIRONMENTS: Record<string, Environment> = {
  'local': {
    name: 'local',
    description: 'kind: SQLite on a retained PVC, 1 backend + 1 frontend, nginx Ingress on todo.localhost, AI in mock mode',
    namespace: 'todo-local',
    values: mergeValues(KIND, {
      ingress: { hostname: 'todo.localhost' },
      persistence: { retainingProvisioner: 'rancher.io/local-path' },
    }),
    localCluster: { provider: 'kind' },
  },
  'local-istio': {
    name: 'local-istio',
    description: 'kind with Istio: SQLite on a hostPath volume (/tmp/aiq-storage), Istio Gateway + VirtualService, sidecar injection, AI in mock mode',
    namespace: 'todo-local-istio',
    values: mergeValues(KIND, {
      routing: { kind: 'istio' },
      persistence: { hostPath: '/tmp/aiq-storage' },
    }),
    // The Gateway answers on any host; kind maps the host's port 80 to it, and browsers send *.localhost to 127.0.0.1.
    localCluster: { provider: 'kind', browserHost: 'todo.localhost' },
  },
  'minikube': {
    name: 'minikube',
    description: 'minikube: external PostgreSQL through the Secret, 2-4 backend and 2-4 frontend pods (HPA), nginx Ingress on todo.local',
    namespace: 'todo-minikube',
    values: mergeValues(LAPTOP, {
      ingress: { hostname: 'todo.local' },
      persistence: { enabled: false },
      backend: scaled(2, 4),
      frontend: scaled(2, 4),
    }),
    localCluster: { provider: 'minikube' },
  },
  'production': {
    name: 'production',
    description: 'any cluster: external database, HPA 2-10 at 80% CPU, PDBs, Gateway API HTTPRoute, default-deny NetworkPolicies, quota and limits, pinned tags, 5 s preStop, read-only until writeAccess says who may write',
    namespace: 'todo-production',
    values: mergeValues<TodoValuesPatch>(NAMES, {
      pinnedImages: true,
      // Internet-facing without user accounts: no writes (and no paid chat) until TODO_WRITE_ACCESS says who may.
      writeAccess: 'read-only',
      routing: { kind: 'gatewayApi' },
      ingress: { hostname: 'todo.example.com' },
      persistence: { enabled: false },
      backend: {
        ...scaled(2, 10),
        pdb: { create: true },
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
        config: { MODE: 'real', MODEL_SERVER_URL: 'https://api.openai.com/v1' },
        // The pod keeps serving while the Gateway and the endpoints stop sending it traffic, then drains
        // (the backend's SHUTDOWN_TIMEOUT_SECONDS, 20 s): 5 + 20 fit in the 30 s grace period.
        preStop: { enabled: true, delaySeconds: 5 },
      },
      frontend: {
        ...scaled(2, 10),
        pdb: { create: true },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        preStop: { enabled: true, delaySeconds: 5 },
      },
      networkPolicy: { enabled: true },
      namespaceLimits: { enabled: true, quota: { persistentVolumeClaims: 0 } },
    }),
  },
};
