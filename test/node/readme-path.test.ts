/**
 * The README's quickstart on a real node: the images global-setup built with scripts/build-images.sh, then
 * scripts/deploy.sh --env local and scripts/smoke-test.sh verbatim inside `node.sh exec`, the Ingress served
 * for class "nginx" (Traefik's ingress-nginx provider on hostPorts 80/443, as kind's ingress-nginx), real
 * probes, and a browser that adds a todo and finds it after a reload. Then the data's lifetime: a deleted
 * pod, cleanup.sh and a new deploy, a backup and a restore.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { curl, REPO_ROOT, TestNode } from './node';

const NAMESPACE = 'todo-local';
const HOST = 'todo.localhost';
const BACKEND = 'app.kubernetes.io/name=todo-backend';
let node: TestNode;

beforeAll(() => {
  node = TestNode.current();
});

afterAll(() => {
  node?.exec(['scripts/cleanup.sh', '--env', 'local', '--yes', '--purge-data'], { timeoutMs: 300_000 });
});

/** POST a todo through the Ingress; its id. */
function addTodo(title: string): number {
  const created = curl(node, `http://127.0.0.1/api/todos`, ['-H', `Host: ${HOST}`, '-H', 'Content-Type: application/json', '-d', JSON.stringify({ title })]);
  expect(created.status).toBe(201);
  return JSON.parse(created.body).id;
}

/** GET one todo through the Ingress: its title, or the HTTP status when it is not there. */
function titleOf(id: number): string | number {
  const read = curl(node, `http://127.0.0.1/api/todos/${id}`, ['-H', `Host: ${HOST}`]);
  return read.status === 200 ? JSON.parse(read.body).title : read.status;
}

function backendPod(): any {
  const pods = node.pods(NAMESPACE, BACKEND).filter((pod: any) => !pod.metadata.deletionTimestamp);
  expect(pods).toHaveLength(1);
  return pods[0];
}

describe('the README path: build-images.sh, deploy.sh, smoke-test.sh', () => {
  test('build-images.sh loaded the reference images into the node\'s containerd', () => {
    const tag = fs.readFileSync(path.join(node.dir, 'state', 'image-tag.kind-todo'), 'utf8').trim();
    const images = node.execOk(['ctr', 'images', 'ls', '-q']).split('\n');
    expect(images).toEqual(expect.arrayContaining([`docker.io/library/todo-backend:${tag}`, `docker.io/library/todo-frontend:${tag}`]));
  });

  test('deploy.sh --env local rolls out every Deployment with real probes', () => {
    const deployed = node.exec(['scripts/deploy.sh', '--env', 'local'], { timeoutMs: 420_000 });
    expect(deployed.stderr).not.toMatch(/error:/);
    expect(deployed.status).toBe(0);
    for (const name of ['todo-backend', 'todo-frontend']) {
      const deployment = node.getJson(['deployment', name, '-n', NAMESPACE]);
      expect(deployment.status.readyReplicas).toBe(deployment.spec.replicas);
    }
  });

  test('the containers are real: containerd ids, running as the images\' non-root users, not restarted', () => {
    for (const pod of node.getJson(['pods', '-n', NAMESPACE]).items) {
      for (const status of pod.status.containerStatuses) {
        expect(status.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
        expect(status.ready).toBe(true);
        expect(status.restartCount).toBe(0);
        expect(node.execOk(['ctr', 'tasks', 'ls', '-q'])).toContain(status.containerID.replace('containerd://', ''));
      }
    }
  });

  test('smoke-test.sh passes through the Ingress on http://127.0.0.1 (Host todo.localhost)', () => {
    const smoke = node.exec(['scripts/smoke-test.sh', '--env', 'local'], { timeoutMs: 180_000 });
    expect(smoke.stdout).toMatch(/5 passed, 0 failed/);
    expect(smoke.status).toBe(0);
  });

  test('a headless Chromium adds a todo through the Ingress and sees it after a reload', () => {
    const e2e = path.join(REPO_ROOT, 'examples', 'todo-app', 'e2e');
    if (!fs.existsSync(path.join(e2e, 'node_modules', 'playwright-core'))) {
      // On the machine's network: the node's network namespace reaches no registry (a warm npm cache hid that).
      const installed = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
        cwd: e2e, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_loglevel: 'error' },
      });
      expect(`${installed.stdout}${installed.stderr}exit ${installed.status}`).toMatch(/exit 0$/);
    }
    const browser = node.exec(['node', '--test', 'browser.test.mjs'], { cwd: e2e, env: { TODO_E2E_URLS: `http://${HOST}` }, timeoutMs: 240_000 });
    expect(`${browser.stdout}${browser.stderr}`).toMatch(/# pass [1-9]\d*\n# fail 0\n/);
    expect(browser.status).toBe(0);
  });
});

describe('the data survives', () => {
  let id: number;
  const title = `survives ${Date.now()}`;

  beforeAll(() => {
    id = addTodo(title);
  });

  test('a deleted backend pod: its replacement reads the same SQLite volume', async () => {
    const old = backendPod().metadata.uid;
    node.kubectlOk(['delete', 'pod', '-n', NAMESPACE, '-l', BACKEND, '--wait=true']);
    node.kubectlOk(['rollout', 'status', 'deployment/todo-backend', '-n', NAMESPACE, '--timeout=180s'], { timeoutMs: 200_000 });
    expect(backendPod().metadata.uid).not.toBe(old);
    await node.waitFor('the todo through the Ingress', () => (titleOf(id) === title ? true : undefined), 30_000);
  });

  test('cleanup.sh, then deploy.sh again: the kept claim brings the todo back', async () => {
    const cleaned = node.exec(['scripts/cleanup.sh', '--env', 'local', '--yes'], { timeoutMs: 300_000 });
    expect(cleaned.status).toBe(0);
    expect(node.getJson(['pvc', 'todo-data', '-n', NAMESPACE]).status.phase).toBe('Bound');
    expect(node.getJson(['deployments', '-n', NAMESPACE]).items).toEqual([]);
    const deployed = node.exec(['scripts/deploy.sh', '--env', 'local'], { timeoutMs: 420_000 });
    expect(deployed.status).toBe(0);
    await node.waitFor('the todo through the Ingress', () => (titleOf(id) === title ? true : undefined), 60_000);
  });

  test('backup-sqlite.sh from the running pod, then restore-sqlite.sh brings back what was deleted', async () => {
    const backups = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-backups-'));
    try {
      const backup = node.exec(['scripts/backup-sqlite.sh', '--env', 'local', '--output-dir', backups], { timeoutMs: 180_000 });
      expect(backup.status).toBe(0);
      expect(`${backup.stdout}${backup.stderr}`).toMatch(/integrity.*ok/i);
      const [file] = fs.readdirSync(backups).filter((name) => name.endsWith('.sqlite3'));
      expect(file).toBeDefined();

      const gone = curl(node, `http://127.0.0.1/api/todos/${id}`, ['-X', 'DELETE', '-H', `Host: ${HOST}`]);
      expect(gone.status).toBe(204);
      expect(titleOf(id)).toBe(404);

      const restore = node.exec(['scripts/restore-sqlite.sh', '--env', 'local', '--yes', '--file', path.join(backups, file)], { timeoutMs: 420_000 });
      expect(restore.status).toBe(0);
      await node.waitFor('the restored todo through the Ingress', () => (titleOf(id) === title ? true : undefined), 120_000);
    } finally {
      fs.rmSync(backups, { recursive: true, force: true });
    }
  });
});
