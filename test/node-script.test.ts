/**
 * test/node/node.sh without a node (Node and npm only): its help, its pins read from the go.mod files, and the
 * usage errors. Starting, running and stopping a node is `npm run test:node`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'test', 'node', 'node.sh');

function nodeScript(args: string[]) {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', timeout: 30_000 });
}

function pinned(goMod: string, module: string): string {
  const match = new RegExp(`^\\s*${module.replace(/[./]/g, (c) => `\\${c}`)} (v\\S+)`, 'm').exec(fs.readFileSync(path.join(ROOT, 'test', goMod), 'utf8'));
  if (!match) throw new Error(`${module} is not required in ${goMod}`);
  return match[1];
}

test('--help names the commands the acceptance checks drive: start, exec and stop', () => {
  const help = nodeScript(['--help']);
  expect(help.status).toBe(0);
  for (const command of ['versions', 'build', 'start DIR', 'exec DIR -- CMD', 'memory DIR', 'stop DIR']) expect(help.stdout).toContain(command);
});

test('versions are the go.mod pins of each component', () => {
  const versions = nodeScript(['versions']);
  expect(versions.status).toBe(0);
  const lines = Object.fromEntries(versions.stdout.trim().split('\n').map((line) => line.split(' ').slice(0, 2)));
  expect(lines).toMatchObject({
    'kubernetes': pinned('control-plane/go.mod', 'k8s.io/kubernetes'),
    'containerd': pinned('node/components/containerd/go.mod', 'github.com/containerd/containerd/v2'),
    'cni-plugins': pinned('node/components/cni-plugins/go.mod', 'github.com/containernetworking/plugins'),
    'coredns': pinned('node/components/coredns/go.mod', 'github.com/coredns/coredns'),
    'kube-router': pinned('node/components/kube-router/go.mod', 'github.com/cloudnativelabs/kube-router/v2'),
    'traefik': pinned('node/components/traefik/go.mod', 'github.com/traefik/traefik/v3'),
    'gateway-api': pinned('node/components/traefik/go.mod', 'sigs.k8s.io/gateway-api'),
  });
  // The node's Kubernetes is the control plane's: one pin for both.
  expect(lines.kubernetes).toMatch(/^v1\.36\.\d+$/);
});

test.each([
  [['start'], 'start needs a directory'],
  [['exec', '/tmp/x', 'kubectl'], 'usage: exec DIR -- CMD...'],
  [['launch'], 'unknown command: launch'],
])('%j is a usage error (exit 2)', (args, message) => {
  const result = nodeScript(args);
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 2, stderr: expect.stringContaining(message) });
});

test('start refuses a directory whose path is too long for containerd\'s socket, before building anything', () => {
  const long = path.join(os.tmpdir(), 'x'.repeat(90));
  const result = nodeScript(['start', long]);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('too long a path for containerd\'s socket');
  expect(fs.existsSync(long)).toBe(false);
});

test('exec without a running node says how to start one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-node-'));
  try {
    const result = nodeScript(['exec', dir, '--', 'true']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`no node runs in ${dir} (start it:`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
