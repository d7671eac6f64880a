/**
 * Probes under stress, with the kubelet's real timing: the kind environment in real AI mode whose model
 * server (outside the cluster) accepts connections and never answers, while chats pile up through the
 * Ingress. The backend must stay Ready and never be restarted by its liveness probe. The environment runs as
 * a release of its own (namespace node-probes, host probes.localhost), beside the README path's.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { ENVIRONMENTS, environmentValues, TodoChart } from '../../app';
import { NODE_SCRIPT, TestNode } from './node';
import { OUTSIDE_NAME, OutsideServer, startTcpServer } from './outside';

const NAMESPACE = 'node-probes';
const HOST = 'probes.localhost';
const BACKEND = 'app.kubernetes.io/name=todo-backend';
const MODEL_PORT = 9999;
/** As many hanging chats as the issue measured to take a blocking backend down, and some. */
const HANGING_CHATS = 50;
let node: TestNode;
let model: OutsideServer;
let chats: ChildProcess | undefined;

beforeAll(() => {
  node = TestNode.current();
  model = startTcpServer(node, MODEL_PORT, 'hang');
  const tag = fs.readFileSync(path.join(node.dir, 'state', 'image-tag.kind-todo'), 'utf8').trim();
  const values = environmentValues(ENVIRONMENTS.local, { imageTag: tag, host: HOST, aiMode: 'real', modelServerUrl: `http://${OUTSIDE_NAME}:${MODEL_PORT}/v1` });
  const app = new App();
  new TodoChart(app, 'probes', { values, release: { name: NAMESPACE, namespace: NAMESPACE } });
  node.kubectlOk(['apply', '-f', '-'], { input: app.synthYaml() });
  for (const workload of ['todo-backend', 'todo-frontend']) {
    node.kubectlOk(['rollout', 'status', '-n', NAMESPACE, `deployment/${workload}`, '--timeout=240s'], { timeoutMs: 260_000 });
  }
}, 600_000);

afterAll(() => {
  chats?.kill('SIGKILL');
  model?.stop();
  node?.deleteNamespace(NAMESPACE);
  node?.kubectl(['delete', 'pv,storageclass', '-l', `app.kubernetes.io/instance=${NAMESPACE}`, '--ignore-not-found']);
});

function backendStatus(): { ready: boolean; restarts: number } {
  const [pod] = node.pods(NAMESPACE, BACKEND).filter((candidate: any) => !candidate.metadata.deletionTimestamp);
  const status = pod.status.containerStatuses.find((container: any) => container.name === 'backend');
  return { ready: status.ready, restarts: status.restartCount };
}

function healthThroughIngress(): string {
  return node.exec(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', '-H', `Host: ${HOST}`, 'http://127.0.0.1/health']).stdout;
}

test(`the backend stays Ready, unrestarted, and answers /health while ${HANGING_CHATS} chats wait on a model server that never answers`, async () => {
  // The router knows the new pods (it lags the rollout by a moment): otherwise the chats would get a quick 503.
  await node.waitFor('/health through the Ingress', () => (healthThroughIngress() === '200' ? true : undefined), 60_000);
  const before = backendStatus();
  expect(before).toEqual({ ready: true, restarts: 0 });
  const since = new Date(Math.floor(Date.now() / 1000) * 1000);
  // The chats, all at once through the Ingress, inside the node; each gives up after 90 s.
  const script = `for i in $(seq ${HANGING_CHATS}); do curl -s -o /dev/null --max-time 90 -H 'Host: ${HOST}' -H 'Content-Type: application/json' `
    + `-d '{"message":"are you there?"}' http://127.0.0.1/api/chat & done; wait`;
  chats = spawn('bash', [NODE_SCRIPT, 'exec', node.dir, '--', 'bash', '-c', script], { stdio: 'ignore' });
  await node.waitFor('chats waiting on the model server', () => (model.accepted() > 0 ? true : undefined), 30_000);

  // Three liveness periods and more: long enough for the kubelet to restart a backend that stopped answering.
  const livenessWindowMs = 45_000;
  const deadline = Date.now() + livenessWindowMs;
  const healthFailures: string[] = [];
  while (Date.now() < deadline) {
    const status = backendStatus();
    expect(status).toEqual({ ready: true, restarts: 0 });
    const started = Date.now();
    const health = healthThroughIngress();
    if (health !== '200') healthFailures.push(`${health} after ${Date.now() - started} ms`);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
  expect(healthFailures).toEqual([]);
  expect(model.accepted()).toBeGreaterThan(0);
  const events = node.getJson(['events', '-n', NAMESPACE]).items
    .filter((event: any) => new Date(event.lastTimestamp ?? event.eventTime) >= since && /Unhealthy|Killing|BackOff/.test(event.reason));
  expect(events.map((event: any) => `${event.reason}: ${event.message}`)).toEqual([]);
}, 300_000);
