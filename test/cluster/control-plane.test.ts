/**
 * test/control-plane/control-plane.sh itself: versions pinned in one place, a clean stop with no
 * stray process, and a start-up failure that names the component and shows its log.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ControlPlane, REPO_ROOT } from './control-plane';

const SCRIPT = path.join(REPO_ROOT, 'test', 'control-plane', 'control-plane.sh');

function script(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('versions come from go.mod: a supported Kubernetes minor, etcd 3.6, kwok', () => {
  const versions = script(['versions']);
  expect(versions.status).toBe(0);
  const goMod = fs.readFileSync(path.join(REPO_ROOT, 'test', 'control-plane', 'go.mod'), 'utf8');
  const kubernetes = /k8s\.io\/kubernetes (v1\.(\d+)\.\d+)/.exec(goMod)!;
  expect(Number(kubernetes[2])).toBeGreaterThanOrEqual(35);
  expect(versions.stdout).toBe(`kubernetes ${kubernetes[1]}\netcd ${/go\.etcd\.io\/etcd\/server\/v3 (v3\.6\.\d+)/.exec(goMod)![1]}\n`
    + `kwok ${/sigs\.k8s\.io\/kwok (v[\d.]+)/.exec(goMod)![1]}\n`);
});

test('versions, read from go.mod without Go, are what `go list -m` resolves', () => {
  const listed = spawnSync('go', ['list', '-m', '-f', '{{.Version}}', 'k8s.io/kubernetes', 'go.etcd.io/etcd/server/v3', 'sigs.k8s.io/kwok'], {
    cwd: path.dirname(SCRIPT), encoding: 'utf8',
  });
  expect(listed.status).toBe(0);
  const [kubernetes, etcd, kwok] = listed.stdout.trim().split('\n');
  expect(script(['versions']).stdout).toBe(`kubernetes ${kubernetes}\netcd ${etcd}\nkwok ${kwok}\n`);
});

test('a second build reuses the cache and the API server reports the pinned version', () => {
  const build = script(['build']);
  expect(build.status).toBe(0);
  expect(build.stderr).not.toContain('building');
  const kubectl = path.join(build.stdout.trim(), 'kubectl');
  const version = JSON.parse(spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout);
  expect(script(['versions']).stdout).toContain(`kubernetes ${version.clientVersion.gitVersion}\n`);
});

test('stop ends every process it started: no stray process is left', () => {
  const cluster = ControlPlane.start();
  const pids = fs.readFileSync(path.join(cluster.dir, 'pids'), 'utf8').trim().split('\n').map((line) => Number(line.split(' ')[1]));
  try {
    expect(pids).toHaveLength(6); // etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, provisioner
    expect(pids.every(alive)).toBe(true);
    expect(cluster.getJson(['nodes']).items.length).toBeGreaterThanOrEqual(1);
  } finally {
    cluster.stop();
  }
  expect(pids.filter(alive)).toEqual([]);
}, 300_000);

test('a provisioned volume is world-writable, as kind\'s local-path and minikube\'s hostpath provisioners make it', async () => {
  // fsGroup does not apply to hostPath volumes: a non-root pod writes its claim only because of this mode (the real
  // node found 0755 root-owned directories that the backend's uid 1000 could not write).
  const cluster = ControlPlane.start();
  try {
    for (const provisioner of ['rancher.io/local-path', 'k8s.io/minikube-hostpath']) {
      const name = provisioner.replace(/[./]/g, '-');
      cluster.kubectlOk(['apply', '-f', '-'], {
        input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
          { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner, volumeBindingMode: 'Immediate' },
          { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' },
            spec: { storageClassName: name, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
        ] }),
      });
      const volume = await cluster.waitFor(`the ${provisioner} claim bound`, () => {
        const claim = cluster.getJson(['pvc', name, '-n', 'default']);
        return claim.status.phase === 'Bound' ? cluster.getJson(['pv', claim.spec.volumeName]) : undefined;
      });
      expect((fs.statSync(volume.spec.hostPath.path).mode & 0o777).toString(8)).toBe('777');
    }
  } finally {
    cluster.stop();
  }
}, 300_000);

test('with TODO_CONTROL_PLANE_NODES=0 no kwok runs and no node exists (a real node joins: test/node)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-plane-nodeless-'));
  try {
    const started = script(['start', dir], { TODO_CONTROL_PLANE_NODES: '0' });
    expect(started.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'pids'), 'utf8')).not.toMatch(/^kwok /m);
    const nodes = spawnSync(path.join(dir, 'bin', 'kubectl'), ['--kubeconfig', path.join(dir, 'kubeconfig'), 'get', 'nodes', '-o', 'name'], { encoding: 'utf8' });
    expect({ status: nodes.status, nodes: nodes.stdout }).toEqual({ status: 0, nodes: '' });
  } finally {
    script(['stop', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);

test('a component that fails at start-up is named, with the end of its log, and nothing is left running', () => {
  const assets = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-assets-'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-plane-broken-'));
  fs.writeFileSync(path.join(assets, 'kube-apiserver'), '#!/bin/sh\necho "E1122 listen tcp: bind: address already in use" >&2\nexit 1\n', { mode: 0o755 });
  try {
    const started = script(['start', dir], { KUBEBUILDER_ASSETS: assets, TODO_CONTROL_PLANE_TIMEOUT: '20' });
    expect(started.status).not.toBe(0);
    expect(started.stderr).toContain('control plane: kube-apiserver exited before readiness (/readyz)');
    expect(started.stderr).toContain('bind: address already in use');
    expect(fs.existsSync(path.join(dir, 'pids'))).toBe(false);
    const processes = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout.split('\n');
    expect(processes.filter((command) => command.includes(dir))).toEqual([]);
  } finally {
    script(['stop', dir]);
    fs.rmSync(assets, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
