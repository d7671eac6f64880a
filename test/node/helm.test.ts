/**
 * The Helm chart (helm/todo) on a real node with the real helm v3.16, with each values file that can run here
 * (values-local-istio.yaml needs Istio, whose Envoy cannot be built from this machine's registries): install
 * into a namespace of its own, the app answers through its routes (Ingress class "nginx", or the HTTPRoute on
 * the shared Gateway), and for SQLite the data outlives `helm uninstall` and a new install.
 */
import * as fs from 'fs';
import * as path from 'path';
import { k8sTools } from '../k8s-tools';
import { curl, REPO_ROOT, Result, TestNode } from './node';
import { postgresDatabase } from './outside';
import { viaGateway } from './gateway';

const CHART = path.join(REPO_ROOT, 'helm', 'todo');
const RELEASE = 'todo';
let node: TestNode;
let helmBinary: string;
let tag: string;

function helm(namespace: string, args: readonly string[]): Result {
  return node.exec([helmBinary, ...args, '--namespace', namespace], { timeoutMs: 420_000 });
}

function helmOk(namespace: string, args: readonly string[]): string {
  const result = helm(namespace, args);
  if (result.status !== 0) throw new Error(`helm ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The documented first steps: the namespace with its Pod Security labels, then the Secret. */
function prepareNamespace(namespace: string, secret: Record<string, string>): void {
  node.kubectlOk(['create', 'namespace', namespace]);
  node.kubectlOk(['label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted', 'pod-security.kubernetes.io/enforce-version=latest']);
  node.kubectlOk(['-n', namespace, 'create', 'secret', 'generic', 'todo-secrets', ...Object.entries(secret).map(([key, value]) => `--from-literal=${key}=${value}`)]);
}

function install(namespace: string, valuesFile: string, ...sets: string[]): void {
  helmOk(namespace, ['install', RELEASE, CHART, '-f', path.join(CHART, valuesFile),
    '--set', `backend.image.tag=${tag}`, '--set', `frontend.image.tag=${tag}`, ...sets.flatMap((set) => ['--set', set]), '--wait', '--timeout', '240s']);
}

function uninstall(namespace: string): void {
  helm(namespace, ['uninstall', RELEASE, '--wait', '--timeout', '120s']);
  node.deleteNamespace(namespace);
}

/** GET through the Ingress controller on the node's port 80 with the values file's host. */
function viaIngress(host: string, pathname: string, args: readonly string[] = []): { status: number; body: string } {
  return curl(node, `http://127.0.0.1${pathname}`, ['-H', `Host: ${host}`, ...args]);
}

/** Waits until both workloads answer through the router (it learns each Service's endpoints on its own schedule). */
async function answers(what: string, get: (pathname: string) => { status: number }): Promise<void> {
  await node.waitFor(what, () => (get('/health').status === 200 && get('/').status === 200 ? true : undefined), 60_000);
}

beforeAll(() => {
  node = TestNode.current();
  helmBinary = k8sTools().helm;
  tag = fs.readFileSync(path.join(node.dir, 'state', 'image-tag.kind-todo'), 'utf8').trim();
}, 300_000);

describe('values-local.yaml (kind: SQLite, Ingress; on helm.localhost beside the README path\'s todo.localhost)', () => {
  const host = 'helm.localhost';
  const namespace = 'todo-helm-kind';
  afterAll(() => {
    uninstall(namespace);
    // helm uninstall keeps the claim's retaining StorageClass and volume (helm.sh/resource-policy: keep).
    const volumes = node.getJson(['pv']).items.filter((volume: any) => volume.spec.claimRef?.namespace === namespace).map((volume: any) => `pv/${volume.metadata.name}`);
    node.kubectl(['delete', ...volumes, `storageclass/${namespace}-todo-data-retain`, '--ignore-not-found']);
  });

  test('installs, answers through the Ingress, and keeps a todo across helm uninstall and install', async () => {
    prepareNamespace(namespace, { BETTER_AUTH_SECRET: 'node-test-only' });
    install(namespace, 'values-local.yaml', `ingress.hostname=${host}`);
    await answers('the backend and the frontend through the Ingress', (pathname) => viaIngress(host, pathname));
    expect(viaIngress(host, '/').body).toContain('<title>Todo</title>');
    const title = `helm keeps me ${Date.now()}`;
    const created = viaIngress(host, '/api/todos', ['-H', 'Content-Type: application/json', '-d', JSON.stringify({ title })]);
    expect(created.status).toBe(201);
    const id = JSON.parse(created.body).id;

    helmOk(namespace, ['uninstall', RELEASE, '--wait', '--timeout', '120s']);
    expect(node.getJson(['pvc', '-n', namespace]).items.map((claim: any) => claim.status.phase)).toEqual(['Bound']);
    install(namespace, 'values-local.yaml', `ingress.hostname=${host}`);
    await answers('the backend and the frontend through the Ingress after the new install', (pathname) => viaIngress(host, pathname));
    const read = viaIngress(host, `/api/todos/${id}`);
    expect({ status: read.status, title: read.status === 200 ? JSON.parse(read.body).title : undefined }).toEqual({ status: 200, title });
  });

  test('helm test: the chart\'s test pod reaches the backend through its Service', () => {
    expect(helmOk(namespace, ['test', RELEASE, '--timeout', '120s'])).toMatch(/Phase:\s+Succeeded/);
  });
});

describe('values-minikube.yaml (PostgreSQL outside the cluster, autoscaled pods, Ingress on todo.local)', () => {
  const namespace = 'todo-helm-minikube';
  afterAll(() => uninstall(namespace));

  test('installs with the database in the Secret and answers through the Ingress', async () => {
    const postgres = postgresDatabase(node, 'helm_minikube');
    prepareNamespace(namespace, { DATABASE_URL: postgres.databaseUrl, BETTER_AUTH_SECRET: 'node-test-only' });
    install(namespace, 'values-minikube.yaml');
    await answers('the backend and the frontend through the Ingress', (pathname) => viaIngress('todo.local', pathname));
    const title = `helm minikube ${Date.now()}`;
    const created = viaIngress('todo.local', '/api/todos', ['-H', 'Content-Type: application/json', '-d', JSON.stringify({ title })]);
    expect(created.status).toBe(201);
    expect(postgres.psql(`SELECT count(*) FROM todos WHERE id = ${Number(JSON.parse(created.body).id)}`).trim()).toBe('1');
    // The autoscalers raise each Deployment to their minimum of 2 within a sync period or two.
    await node.waitFor('2 ready pods per workload', () => {
      const deployments = node.getJson(['deployments', '-n', namespace]).items;
      return deployments.length === 2 && deployments.every((deployment: any) => deployment.status.readyReplicas >= 2) ? true : undefined;
    }, 90_000);
  });
});

describe('values-production.yaml (HTTPRoute on the shared Gateway, NetworkPolicies, pinned tags; on helm.example.com)', () => {
  const namespace = 'todo-helm-production';
  const host = 'helm.example.com';
  const gateway = (pathname: string, args: readonly string[] = []) => viaGateway(node, host, pathname, args);
  afterAll(() => uninstall(namespace));

  test('installs with the database in the Secret and answers through the Gateway over TLS', async () => {
    const postgres = postgresDatabase(node, 'helm_production');
    prepareNamespace(namespace, { DATABASE_URL: postgres.databaseUrl, BETTER_AUTH_SECRET: 'node-test-only', OPENAI_API_KEY: 'node-test-only' });
    // No sign-in proxy stands in front here and the test writes through the Gateway: anonymous writes on purpose
    // (values-production.yaml is read-only until writeAccess says who may write).
    install(namespace, 'values-production.yaml', 'writeAccess=anonymous', `ingress.hostname=${host}`);
    await answers('the backend and the frontend through the Gateway', (pathname) => gateway(pathname));
    expect(gateway('/').body).toContain('<title>Todo</title>');
    const created = gateway('/api/todos', ['-H', 'Content-Type: application/json', '-d', JSON.stringify({ title: `helm production ${Date.now()}` })]);
    expect(created.status).toBe(201);
    expect(node.getJson(['networkpolicies', '-n', namespace]).items.length).toBeGreaterThan(0);
  });

  test('helm test passes behind the default-deny NetworkPolicies', () => {
    expect(helmOk(namespace, ['test', RELEASE, '--timeout', '120s'])).toMatch(/Phase:\s+Succeeded/);
  });
});

test('every environment\'s values file of the chart is installed above, but local-istio\'s, which needs Istio', () => {
  // A new values file fails this until the suite installs it (or it needs something that cannot run here).
  // values.yaml holds the chart's defaults, which the control plane's lifecycle suite installs (test/cluster/helm.test.ts).
  const files = fs.readdirSync(CHART).filter((file) => /^values-.*\.yaml$/.test(file)).sort();
  expect(files).toEqual(['values-local-istio.yaml', 'values-local.yaml', 'values-minikube.yaml', 'values-production.yaml']);
  expect(fs.readFileSync(path.join(CHART, 'values-local-istio.yaml'), 'utf8')).toMatch(/kind: istio/);
});
