/**
 * test/node/node.sh's own promises, on a second node beside the run's: a start that cannot finish names the
 * component and the end of its log, and leaves nothing behind: no process, no cgroup, no mount on the machine.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NODE_SCRIPT } from './node';

function leftovers(dir: string): string[] {
  const processes = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout.split('\n').filter((command) => command.includes(dir));
  const mounts = spawnSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).stdout.split('\n').filter((target) => target.startsWith(dir));
  return [...processes.map((command) => `process ${command}`), ...mounts.map((target) => `mount ${target}`)];
}

test('a start that runs out of time names the component and its log tail, and stops everything it started', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-node-failing-'));
  try {
    // One second for each component to get ready: the control plane's API server cannot make it.
    const started = spawnSync('bash', [NODE_SCRIPT, 'start', dir], { encoding: 'utf8', env: { ...process.env, TODO_NODE_TIMEOUT: '1' }, timeout: 300_000 });
    expect(started.status).toBe(1);
    expect(started.stderr).toMatch(/error: node: \S+ (did not|exited|could not)[^\n]*; last lines of \S+\.log:\n/);
    expect(fs.existsSync(path.join(dir, 'pids'))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
    // The node's own cgroup (node.sh: /todo-node-<cksum of DIR>) is gone from every hierarchy.
    const cgroup = `todo-node-${spawnSync('cksum', { input: dir, encoding: 'utf8' }).stdout.split(' ')[0]}`;
    expect(fs.readdirSync('/sys/fs/cgroup').filter((hierarchy) => fs.existsSync(path.join('/sys/fs/cgroup', hierarchy, cgroup)))).toEqual([]);
  } finally {
    spawnSync('bash', [NODE_SCRIPT, 'stop', dir], { encoding: 'utf8', timeout: 120_000 });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
