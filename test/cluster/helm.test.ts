/**
 * The Helm lifecycle of the committed chart (helm/todo) on a real API server with the real helm v3.16: install
 * with a values file into a namespace that exists, upgrade and rollback (a new tag, a config value, the routing
 * kind), autoscaling turned on without dropping to one pod, two releases in one namespace, a namespace admin
 * installing the defaults, the chart as a dependency of an umbrella chart with global values, and uninstall
 * keeping the data and leaving nothing cluster-scoped behind.
 *
 * `helm test` needs the pod to finish; kwok runs no container, so it is checked on the real node (test/node).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APP_SECRET_NAME, ENVIRONMENTS, LOCAL_TAG, RELEASE_TAG } from '../../app';
import { version } from '../../package.json';
import { k8sTools } from '../k8s-tools';
import { ControlPlane, REPO_ROOT, replicaSets, Result } from './control-plane';

const CHART = path.join(REPO_ROOT, 'helm', 'todo');
const helmBinary = k8sTools().helm;
let cluster: ControlPlane;

function helm(namespace: string, args: string[], kubeconfig = cluster.kubeconfig): Result {
  return cluster.run(helmBinary, [...args, '--namespace', namespace, '--kubeconfig', kubeconfig]);
}

function helmOk(namespace: string, args: string[], kubeconfig = cluster.kubeconfig): string {
  const result = helm(namespace, args, kubeconfig);
  if (result.status !== 0) throw new Error(`helm ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The images of the running (not terminating) pods of a workload, one entry per distinct image. */
function images(namespace: string, name: string): string[] {
  const pods = cluster.getJson(['pods', '-n', namespace, '-l', `app.kubernetes.io/name=${name}`]).items;
  return [...new Set<string>(pods.filter((pod: any) => !pod.metadata.deletionTimestamp).map((pod: any) => pod.spec.containers[0].image))];
}

function exists(args: string[]): boolean {
  return cluster.kubectl(['get', ...args, '-o', 'name']).status === 0;
}

/** The documented first steps: the namespace with its Pod Security labels, then the Secret. */
function prepareNamespace(namespace: string): void {
  cluster.kubectlOk(['create', 'namespace', namespace]);
  cluster.kubectlOk(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
  cluster.kubectlOk(['-n', namespace, 'create', 'secret', 'generic', APP_SECRET_NAME, '--from-literal=BETTER_AUTH_SECRET=test-only',
    '--from-literal=DATABASE_URL=postgresql://todo:test-only@db.example/todo']);
}

const WAIT = ['--wait', '--timeout', '3m'];

beforeAll(() => {
  cluster = ControlPlane.start();
}, 1_800_000);

afterAll(() => cluster?.stop());

describe('minikube values: install, upgrade, rollback, uninstall', () => {
  const namespace = ENVIRONMENTS.minikube.namespace;
  const values = path.join(CHART, 'values-minikube.yaml');

  beforeAll(() => prepareNamespace(namespace));

  test('helm install into the existing namespace succeeds, the app becomes ready, and NOTES find the Secret', () => {
    const notes = helmOk(namespace, ['install', namespace, CHART, '-f', values, ...WAIT]);
    expect(notes).toContain(`The Secret ${APP_SECRET_NAME}.\n   Present.`);
    expect(images(namespace, 'todo-backend')).toEqual([`todo-backend:${LOCAL_TAG}`]);
    expect(cluster.getJson(['hpa', 'todo-backend', '-n', namespace]).spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
  });

  test('helm upgrade --set backend.image.tag rolls the backend pods to the new tag', async () => {
    const before = replicaSets(cluster, namespace, 'todo-backend');
    helmOk(namespace, ['upgrade', namespace, CHART, '-f', values, '--set', 'backend.image.tag=v2.0.0-test', ...WAIT]);
    expect(replicaSets(cluster, namespace, 'todo-backend').filter((name) => !before.includes(name))).toHaveLength(1);
    expect(await cluster.waitFor('the old pods to go', () => {
      const current = images(namespace, 'todo-backend');
      return current.length === 1 ? current : undefined;
    })).toEqual(['todo-backend:v2.0.0-test']);
  });

  test('helm upgrade --set backend.config.LOG_LEVEL=debug rolls the pods (Helm computes the config checksum)', () => {
    const before = replicaSets(cluster, namespace, 'todo-backend');
    helmOk(namespace, ['upgrade', namespace, CHART, '-f', values, '--reuse-values', '--set', 'backend.config.LOG_LEVEL=debug', ...WAIT]);
    expect(cluster.getJson(['configmap', 'todo-backend-config', '-n', namespace]).data.LOG_LEVEL).toBe('debug');
    expect(replicaSets(cluster, namespace, 'todo-backend').filter((name) => !before.includes(name))).toHaveLength(1);
  });

  test('NOTES say who may write; helm upgrade --set writeAccess=read-only makes the backend refuse writes and says how to allow them', () => {
    const before = replicaSets(cluster, namespace, 'todo-backend');
    const notes = helmOk(namespace, ['upgrade', namespace, CHART, '-f', values, '--reuse-values', '--set', 'writeAccess=read-only', ...WAIT]);
    expect(notes).toContain('4. Who may write (writeAccess read-only): the app has no user accounts.\n   The backend answers every write and chat with 403.');
    expect(notes).toContain('--set writeAccess=authenticated');
    expect(cluster.getJson(['configmap', 'todo-backend-config', '-n', namespace]).data.READ_ONLY).toBe('true');
    expect(replicaSets(cluster, namespace, 'todo-backend').filter((name) => !before.includes(name))).toHaveLength(1);
    const status = helmOk(namespace, ['status', namespace, '--revision', '1']);
    expect(status).toContain('4. Who may write (writeAccess anonymous): the app has no user accounts.\n   Anyone who reaches the routes may add');
  });

  test('helm rollback to the first revision brings the previous tag back', async () => {
    helmOk(namespace, ['rollback', namespace, '1', ...WAIT]);
    cluster.kubectlOk(['-n', namespace, 'rollout', 'status', 'deployment/todo-backend', '--timeout=120s']);
    expect(await cluster.waitFor('the old pods to go', () => {
      const current = images(namespace, 'todo-backend');
      return current.length === 1 ? current : undefined;
    })).toEqual([`todo-backend:${LOCAL_TAG}`]);
  });

  test('helm uninstall removes the app but keeps the namespace and the Secret', () => {
    helmOk(namespace, ['uninstall', namespace, ...WAIT]);
    expect(exists(['deployment', 'todo-backend', '-n', namespace])).toBe(false);
    expect(exists(['namespace', namespace])).toBe(true);
    expect(exists(['secret', APP_SECRET_NAME, '-n', namespace])).toBe(true);
  });
});

describe('upgrade and rollback across routing kinds', () => {
  const namespace = 'routing';
  const release = 'web';
  const base = ['--set', 'persistence.enabled=false', '--set', 'ingress.hostname=todo.example.com'];
  const routing = () => ({
    ingress: exists(['ingress', 'web-todo', '-n', namespace]),
    istio: exists(['virtualservices.networking.istio.io', 'web-todo', '-n', namespace]) && exists(['gateways.networking.istio.io', 'web-todo-gateway', '-n', namespace]),
    gatewayApi: exists(['httproutes.gateway.networking.k8s.io', 'web-todo', '-n', namespace]),
  });

  beforeAll(() => prepareNamespace(namespace));

  test('ingress, then istio, then the Gateway API: each upgrade replaces the routing objects', () => {
    helmOk(namespace, ['install', release, CHART, ...base, ...WAIT]);
    expect(routing()).toEqual({ ingress: true, istio: false, gatewayApi: false });
    helmOk(namespace, ['upgrade', release, CHART, ...base, '--set', 'routing.kind=istio', ...WAIT]);
    expect(routing()).toEqual({ ingress: false, istio: true, gatewayApi: false });
    helmOk(namespace, ['upgrade', release, CHART, ...base, '--set', 'routing.kind=gatewayApi', ...WAIT]);
    expect(routing()).toEqual({ ingress: false, istio: false, gatewayApi: true });
  });

  test('rollback to the first revision brings the Ingress back and removes the HTTPRoute; routing none removes all', () => {
    helmOk(namespace, ['rollback', release, '1', ...WAIT]);
    expect(routing()).toEqual({ ingress: true, istio: false, gatewayApi: false });
    helmOk(namespace, ['upgrade', release, CHART, ...base, '--set', 'routing.kind=none', ...WAIT]);
    expect(routing()).toEqual({ ingress: false, istio: false, gatewayApi: false });
  });
});

describe('autoscaling turned on and off without dropping to one pod', () => {
  const namespace = 'scaling';
  const release = 'todo';
  const fixed = ['--set', 'persistence.enabled=false', '--set', 'frontend.replicaCount=3'];
  const replicas = () => cluster.getJson(['deployment', 'todo-frontend', '-n', namespace]).spec.replicas;
  const scaledDownTo = () => cluster.getJson(['events', '-n', namespace, '--field-selector', 'involvedObject.kind=Deployment,involvedObject.name=todo-frontend']).items
    .map((event: any) => /Scaled down replica set \S+ from \d+ to (\d+)/.exec(event.message)?.[1]).filter((count: string | undefined) => count !== undefined).map(Number);

  beforeAll(() => prepareNamespace(namespace));

  test('three pods, then autoscaling 2-4: the Deployment keeps 3 (the live count), never 1', () => {
    helmOk(namespace, ['install', release, CHART, ...fixed, ...WAIT]);
    expect(replicas()).toBe(3);
    helmOk(namespace, ['upgrade', release, CHART, ...fixed, '--set', 'frontend.autoscaling.enabled=true', '--set', 'frontend.autoscaling.minReplicas=2',
      '--set', 'frontend.autoscaling.maxReplicas=4', ...WAIT]);
    expect(exists(['hpa', 'todo-frontend', '-n', namespace])).toBe(true);
    expect(replicas()).toBe(3);
    expect(scaledDownTo().filter((count: number) => count < 2)).toEqual([]);
  });

  test('autoscaling off again: the values\' replica count', () => {
    helmOk(namespace, ['upgrade', release, CHART, ...fixed, '--set', 'frontend.replicaCount=2', ...WAIT]);
    expect(exists(['hpa', 'todo-frontend', '-n', namespace])).toBe(false);
    expect(replicas()).toBe(2);
  });
});

describe('two releases in one namespace', () => {
  const namespace = 'shared';

  beforeAll(() => prepareNamespace(namespace));

  test('both install with the defaults (SQLite each), with their own objects, claims and pods', () => {
    helmOk(namespace, ['install', 'alpha', CHART, ...WAIT]);
    helmOk(namespace, ['install', 'beta', CHART, ...WAIT]);
    for (const release of ['alpha', 'beta']) {
      expect(cluster.getJson(['pvc', `${release}-todo-data`, '-n', namespace]).status.phase).toBe('Bound');
      const endpoints = cluster.getJson(['endpointslices', '-n', namespace, '-l', `kubernetes.io/service-name=${release}-todo-backend`]).items;
      const pods = endpoints.flatMap((slice: any) => (slice.endpoints ?? []).map((endpoint: any) => endpoint.targetRef.name));
      expect(pods).toHaveLength(1);
      expect(pods[0]).toMatch(new RegExp(`^${release}-todo-backend-`));
    }
  });
});

describe('a namespace admin (namespace-scoped RBAC only) installs the defaults', () => {
  const namespace = 'team-b';
  let kubeconfig: string;

  beforeAll(() => {
    prepareNamespace(namespace);
    cluster.kubectlOk(['-n', namespace, 'create', 'serviceaccount', 'deployer']);
    cluster.kubectlOk(['-n', namespace, 'create', 'rolebinding', 'deployer-admin', '--clusterrole=admin', `--serviceaccount=${namespace}:deployer`]);
    const token = cluster.kubectlOk(['-n', namespace, 'create', 'token', 'deployer']).trim();
    const admin = JSON.parse(cluster.kubectlOk(['config', 'view', '--raw', '-o', 'json']));
    const clusterEntry = admin.clusters[0];
    kubeconfig = path.join(cluster.dir, 'namespace-admin.kubeconfig');
    fs.writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', clusters: [clusterEntry], users: [{ name: 'deployer', user: { token } }],
      contexts: [{ name: 'deployer', context: { cluster: clusterEntry.name, user: 'deployer', namespace } }], 'current-context': 'deployer',
    }), { mode: 0o600 });
  });

  test('who cannot touch cluster-scoped objects', () => {
    expect(cluster.kubectl(['--kubeconfig', kubeconfig, 'get', 'storageclasses']).stderr).toContain('forbidden');
  });

  test('helm install and upgrade with the defaults succeed: every object, hook-free lookup and release record is namespaced', () => {
    // No --wait: what is tested is what the namespace admin may do; readiness is the other tests' subject.
    helmOk(namespace, ['install', 'todo', CHART], kubeconfig);
    helmOk(namespace, ['upgrade', 'todo', CHART, '--set', 'backend.config.LOG_LEVEL=debug'], kubeconfig);
    expect(cluster.getJson(['deployment', 'todo-backend', '-n', namespace]).spec.template.spec.containers[0].image).toBe(`todo-backend:${RELEASE_TAG}`);
    expect(cluster.getJson(['configmap', 'todo-backend-config', '-n', namespace]).data.LOG_LEVEL).toBe('debug');
    expect(helmOk(namespace, ['list', '-q'], kubeconfig).trim()).toBe('todo');
  });
});

describe('the chart as a dependency of an umbrella chart, with global values', () => {
  const namespace = 'umbrella';
  let umbrella: string;

  beforeAll(() => {
    prepareNamespace(namespace);
    umbrella = fs.mkdtempSync(path.join(os.tmpdir(), 'umbrella-'));
    fs.writeFileSync(path.join(umbrella, 'Chart.yaml'), [
      'apiVersion: v2', 'name: platform', 'version: 1.0.0', 'dependencies:', '  - name: todo', `    version: "${version}"`, `    repository: "file://${CHART}"`, '',
    ].join('\n'));
    fs.writeFileSync(path.join(umbrella, 'values.yaml'), [
      'global:', '  imageRegistry: mirror.example.com', '  imagePullSecrets: [regcred]', '  postgresql:', '    auth:', '      database: todo',
      'todo:', '  persistence:', '    enabled: false', '',
    ].join('\n'));
    const built = cluster.run(helmBinary, ['dependency', 'build', umbrella, '--skip-refresh']);
    if (built.status !== 0) throw new Error(`helm dependency build failed:\n${built.stdout}${built.stderr}`);
  });

  afterAll(() => fs.rmSync(umbrella, { recursive: true, force: true }));

  test('installs; the global registry and pull secrets reach the subchart\'s pods, other charts\' globals are accepted', () => {
    helmOk(namespace, ['install', 'shop', umbrella, ...WAIT]);
    const pod = cluster.getJson(['deployment', 'shop-todo-backend', '-n', namespace]).spec.template.spec;
    expect(pod.containers[0].image).toBe(`mirror.example.com/todo-backend:${RELEASE_TAG}`);
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });
});

describe('default values (SQLite): the claim outlives the release, and nothing cluster-scoped is left', () => {
  const namespace = ENVIRONMENTS.local.namespace;
  let volume: string;
  const clusterScoped = () => ['storageclasses', 'persistentvolumes'].flatMap((kind) =>
    cluster.getJson([kind, '-l', 'app.kubernetes.io/instance=todo']).items.map((object: any) => `${kind}/${object.metadata.name}`));

  beforeAll(() => prepareNamespace(namespace));

  test('helm install binds a claim from the cluster\'s default class, and creates nothing cluster-scoped', () => {
    helmOk(namespace, ['install', 'todo', CHART, ...WAIT]);
    volume = cluster.getJson(['pvc', 'todo-data', '-n', namespace]).spec.volumeName;
    expect(volume).toMatch(/^pvc-/);
    expect(clusterScoped()).toEqual([]);
  });

  test('an upgrade that would move the data to another claim, or shrink it, fails before it changes anything', () => {
    const renamed = helm(namespace, ['upgrade', 'todo', CHART, '--set', 'fullnameOverride=agenda']);
    expect(renamed.status).not.toBe(0);
    expect(renamed.stderr).toContain('the release\'s SQLite data is in claim todo-data, and these values name claim agenda-data');
    const shrunk = helm(namespace, ['upgrade', 'todo', CHART, '--set', 'persistence.size=1Gi']);
    expect(shrunk.stderr).toContain('persistence.size must not be below the claim\'s 5Gi');
    expect(cluster.getJson(['deployment', 'todo-backend', '-n', namespace]).metadata.generation).toBe(1);
  });

  test('helm uninstall keeps the claim, its volume and the Secret, and leaves nothing cluster-scoped of its own', () => {
    helmOk(namespace, ['uninstall', 'todo', ...WAIT]);
    expect(exists(['deployment', 'todo-backend', '-n', namespace])).toBe(false);
    expect(exists(['pvc', 'todo-data', '-n', namespace])).toBe(true);
    expect(exists(['pv', volume])).toBe(true);
    expect(exists(['secret', APP_SECRET_NAME, '-n', namespace])).toBe(true);
    expect(clusterScoped()).toEqual([]);
  });

  test('helm install again adopts the kept claim: the same volume is bound', () => {
    helmOk(namespace, ['install', 'todo', CHART, ...WAIT]);
    expect(cluster.getJson(['pvc', 'todo-data', '-n', namespace]).spec.volumeName).toBe(volume);
  });
});
