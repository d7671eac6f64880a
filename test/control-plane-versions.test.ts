/**
 * `control-plane.sh versions` on a machine without Go (npm test needs only Node and npm): it reads the pinned
 * versions from test/control-plane/go.mod itself. With Go, the cluster suite compares them with `go list -m`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..');
const CONTROL_PLANE = path.join(REPO, 'test', 'control-plane');

/** This process's PATH without any directory that holds a `go` executable. */
function pathWithoutGo(): string {
  return (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '' && !fs.existsSync(path.join(dir, 'go'))).join(path.delimiter);
}

function versions(script = path.join(CONTROL_PLANE, 'control-plane.sh')) {
  return spawnSync('bash', [script, 'versions'], { encoding: 'utf8', env: { ...process.env, PATH: pathWithoutGo() } });
}

/** The version go.mod requires for a module, as the test reads it. */
function required(goMod: string, module: string): string {
  const line = goMod.split('\n').find((candidate) => candidate.trim().startsWith(`${module} v`));
  if (!line) throw new Error(`go.mod does not require ${module}`);
  return line.trim().split(/\s+/)[1];
}

test('prints the Kubernetes, etcd and kwok versions go.mod pins, without Go and without an error', () => {
  const goMod = fs.readFileSync(path.join(CONTROL_PLANE, 'go.mod'), 'utf8');
  const result = versions();
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toBe([
    `kubernetes ${required(goMod, 'k8s.io/kubernetes')}`,
    `etcd ${required(goMod, 'go.etcd.io/etcd/server/v3')}`,
    `kwok ${required(goMod, 'sigs.k8s.io/kwok')}`,
    '',
  ].join('\n'));
  expect(result.stdout).toMatch(/^kubernetes v1\.\d+\.\d+\netcd v3\.\d+\.\d+\nkwok v\d+\.\d+\.\d+\n$/);
});

test('a module go.mod does not require is an error that names it, not an empty version', () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'control-plane-'));
  try {
    // The script sources scripts/lib and test/lib relative to its own directory: the same layout, with a go.mod that lost kwok.
    fs.mkdirSync(path.join(copy, 'test', 'control-plane'), { recursive: true });
    fs.mkdirSync(path.join(copy, 'scripts'));
    fs.symlinkSync(path.join(REPO, 'scripts', 'lib'), path.join(copy, 'scripts', 'lib'));
    fs.symlinkSync(path.join(REPO, 'test', 'lib'), path.join(copy, 'test', 'lib'));
    fs.copyFileSync(path.join(CONTROL_PLANE, 'control-plane.sh'), path.join(copy, 'test', 'control-plane', 'control-plane.sh'));
    const goMod = fs.readFileSync(path.join(CONTROL_PLANE, 'go.mod'), 'utf8').replace(/^\s*sigs\.k8s\.io\/kwok v.*$/m, '');
    fs.writeFileSync(path.join(copy, 'test', 'control-plane', 'go.mod'), goMod);
    const result = versions(path.join(copy, 'test', 'control-plane', 'control-plane.sh'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('go.mod does not require sigs.k8s.io/kwok');
    expect(result.stderr).not.toContain('command not found');
    expect(result.stdout).not.toMatch(/^kwok\s*$/m);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});
