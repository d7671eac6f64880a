/**
 * The Helm lifecycle on a real API server with the real helm v3.16: install into a namespace that
 * already exists (with the user's Secret), upgrade to a new image tag, rollback, uninstall (the claim
 * and the Secret stay), install again (the same volume is bound again).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { APP_SECRET_NAME, ENVIRONMENTS } from '../../main';
import { k8sTools } from '../k8s-tools';
import { ControlPlane, REPO_ROOT, replicaSets, Result } from './control-plane';

const local = ENVIRONMENTS.local;
const namespace = local.namespace;
const RELEASE = 'todo';
let cluster: ControlPlane;
let charts: string;
const helmBinary = k8sTools().helm;

function writeChart(name: string, imageTag: string): string {
  const output = path.join(charts, name);
  const written = cluster.run('node', [path.join(REPO_ROOT, 'tools', 'helm-charts.js'), '--output', output, 'local'],
    { env: cluster.env({ IMAGE_TAG: imageTag }) });
  if (written.status !== 0) throw new Error(`npm run helm failed:\n${written.stdout}${written.stderr}`);
  return path.join(output, 'local');
}

function helm(args: string[]): Result {
  return cluster.run(helmBinary, [...args, '--namespace', namespace, '--kubeconfig', cluster.kubeconfig]);
}

function helmOk(args: string[]): string {
  const result = helm(args);
  if (result.status !== 0) throw new Error(`helm ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function backendImages(): string[] {
  const pods = cluster.getJson(['pods', '-n', namespace, '-l', 'app.kubernetes.io/name=todo-backend']).items;
  return pods.filter((pod: any) => !pod.metadata.deletionTimestamp).map((pod: any) => pod.spec.containers[0].image);
}

function exists(args: string[]): boolean {
  return cluster.kubectl(['get', ...args, '-o', 'name']).status === 0;
}

let v1: string;
let v2: string;
let volume: string;

beforeAll(() => {
  cluster = ControlPlane.start();
  charts = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-lifecycle-'));
  v1 = writeChart('v1', 'v1.0.0-test');
  v2 = writeChart('v2', 'v2.0.0-test');
}, 1_800_000);

afterAll(() => {
  cluster?.stop();
  if (charts) fs.rmSync(charts, { recursive: true, force: true });
});

test('the documented first step: the Namespace (with its Pod Security labels) from the chart\'s namespace.yaml, then the Secret', () => {
  const applied = cluster.kubectl(['apply', '-f', path.join(v1, 'namespace.yaml')]);
  expect(applied.stderr).toBe('');
  cluster.kubectlOk(['-n', namespace, 'create', 'secret', 'generic', APP_SECRET_NAME, '--from-literal=BETTER_AUTH_SECRET=test-only']);
  expect(cluster.getJson(['namespace', namespace]).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
});

test('helm install into the existing namespace succeeds and the app becomes ready', () => {
  helmOk(['install', RELEASE, v1, '--wait', '--timeout', '3m']);
  expect(backendImages()).toEqual(['todo-backend:v1.0.0-test']);
  volume = cluster.getJson(['pvc', 'todo-data', '-n', namespace]).spec.volumeName;
  expect(volume).toMatch(/^pvc-/);
});

test('helm upgrade to a new image tag rolls the pods', () => {
  const before = replicaSets(cluster, namespace, 'todo-backend');
  helmOk(['upgrade', RELEASE, v2, '--wait', '--timeout', '3m']);
  expect(replicaSets(cluster, namespace, 'todo-backend').filter((name) => !before.includes(name))).toHaveLength(1);
  expect(backendImages()).toEqual(['todo-backend:v2.0.0-test']);
});

test('helm rollback brings the previous tag back', async () => {
  helmOk(['rollback', RELEASE, '1', '--wait', '--timeout', '3m']);
  cluster.kubectlOk(['-n', namespace, 'rollout', 'status', 'deployment/todo-backend', '--timeout=120s']);
  const images = await cluster.waitFor('the old pods to go', () => {
    const current = backendImages();
    return current.length === 1 ? current : undefined;
  });
  expect(images).toEqual(['todo-backend:v1.0.0-test']);
});

test('helm uninstall removes the app but keeps the namespace, the claim, its volume and the Secret', () => {
  helmOk(['uninstall', RELEASE, '--wait', '--timeout', '3m']);
  expect(exists(['deployment', 'todo-backend', '-n', namespace])).toBe(false);
  expect(exists(['namespace', namespace])).toBe(true);
  expect(exists(['pvc', 'todo-data', '-n', namespace])).toBe(true);
  expect(exists(['pv', volume])).toBe(true);
  expect(exists(['secret', APP_SECRET_NAME, '-n', namespace])).toBe(true);
});

test('helm install again adopts the kept claim: the same volume is bound', () => {
  helmOk(['install', RELEASE, v1, '--wait', '--timeout', '3m']);
  expect(cluster.getJson(['pvc', 'todo-data', '-n', namespace]).spec.volumeName).toBe(volume);
  expect(backendImages()).toEqual(['todo-backend:v1.0.0-test']);
});
