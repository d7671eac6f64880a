import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createPublicGateway } from './gateway';
import { hostState } from './host-state';
import { startPostgres } from './outside';
import { NODE_DIR_VARIABLE, NODE_SCRIPT, REPO_ROOT, SETUP_LOG, STATIC_FRONTEND_TAG, TestNode } from './node';

/** Runs a step; its output goes to LOG (the tail is shown when it fails). */
function run(what: string, command: string, args: readonly string[], timeoutMs: number, log: string): void {
  const started = Date.now();
  const out = fs.openSync(log, 'a');
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: ['ignore', out, out], timeout: timeoutMs, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
  fs.closeSync(out);
  if (result.status !== 0) {
    const tail = fs.readFileSync(log, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`${what} failed (${result.status ?? result.signal}): ${command} ${args.join(' ')}\n(last lines of ${log})\n${tail}`);
  }
  process.stderr.write(`test:node: ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/** Every 5 s, the node's memory (`node.sh memory`) into DIR/memory.log; global-teardown.ts reports the peak. */
function sampleMemory(dir: string): void {
  const sampler = spawn('bash', ['-c', `while sleep 5; do bash "$1" memory "$2" >>"$2/memory.log" 2>/dev/null || exit 0; done`, 'sampler', NODE_SCRIPT, dir], {
    detached: true, stdio: 'ignore',
  });
  sampler.unref();
  (globalThis as any).memorySampler = sampler.pid;
}

/**
 * Builds the node (a no-op when the cache holds it) and the app, starts one node for the run, and builds
 * the reference images into it the README's way: `scripts/build-images.sh --env local` inside `node.sh exec`
 * (and, before it, the frontend's static target for NextFrontend's static mode).
 */
export default function globalSetup(): void {
  (globalThis as any).hostStateBefore = hostState();
  // TODO_NODE_DIR: a node already running there (started by hand), kept running afterwards.
  const reused = process.env.TODO_NODE_DIR;
  const dir = reused ?? fs.mkdtempSync(path.join(os.tmpdir(), 'todo-node-'));
  process.env[NODE_DIR_VARIABLE] = dir;
  const log = path.join(dir, SETUP_LOG);
  try {
    run('building the node', 'bash', [NODE_SCRIPT, 'build'], 3_600_000, log);
    run('building the app (tsc -b)', path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-b'], 600_000, log);
    if (!reused) run('starting the node', 'bash', [NODE_SCRIPT, 'start', dir], 600_000, log);
    prepareNode(dir, log);
  } catch (error) {
    // Jest runs no teardown after a failed setup: stop the node here, and keep its directory for its logs.
    if (!reused) spawnSync('bash', [NODE_SCRIPT, 'stop', dir], { stdio: 'ignore', timeout: 300_000 });
    throw error;
  }
}

/** The reference images built into the node the README's way, the shared outside world, and the memory sampler. */
function prepareNode(dir: string, log: string): void {
  sampleMemory(dir);
  const node = new TestNode(dir);
  // The static target first: build-images.sh records the tag of its last build for deploy.sh.
  run('building the static frontend', 'bash', [NODE_SCRIPT, 'exec', dir, '--', 'scripts/build-images.sh', '--env', 'local',
    '--frontend-target', 'static', '--tag', STATIC_FRONTEND_TAG], 3_600_000, log);
  run('building the reference images', 'bash', [NODE_SCRIPT, 'exec', dir, '--', 'scripts/build-images.sh', '--env', 'local'], 3_600_000, log);
  // The world the scenarios share: the database outside the cluster and the platform's Gateway.
  startPostgres(node);
  createPublicGateway(node);
}
