/**
 * The real control plane of test/control-plane/control-plane.sh, for one test file: started in a
 * temporary directory in beforeAll, stopped in afterAll, so every file gets a fresh cluster.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { waitFor } from '../wait-for';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(REPO_ROOT, 'test', 'control-plane', 'control-plane.sh');

/** What a finished command printed and how it exited. */
export interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link ControlPlane.run}. */
export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** @default 180_000 */
  readonly timeoutMs?: number;
}

export class ControlPlane {
  /** Starts a control plane (building it first when the cache has none). */
  public static start(): ControlPlane {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-plane-'));
    const started = spawnSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8', timeout: 1_800_000 });
    if (started.status !== 0) {
      throw new Error(`control-plane.sh start failed (${started.status ?? started.signal}):\n${started.stdout}${started.stderr}`);
    }
    return new ControlPlane(dir);
  }

  public readonly kubeconfig: string;
  /** The directory of the built binaries (kubectl of the cluster's version among them). */
  public readonly bin: string;

  private constructor(public readonly dir: string) {
    this.kubeconfig = path.join(dir, 'kubeconfig');
    this.bin = path.join(dir, 'bin');
  }

  /** The process environment for tools aimed at this cluster: its kubeconfig and its kubectl first on PATH. */
  public env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, KUBECONFIG: this.kubeconfig, PATH: `${this.bin}${path.delimiter}${process.env.PATH}`, CDK8S_CHECK_UPGRADE: 'false', ...extra };
  }

  /** Runs a command against this cluster; never throws on a non-zero exit. */
  public run(command: string, args: readonly string[], options: RunOptions = {}): Result {
    const result: SpawnSyncReturns<string> = spawnSync(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? this.env(),
      input: options.input,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 180_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}\n${result.stdout ?? ''}${result.stderr ?? ''}`);
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** kubectl of the cluster's own version. */
  public kubectl(args: readonly string[], options: RunOptions = {}): Result {
    return this.run(path.join(this.bin, 'kubectl'), args, options);
  }

  /** kubectl that must succeed; returns stdout. */
  public kubectlOk(args: readonly string[], options: RunOptions = {}): string {
    const result = this.kubectl(args, options);
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  /** The parsed JSON of `kubectl get ARGS -o json`. */
  public getJson(args: readonly string[]): any {
    return JSON.parse(this.kubectlOk(['get', ...args, '-o', 'json']));
  }

  /** Polls `probe` every half second until it returns a value other than undefined; bounded by `timeoutMs`. */
  public waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
    return waitFor(what, probe, timeoutMs);
  }

  /** Stops every process; keeps the directory when KEEP_CONTROL_PLANE is set (to read the logs). */
  public stop(): void {
    spawnSync('bash', [SCRIPT, 'stop', this.dir], { encoding: 'utf8', timeout: 120_000 });
    if (!process.env.KEEP_CONTROL_PLANE) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `npx cdk8s synth`, exactly as the README runs it, into `outdir`. */
export function synth(cluster: ControlPlane, outdir: string, env: NodeJS.ProcessEnv = {}): Result {
  return cluster.run('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', outdir], { env: cluster.env(env) });
}

/** The names of a Deployment's ReplicaSets. */
export function replicaSets(cluster: ControlPlane, namespace: string, deployment: string): string[] {
  const list = cluster.getJson(['replicasets', '-n', namespace]);
  return list.items
    .filter((rs: any) => (rs.metadata.ownerReferences ?? []).some((owner: any) => owner.kind === 'Deployment' && owner.name === deployment))
    .map((rs: any) => rs.metadata.name)
    .sort();
}
