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
