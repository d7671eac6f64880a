/**
 * The Helm lifecycle of the committed chart (helm/todo) on a real API server with the real helm v3.16, as the README
 * documents it: install with a values file into a namespace that already exists (with Pod Security labels and the
 * user's Secret), upgrade with --set backend.image.tag (pods roll), rollback (the previous tag is back), uninstall
 * (the Secret, and with SQLite the claim, stay), install again (the same volume is bound again).
 */
import { APP_SECRET_NAME, ENVIRONMENTS } from '../../main';
import { DEFAULT_POD_SECURITY_VERSION } from '../../lib/app-namespace';
import { k8sTools } from '../k8s-tools';
import { ControlPlane, replicaSets, Result } from './control-plane';

const RELEASE = 'todo';
const CHART = './helm/todo';
const helmBinary = k8sTools().helm;
let cluster: ControlPlane;

function helm(namespace: string, args: string[]): Result {
  return cluster.run(helmBinary, [...args, '--namespace', namespace, '--kubeconfig', cluster.kubeconfig]);
}

function helmOk(namespace: string, args: string[]): string {
  const result = helm(namespace, args);
  if (result.status !== 0) throw new Error(`helm ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The images of the running (not terminating) backend pods, one entry per distinct image. */
function backendImages(namespace: string): string[] {
  const pods = cluster.getJson(['pods', '-n', namespace, '-l', 'app.kubernetes.io/name=todo-backend']).items;
  return [...new Set<string>(pods.filter((pod: any) => !pod.metadata.deletionTimestamp).map((pod: any) => pod.spec.containers[0].image))];
}

function exists(args: string[]): boolean {
  return cluster.kubectl(['get', ...args, '-o', 'name']).status === 0;
}

/** The documented first steps: the namespace with its Pod Security labels, then the Secret. */
function prepareNamespace(namespace: string): void {
  cluster.kubectlOk(['create', 'namespace', namespace]);
  cluster.kubectlOk(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted', `pod-security.kubernetes.io/enforce-version=${DEFAULT_POD_SECURITY_VERSION}`]);
  cluster.kubectlOk(['-n', namespace, 'create', 'secret', 'generic', APP_SECRET_NAME, '--from-literal=BETTER_AUTH_SECRET=test-only',
    '--from-literal=DATABASE_URL=postgresql://todo:test-only@db.example/todo']);
}

beforeAll(() => {
  cluster = ControlPlane.start();
}, 1_800_000);

afterAll(() => cluster?.stop());

describe('minikube values: install, upgrade, rollback, uninstall', () => {
  const namespace = ENVIRONMENTS.minikube.namespace;
  const values = 'helm/todo/values-minikube.yaml';
  const tag = ENVIRONMENTS.minikube.defaultImageTag;

  beforeAll(() => prepareNamespace(namespace));

  test('helm install into the existing namespace succeeds and the app becomes ready', () => {
    helmOk(namespace, ['install', RELEASE, CHART, '-f', values, '--wait', '--timeout', '3m']);
    expect(backendImages(namespace)).toEqual([`todo-backend:${tag}`]);
    expect(cluster.getJson(['hpa', 'todo-backend', '-n', namespace]).spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
  });

  test('helm upgrade --set backend.image.tag rolls the backend pods to the new tag', async () => {
    const before = replicaSets(cluster, namespace, 'todo-backend');
    helmOk(namespace, ['upgrade', RELEASE, CHART, '-f', values, '--set', 'backend.image.tag=v2.0.0-test', '--wait', '--timeout', '3m']);
    expect(replicaSets(cluster, namespace, 'todo-backend').filter((name) => !before.includes(name))).toHaveLength(1);
    const images = await cluster.waitFor('the old pods to go', () => {
      const current = backendImages(namespace);
      return current.length === 1 ? current : undefined;
    });
    expect(images).toEqual(['todo-backend:v2.0.0-test']);
  });

  test('helm upgrade --set backend.config.LOG_LEVEL=debug rolls the pods (Helm computes the config checksum)', () => {
    const before = replicaSets(cluster, namespace, 'todo-backend');
    helmOk(namespace, ['upgrade', RELEASE, CHART, '-f', values, '--reuse-values', '--set', 'backend.config.LOG_LEVEL=debug', '--wait', '--timeout', '3m']);
    expect(cluster.getJson(['configmap', 'todo-backend-config', '-n', namespace]).data.LOG_LEVEL).toBe('debug');
    expect(replicaSets(cluster, namespace, 'todo-backend').filter((name) => !before.includes(name))).toHaveLength(1);
  });

  test('helm rollback to the first revision brings the previous tag back', async () => {
    helmOk(namespace, ['rollback', RELEASE, '1', '--wait', '--timeout', '3m']);
    cluster.kubectlOk(['-n', namespace, 'rollout', 'status', 'deployment/todo-backend', '--timeout=120s']);
    const images = await cluster.waitFor('the old pods to go', () => {
      const current = backendImages(namespace);
      return current.length === 1 ? current : undefined;
    });
    expect(images).toEqual([`todo-backend:${tag}`]);
  });

  test('helm uninstall removes the app but keeps the namespace and the Secret', () => {
    helmOk(namespace, ['uninstall', RELEASE, '--wait', '--timeout', '3m']);
    expect(exists(['deployment', 'todo-backend', '-n', namespace])).toBe(false);
    expect(exists(['namespace', namespace])).toBe(true);
    expect(exists(['secret', APP_SECRET_NAME, '-n', namespace])).toBe(true);
  });
});

describe('default values (SQLite): the claim outlives the release', () => {
  const namespace = ENVIRONMENTS.local.namespace;
  let volume: string;

  beforeAll(() => prepareNamespace(namespace));

  test('helm install binds a claim', () => {
    helmOk(namespace, ['install', RELEASE, CHART, '--wait', '--timeout', '3m']);
    volume = cluster.getJson(['pvc', 'todo-data', '-n', namespace]).spec.volumeName;
    expect(volume).toMatch(/^pvc-/);
  });

  test('helm uninstall keeps the claim, its volume and the Secret', () => {
    helmOk(namespace, ['uninstall', RELEASE, '--wait', '--timeout', '3m']);
    expect(exists(['deployment', 'todo-backend', '-n', namespace])).toBe(false);
    expect(exists(['pvc', 'todo-data', '-n', namespace])).toBe(true);
    expect(exists(['pv', volume])).toBe(true);
    expect(exists(['secret', APP_SECRET_NAME, '-n', namespace])).toBe(true);
  });

  test('helm install again adopts the kept claim: the same volume is bound', () => {
    helmOk(namespace, ['install', RELEASE, CHART, '--wait', '--timeout', '3m']);
    expect(cluster.getJson(['pvc', 'todo-data', '-n', namespace]).spec.volumeName).toBe(volume);
    expect(backendImages(namespace)).toEqual([`todo-backend:${ENVIRONMENTS.local.defaultImageTag}`]);
  });
});
