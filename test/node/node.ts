/**
 * The real node of test/node/node.sh for the suites of `npm run test:node`: one node for the whole run
 * (started by global-setup.ts, stopped by global-teardown.ts), each scenario in namespaces of its own.
 * Every command runs inside the node's network and mount namespaces through `node.sh exec`, as a user
 * of the README's scripts would there.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as path from 'path';
import { waitFor } from '../wait-for';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const NODE_SCRIPT = path.join(REPO_ROOT, 'test', 'node', 'node.sh');
/**
 * The run's node directory, set by global-setup.ts in the environment the test files inherit: each run (and
 * each checkout running at the same time) talks to its own node only.
 */
export const NODE_DIR_VARIABLE = 'TODO_TEST_NODE_DIR';
/** The setup steps' output, in the node's directory (kept after a failed setup, and with KEEP_NODE). */
export const SETUP_LOG = 'test-node-setup.log';

/** The tag global-setup builds the static frontend image with (the standalone one has the recorded tag). */
export const STATIC_FRONTEND_TAG = 'v0.0.0-static';

/** What a finished command printed and how it exited. */
export interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link TestNode.exec}. */
export interface ExecOptions {
  readonly env?: Record<string, string>;
  readonly input?: string;
  readonly cwd?: string;
  /** @default 180_000 */
  readonly timeoutMs?: number;
}

export class TestNode {
  /** The node global-setup.ts started for this run. */
  public static current(): TestNode {
    const dir = process.env[NODE_DIR_VARIABLE];
    if (!dir) throw new Error(`no node was started for this run (${NODE_DIR_VARIABLE} is not set): run npm run test:node`);
    return new TestNode(dir);
  }

  public constructor(public readonly dir: string) {}

  /** Runs a command inside the node's namespaces (`node.sh exec DIR -- ...`); never throws on a non-zero exit. */
  public exec(command: readonly string[], options: ExecOptions = {}): Result {
    const env = Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`);
    const result: SpawnSyncReturns<string> = spawnSync('bash', [NODE_SCRIPT, 'exec', this.dir, '--', 'env', ...env, ...command], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
      input: options.input,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 180_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw new Error(`${command.join(' ')}: ${result.error.message}\n${result.stdout ?? ''}${result.stderr ?? ''}`);
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** A command that must succeed; returns its stdout. */
  public execOk(command: readonly string[], options: ExecOptions = {}): string {
    const result = this.exec(command, options);
    if (result.status !== 0) throw new Error(`${command.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  /** kubectl (the cluster's own version) against the node's control plane. */
  public kubectl(args: readonly string[], options: ExecOptions = {}): Result {
    return this.exec(['kubectl', ...args], options);
  }

  public kubectlOk(args: readonly string[], options: ExecOptions = {}): string {
    return this.execOk(['kubectl', ...args], options);
  }

  /** The parsed JSON of `kubectl get ARGS -o json`. */
  public getJson(args: readonly string[]): any {
    return JSON.parse(this.kubectlOk(['get', ...args, '-o', 'json']));
  }

  /** Runs a command in a pod's container (`kubectl exec`), e.g. to try a connection from inside it. */
  public podExec(namespace: string, pod: string, command: readonly string[], container?: string): Result {
    return this.kubectl(['exec', '-n', namespace, pod, ...(container ? ['-c', container] : []), '--', ...command], { timeoutMs: 60_000 });
  }

  /** The names of the Running pods of a label selector. */
  public pods(namespace: string, selector: string): any[] {
    return this.getJson(['pods', '-n', namespace, '-l', selector]).items;
  }

  /** Polls `probe` every half second until it returns a value other than undefined; bounded by `timeoutMs`. */
  public waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
    return waitFor(what, probe, timeoutMs);
  }

  /** Deletes a namespace and waits (bounded) until it is gone, so the next scenario starts clean. */
  public deleteNamespace(namespace: string): void {
    this.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=120s'], { timeoutMs: 150_000 });
  }
}

/** `curl` inside the node (its network namespace): status code and body of one request. */
export function curl(node: TestNode, url: string, args: readonly string[] = []): { status: number; body: string } {
  const result = node.exec(['curl', '-sS', '--max-time', '10', '-o', '-', '-w', '\n%{http_code}', ...args, url], { timeoutMs: 30_000 });
  const at = result.stdout.lastIndexOf('\n');
  return { status: Number(result.stdout.slice(at + 1)) || 0, body: result.stdout.slice(0, at) };
}
