/**
 * The production environment on a real node: `npx cdk8s synth` (TODO_ENV=production) and `kubectl apply -f`
 * of its file, with the app Secret pointing at a PostgreSQL outside the cluster (Debian's, at the node's
 * "outside" address), the HTTPRoute attached to the shared Gateway "public" in gateway-system served by Traefik over
 * TLS, the autoscalers' minimum of pods, disruption budgets, and the default-deny NetworkPolicies enforced by
 * kube-router: the allowed paths work, the others are refused.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { viaGateway } from './gateway';
import { OUTSIDE_IP, OUTSIDE_NAME, OutsideDatabase, OutsideServer, postgresDatabase, startTcpServer } from './outside';
import { REPO_ROOT, TestNode } from './node';

const NAMESPACE = 'todo-production';
const HOST = 'todo.example.com';
const INTRUDER = 'node-test-intruder';
let node: TestNode;
let postgres: OutsideDatabase;
let work: string;
let outsideHttp: OutsideServer;

/** Connects from inside a pod to HOST:PORT; true when the TCP handshake completes within 3 s. */
function connects(namespace: string, pod: string, host: string, port: number): boolean {
  const program = `import socket,sys\ntry:\n    socket.create_connection((sys.argv[1], int(sys.argv[2])), 3).close(); print("open")\nexcept OSError as e:\n    print("refused", e)\n`;
  const result = node.podExec(namespace, pod, ['python', '-c', program, host, String(port)]);
  if (result.status !== 0) throw new Error(`python in ${namespace}/${pod} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout.startsWith('open');
}

function podOf(namespace: string, selector: string): string {
  const pods = node.pods(namespace, selector).filter((pod: any) => pod.status.phase === 'Running' && !pod.metadata.deletionTimestamp);
  if (pods.length === 0) throw new Error(`no running pod for ${selector} in ${namespace}`);
  return pods[0].metadata.name;
}

function gatewayCurl(pathname: string, args: readonly string[] = []): { status: number; body: string } {
  return viaGateway(node, HOST, pathname, args);
}

beforeAll(async () => {
  node = TestNode.current();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-production-'));
  postgres = postgresDatabase(node, 'production');
  outsideHttp = startTcpServer(node, 8080, 'answer');


  // The README's production path: the Secret first, then synth and apply.
  node.kubectlOk(['create', 'namespace', NAMESPACE]);
  node.kubectlOk(['-n', NAMESPACE, 'create', 'secret', 'generic', 'todo-secrets',
    `--from-literal=DATABASE_URL=${postgres.databaseUrl}`, '--from-literal=BETTER_AUTH_SECRET=node-test-only', '--from-literal=OPENAI_API_KEY=node-test-only']);
  const tag = fs.readFileSync(path.join(node.dir, 'state', 'image-tag.kind-todo'), 'utf8').trim();
  const synth = spawnSync('npx', ['cdk8s', 'synth', '--output', path.join(work, 'dist')], {
    // No sign-in proxy stands in front here and the test writes through the Gateway: anonymous writes on purpose
    // (production is read-only without TODO_WRITE_ACCESS).
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, TODO_ENV: 'production', TODO_WRITE_ACCESS: 'anonymous', IMAGE_TAG: tag, CDK8S_CHECK_UPGRADE: 'false' },
  });
  if (synth.status !== 0) throw new Error(`synth failed:\n${synth.stdout}${synth.stderr}`);
  node.kubectlOk(['apply', '-f', path.join(work, 'dist', 'production.k8s.yaml')]);
  for (const name of ['todo-backend', 'todo-frontend']) {
    await node.waitFor(`${name} at the autoscaler's minimum of 2 ready pods`, () => {
      const deployment = node.getJson(['deployment', name, '-n', NAMESPACE]);
      return deployment.status.readyReplicas === 2 ? true : undefined;
    }, 240_000);
  }

  // A pod of another namespace, with no policies of its own: it may go anywhere the others allow.
  node.kubectlOk(['create', 'namespace', INTRUDER]);
  node.kubectlOk(['-n', INTRUDER, 'run', 'probe', `--image=todo-backend:${tag}`, '--image-pull-policy=Never', '--restart=Never', '--command', '--', 'sleep', '3600']);
  node.kubectlOk(['-n', INTRUDER, 'wait', '--for=condition=Ready', 'pod/probe', '--timeout=120s'], { timeoutMs: 150_000 });
}, 900_000);

afterAll(() => {
  for (const namespace of [NAMESPACE, INTRUDER]) node?.deleteNamespace(namespace);
  outsideHttp?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('production on a real node', () => {
  test('the HTTPRoute is accepted by Traefik\'s Gateway and serves the app over TLS', async () => {
    await node.waitFor('the HTTPRoute accepted by the Gateway', () => {
      const parents = node.getJson(['httproute', '-n', NAMESPACE]).items[0]?.status?.parents ?? [];
      return parents.some((parent: any) => parent.conditions.some((c: any) => c.type === 'Accepted' && c.status === 'True')) ? true : undefined;
    }, 60_000);
    // The router learns each Service's endpoints on its own schedule: wait for both workloads.
    await node.waitFor('the backend and the frontend through the Gateway', () => (gatewayCurl('/health').status === 200 && gatewayCurl('/').status === 200 ? true : undefined), 60_000);
    const page = gatewayCurl('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Todo</title>');
    // Production does not expose the API docs.
    expect(gatewayCurl('/docs').status).not.toBe(200);
  });

  test('todos written through the Gateway land in the PostgreSQL outside the cluster', () => {
    const title = `in postgres ${Date.now()}`;
    const created = gatewayCurl('/api/todos', ['-H', 'Content-Type: application/json', '-d', JSON.stringify({ title })]);
    expect(created.status).toBe(201);
    const id = JSON.parse(created.body).id;
    expect(postgres.psql(`SELECT count(*) FROM todos WHERE id = ${Number(id)}`).trim()).toBe('1');
  });

  test('each workload runs the autoscaler\'s minimum behind a disruption budget that allows one eviction', () => {
    for (const name of ['todo-backend', 'todo-frontend']) {
      const budget = node.getJson(['pdb', name, '-n', NAMESPACE]);
      expect(budget.status).toMatchObject({ currentHealthy: 2, expectedPods: 2, disruptionsAllowed: 1 });
      // No metrics server runs here: the autoscaler holds its minimum.
      const autoscaler = node.getJson(['hpa', name, '-n', NAMESPACE]);
      expect(autoscaler.status.desiredReplicas).toBe(autoscaler.spec.minReplicas);
      expect(node.getJson(['deployment', name, '-n', NAMESPACE]).spec.replicas).toBe(autoscaler.spec.minReplicas);
    }
  });

  test('the frontend reaches the backend; the backend reaches the cluster DNS and the database', () => {
    const frontend = podOf(NAMESPACE, 'app.kubernetes.io/name=todo-frontend');
    const fetched = node.podExec(NAMESPACE, frontend, ['node', '-e',
      'fetch(process.env.BACKEND_URL + "/health").then(async (r) => { console.log(r.status); process.exit(r.ok ? 0 : 1); }, (e) => { console.log(e.message); process.exit(1); })']);
    expect(fetched.stdout.trim()).toBe('200');
    const backend = podOf(NAMESPACE, 'app.kubernetes.io/name=todo-backend');
    expect(connects(NAMESPACE, backend, OUTSIDE_NAME, 5432)).toBe(true);
  });

  test('the backend cannot reach outside addresses beyond its allowed egress, nor the frontend', () => {
    const backend = podOf(NAMESPACE, 'app.kubernetes.io/name=todo-backend');
    const frontendIp = node.pods(NAMESPACE, 'app.kubernetes.io/name=todo-frontend')[0].status.podIP;
    // Port 8080 outside answers (the intruder, without policies, reaches it) but is not among 443 and 5432.
    expect(connects(INTRUDER, 'probe', OUTSIDE_IP, 8080)).toBe(true);
    expect(connects(NAMESPACE, backend, OUTSIDE_IP, 8080)).toBe(false);
    expect(connects(NAMESPACE, backend, frontendIp, 3000)).toBe(false);
  });

  test('a pod of another namespace reaches neither workload', () => {
    for (const [name, port] of [['todo-backend', 8000], ['todo-frontend', 3000]] as const) {
      const ip = node.pods(NAMESPACE, `app.kubernetes.io/name=${name}`)[0].status.podIP;
      expect(connects(INTRUDER, 'probe', ip, port)).toBe(false);
      expect(connects(INTRUDER, 'probe', `${name}.${NAMESPACE}.svc.cluster.local`, node.getJson(['service', name, '-n', NAMESPACE]).spec.ports[0].port)).toBe(false);
    }
    // The same pod reaches the cluster DNS and the outside: the refusals above are the policies'.
    expect(connects(INTRUDER, 'probe', 'kube-dns.kube-system.svc.cluster.local', 53)).toBe(true);
  });
});
