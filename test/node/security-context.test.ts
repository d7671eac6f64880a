/**
 * The security context, for real: every container of the reference images under the constructs' defaults
 * runs as its non-root user with the RuntimeDefault seccomp filter, no capabilities and no privilege
 * escalation, cannot write its root filesystem, and can write exactly its mounts (the container contract's
 * data, logs and tmp) on every storage kind an environment uses: a dynamically provisioned claim (kind's
 * rancher.io/local-path class), a static hostPath volume (local-istio) and emptyDir.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { AppNamespace, FastApiBackend, NextFrontend, NextFrontendMode, SqlitePersistence } from '../../lib';
import { STATIC_FRONTEND_TAG, TestNode } from './node';

let node: TestNode;
let tag: string;
let hostPathDir: string;

/** One namespace per storage kind; apply the chart's YAML and wait for its Deployments. */
function deploy(name: string, build: (chart: Chart) => void): void {
  const app = new App();
  const chart = new Chart(app, name, { namespace: name, disableResourceNameHashes: true });
  new AppNamespace(chart, 'namespace', { name, partOf: 'node-test', version: 'v1' });
  build(chart);
  node.kubectlOk(['apply', '-f', '-'], { input: app.synthYaml() });
}

async function rolledOut(namespace: string): Promise<void> {
  for (const deployment of node.getJson(['deployments', '-n', namespace]).items) {
    node.kubectlOk(['rollout', 'status', '-n', namespace, `deployment/${deployment.metadata.name}`, '--timeout=180s'], { timeoutMs: 200_000 });
  }
}

/** Every container of a namespace's running pods (the app containers, not the init steps) with its spec. */
function containers(namespace: string): Array<{ pod: string; name: string; spec: any; podSpec: any }> {
  return node.getJson(['pods', '-n', namespace]).items
    .filter((pod: any) => pod.status.phase === 'Running')
    .flatMap((pod: any) => pod.spec.containers.map((spec: any) => ({ pod: pod.metadata.name, name: spec.name, spec, podSpec: pod.spec })));
}

function sh(namespace: string, pod: string, container: string, script: string): { status: number; output: string } {
  const result = node.podExec(namespace, pod, ['sh', '-c', script], container);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(async () => {
  node = TestNode.current();
  tag = fs.readFileSync(path.join(node.dir, 'state', 'image-tag.kind-todo'), 'utf8').trim();
  hostPathDir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-node-hostpath-'));
  // What scripts/cluster-up.sh --env local-istio does to the storage directory: writable by the backend's uid.
  fs.chownSync(hostPathDir, 1000, 1000);

  deploy('node-sec-claim', (chart) => {
    const backend = new FastApiBackend(chart, 'backend', { image: `todo-backend:${tag}`, partOf: 'node-test', replicas: 1 });
    new SqlitePersistence(chart, 'data', { partOf: 'node-test', retainingStorageClass: { provisioner: 'rancher.io/local-path', name: 'node-sec-claim-retain' } }).attachTo(backend);
    new NextFrontend(chart, 'frontend', { image: `todo-frontend:${tag}`, partOf: 'node-test', replicas: 1, backend });
  });
  deploy('node-sec-hostpath', (chart) => {
    const backend = new FastApiBackend(chart, 'backend', { image: `todo-backend:${tag}`, partOf: 'node-test', replicas: 1 });
    new SqlitePersistence(chart, 'data', { partOf: 'node-test', hostPath: hostPathDir }).attachTo(backend);
    new NextFrontend(chart, 'frontend', { image: `todo-frontend:${STATIC_FRONTEND_TAG}`, partOf: 'node-test', replicas: 1, mode: NextFrontendMode.STATIC });
  });
  await rolledOut('node-sec-claim');
  await rolledOut('node-sec-hostpath');
}, 600_000);

afterAll(() => {
  for (const namespace of ['node-sec-claim', 'node-sec-hostpath']) node?.deleteNamespace(namespace);
  node?.kubectl(['delete', 'pv,storageclass', '-l', 'app.kubernetes.io/part-of=node-test', '--ignore-not-found']);
  if (hostPathDir) fs.rmSync(hostPathDir, { recursive: true, force: true });
});

describe.each(['node-sec-claim', 'node-sec-hostpath'])('%s', (namespace) => {
  test('every container runs as its image\'s non-root user with RuntimeDefault seccomp, no capabilities, no new privileges', () => {
    const all = containers(namespace);
    expect(all.length).toBe(2);
    for (const { pod, name, spec, podSpec } of all) {
      const status = sh(namespace, pod, name, 'id -u; id -g; grep -E "^(Seccomp|CapEff|CapPrm|NoNewPrivs):" /proc/1/status');
      expect(status.status).toBe(0);
      const [uid, gid, ...lines] = status.output.trim().split('\n');
      expect(Number(uid)).toBe(spec.securityContext?.runAsUser ?? podSpec.securityContext.runAsUser);
      expect(Number(uid)).toBeGreaterThan(0);
      expect(Number(gid)).toBe(spec.securityContext?.runAsGroup ?? podSpec.securityContext.runAsGroup);
      const fields = Object.fromEntries(lines.map((line) => line.split(/:\s+/)));
      expect(fields).toEqual({ Seccomp: '2', CapEff: '0000000000000000', CapPrm: '0000000000000000', NoNewPrivs: '1' });
    }
  });

  test('the root filesystem is read-only; every writable mount takes a file, and nothing else does', () => {
    for (const { pod, name, spec } of containers(namespace)) {
      const writable: string[] = (spec.volumeMounts ?? []).filter((mount: any) => !mount.readOnly && !mount.mountPath.startsWith('/var/run/secrets'))
        .map((mount: any) => mount.mountPath);
      expect(writable).toContain('/tmp');
      for (const dir of writable) {
        const wrote = sh(namespace, pod, name, `echo ok > '${dir}/.node-test' && cat '${dir}/.node-test' && rm '${dir}/.node-test'`);
        expect({ dir, ...wrote }).toEqual({ dir, status: 0, output: 'ok\n' });
      }
      for (const dir of ['/', '/etc', '/usr', '/app'].filter((candidate) => !writable.includes(candidate))) {
        const refused = sh(namespace, pod, name, `touch '${dir}/.node-test'`);
        expect({ dir, status: refused.status }).toEqual({ dir, status: 1 });
        expect(refused.output).toMatch(/Read-only file system|Permission denied|No such file/);
      }
    }
  });
});

test('the provisioned volume is world-writable on the node, as kind\'s local-path-provisioner makes it', () => {
  const claim = node.getJson(['pvc', 'data', '-n', 'node-sec-claim']);
  const volume = node.getJson(['pv', claim.spec.volumeName]);
  expect(volume.spec.storageClassName).toBe('node-sec-claim-retain');
  expect((fs.statSync(volume.spec.hostPath.path).mode & 0o777).toString(8)).toBe('777');
  // The backend's init step made data/ and logs/ as uid 1000 inside it.
  for (const sub of ['data', 'logs']) expect(fs.statSync(path.join(volume.spec.hostPath.path, sub)).uid).toBe(1000);
});

test('a hostPath directory the app\'s user cannot write stops the backend with the owner, the mode and the fix', async () => {
  // What the kubelet leaves for a missing hostPath directory (root-owned), and what a user gets without
  // scripts/cluster-up.sh: fsGroup does not apply to hostPath volumes.
  const rootOwned = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-node-hostpath-root-'));
  try {
    deploy('node-sec-unprepared', (chart) => {
      const backend = new FastApiBackend(chart, 'backend', { image: `todo-backend:${tag}`, partOf: 'node-test', replicas: 1 });
      new SqlitePersistence(chart, 'data', { partOf: 'node-test', hostPath: rootOwned }).attachTo(backend);
    });
    const log = await node.waitFor('the prepare-data step to fail', () => {
      const [pod] = node.pods('node-sec-unprepared', 'app.kubernetes.io/name=backend');
      const terminated = pod?.status.initContainerStatuses?.[0]?.lastState?.terminated ?? pod?.status.initContainerStatuses?.[0]?.state?.terminated;
      return terminated?.exitCode === 1 ? node.kubectlOk(['logs', '-n', 'node-sec-unprepared', pod.metadata.name, '-c', 'prepare-data', ...(pod.status.initContainerStatuses[0].lastState?.terminated ? ['--previous'] : [])]) : undefined;
    }, 120_000);
    expect(log).toContain('Permission denied');
    expect(log).toMatch(/SqlitePersistence \(claim data\): uid 1000 cannot create \/volume\/data \/volume\/logs on the volume \(its root: drwx------ 0 0\)/);
    expect(log).toContain('chown the directory on the node to that uid');
  } finally {
    node.deleteNamespace('node-sec-unprepared');
    node.kubectl(['delete', 'pv', 'node-sec-unprepared-data', '--ignore-not-found']);
    fs.rmSync(rootOwned, { recursive: true, force: true });
  }
});

test('the backend writes its SQLite database on both volumes', () => {
  for (const namespace of ['node-sec-claim', 'node-sec-hostpath']) {
    const [backend] = containers(namespace).filter((container) => container.name === 'backend');
    const listed = sh(namespace, backend.pod, 'backend', 'ls /data');
    expect(listed.output).toMatch(/db\.sqlite3/);
  }
  expect(fs.readdirSync(path.join(hostPathDir, 'data'))).toEqual(expect.arrayContaining(['db.sqlite3']));
});
