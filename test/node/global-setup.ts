import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NODE_DIR_FILE, NODE_SCRIPT, REPO_ROOT, TestNode } from './node';

function run(what: string, command: string, args: readonly string[], timeoutMs: number): void {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: timeoutMs, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  if (result.status !== 0) throw new Error(`${what} failed (${result.status ?? result.signal}): ${command} ${args.join(' ')}`);
  process.stderr.write(`test:node: ${what} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * Builds the node (a no-op when the cache holds it) and the app, starts one node for the run, and builds
 * the reference images into it the README's way: `scripts/build-images.sh --env local` inside `node.sh exec`
 * (plus the frontend's static target, for NextFrontend's static mode).
 */
export default function globalSetup(): void {
  run('building the node', 'bash', [NODE_SCRIPT, 'build'], 3_600_000);
  run('building the app (tsc -b)', path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-b'], 600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-node-'));
  fs.mkdirSync(path.dirname(NODE_DIR_FILE), { recursive: true });
  fs.writeFileSync(NODE_DIR_FILE, dir);
  run('starting the node', 'bash', [NODE_SCRIPT, 'start', dir], 600_000);
  const node = new TestNode(dir);
  run('building the reference images', 'bash', [NODE_SCRIPT, 'exec', dir, '--', 'scripts/build-images.sh', '--env', 'local'], 3_600_000);
  run('building the static frontend', 'bash', [NODE_SCRIPT, 'exec', dir, '--', 'scripts/build-images.sh', '--env', 'local',
    '--frontend-target', 'static', '--tag', STATIC_FRONTEND_TAG], 3_600_000);
  node.execOk(['ctr', 'images', 'ls', '-q']);
}

/** The tag the static frontend image is built with (beside the standalone one of the recorded tag). */
export const STATIC_FRONTEND_TAG = 'v0.0.0-static';
