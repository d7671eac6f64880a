/**
 * The exact validator: the Kubernetes API server's own validation code (v1.36, the version the test control plane
 * pins), compiled to WebAssembly by tools/kube-validator.js and run here, in-process, through Go's wasm_exec.js.
 * One long-lived instance per process answers batches of objects synchronously, with what the API server answers
 * to `kubectl apply --server-side --dry-run=server` for each: accepted (with its warnings) or rejected (with its
 * Status). Nothing here needs Go or a cluster; the module is optional: {@link KubeValidator.load} returns undefined
 * when the package was built without it.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

/** What the API server says of one object. */
export interface ExactOutcome {
  /**
   * `accepted`; `rejected` by the API server (see `status`); `unknown-kind`: no served kind matches, so kubectl stops
   * before sending it; `invalid-document`: kubectl cannot read it (see `message`).
   */
  readonly verdict: 'accepted' | 'rejected' | 'unknown-kind' | 'invalid-document';
  /** The API server's Status when it rejects the object. */
  readonly status?: ExactStatus;
  /** kubectl's message when it cannot send the object. */
  readonly message?: string;
  /** The API server's warnings (Pod Security for workloads, deprecations, ...). */
  readonly warnings: readonly string[];
}

/** A `metav1.Status` as the API server returns it. */
export interface ExactStatus {
  readonly message: string;
  readonly reason?: string;
  readonly code: number;
  readonly details?: { readonly causes?: ReadonlyArray<{ readonly reason?: string; readonly message?: string; readonly field?: string }> };
}

/** The cluster an output is validated for. */
export interface ExactClusterOptions {
  /** The labels of every namespace the objects live in (Pod Security reads them); a missing one has none. */
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The PodSecurity admission configuration's defaults (`enforce`, `enforce-version`, `warn`, ...); empty: privileged. */
  readonly podSecurityDefaults?: Readonly<Record<string, string>>;
  /** The API server's `--service-node-port-range`. @default "30000-32767" */
  readonly serviceNodePortRange?: string;
  /** The API server's `--allow-privileged` (kind, minikube and kubeadm set it). @default true */
  readonly allowPrivileged?: boolean;
}

/** The few WebAssembly APIs used here (the project's TypeScript lib has no DOM types, where they are declared). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, unknown>) => object;
};

/** Where the build installs the module, relative to the compiled `exact` directory; the sources look in build/. */
const INSTALLED = 'kube-validator.wasm.br';
const SUPPORT = 'wasm_exec.js';
const META = 'kube-validator.json';

/** The directory holding an installed exact validator, or undefined: `KUBE_VALIDATOR_DIR`, beside this module, or build/. */
export function kubeValidatorDir(): string | undefined {
  const candidates = [
    process.env.KUBE_VALIDATOR_DIR,
    __dirname,
    // Running from sources (ts-jest): lib/validation/exact -> build/lib/validation/exact.
    path.resolve(__dirname, '..', '..', '..', 'build', 'lib', 'validation', 'exact'),
  ];
  return candidates.find((dir): dir is string => dir !== undefined && dir !== '' && [INSTALLED, SUPPORT, META].every((file) => fs.existsSync(path.join(dir, file))));
}

/** Facts of the installed module (its Kubernetes version, build key), or undefined when there is none. */
export function kubeValidatorInfo(): { readonly kubernetesVersion: string; readonly key: string; readonly rawBytes: number; readonly dir: string } | undefined {
  const dir = kubeValidatorDir();
  if (dir === undefined) return undefined;
  return { ...JSON.parse(fs.readFileSync(path.join(dir, META), 'utf8')), dir };
}

interface GoInstance {
  importObject: Record<string, unknown>;
  run(instance: object): Promise<void>;
  env: Record<string, string>;
}

interface GoApi {
  validate(request: string): string;
  imageReference(image: string): string;
  kinds(): string;
}

let loaded: KubeValidator | null | undefined;

/** One running instance of the exact validator. */
export class KubeValidator {
  /**
   * The process's instance, started on first use (about 1-3 s: decompressing, compiling, and the Kubernetes
   * packages' own initialization), or undefined when no module is installed. Later calls return the same instance.
   */
  public static load(): KubeValidator | undefined {
    if (loaded === undefined) {
      const dir = kubeValidatorDir();
      loaded = dir === undefined ? null : new KubeValidator(dir);
    }
    return loaded ?? undefined;
  }

  private readonly api: GoApi;

  private constructor(dir: string) {
    const module = new WebAssembly.Module(wasmBytes(dir));
    const Go = loadGoSupport(path.join(dir, SUPPORT));
    const go = new Go();
    // Go's runtime schedules timers with setTimeout; they must not keep a finished synth's process alive.
    unrefTimers(go);
    const instance = new WebAssembly.Instance(module, go.importObject);
    // run() returns once main blocks: the module has registered its API by then.
    void go.run(instance);
    const global = globalThis as { kubeValidator?: GoApi };
    if (global.kubeValidator === undefined) throw new Error(`the exact validator in ${dir} did not start`);
    this.api = global.kubeValidator;
    delete global.kubeValidator;
  }

  /** Why the kubelet would refuse to pull `image` (its own parser: distribution's ParseNormalizedNamed), or undefined. */
  public imageReferenceProblem(image: string): string | undefined {
    return this.api.imageReference(image) || undefined;
  }

  /** The built-in kinds it validates, as `apiVersion/Kind` (e.g. `apps/v1/Deployment`, `v1/Pod`). */
  public kinds(): string[] {
    return JSON.parse(this.api.kinds()) as string[];
  }

  /** Validates parsed manifest objects as if they were applied, each on its own, to one cluster (one output). */
  public validate(objects: readonly unknown[], cluster: ExactClusterOptions): ExactOutcome[] {
    const request = { objects, options: cluster };
    const response = JSON.parse(this.api.validate(JSON.stringify(request))) as { outcomes?: ExactOutcome[]; error?: string };
    if (response.error !== undefined) throw new Error(`exact validator: ${response.error}`);
    return response.outcomes ?? [];
  }
}

/**
 * The module's bytes. The package ships it brotli-compressed (about 15 MB instead of 130); decompressing takes
 * about half a second, so the first start keeps the result in the user's cache directory, keyed by the compressed
 * file's content, and later starts read that.
 */
function wasmBytes(dir: string): Buffer {
  const compressed = fs.readFileSync(path.join(dir, INSTALLED));
  const digest = crypto.createHash('sha256').update(compressed).digest('hex').slice(0, 16);
  const cached = path.join(userCacheDir(), `kube-validator-${digest}.wasm`);
  try {
    return fs.readFileSync(cached);
  } catch {
    const raw = zlib.brotliDecompressSync(compressed);
    try {
      fs.mkdirSync(path.dirname(cached), { recursive: true });
      // One decompressed module at a time: an older build's is 130 MB of nothing.
      for (const old of fs.readdirSync(path.dirname(cached)).filter((name) => /^kube-validator-[0-9a-f]+\.wasm$/.test(name))) {
        fs.rmSync(path.join(path.dirname(cached), old), { force: true });
      }
      const partial = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(partial, raw);
      fs.renameSync(partial, cached);
    } catch {
      // A read-only home only costs the decompression next time.
    }
    return raw;
  }
}

function userCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cdk8s-fastapi-nextjs');
}

/** Go's wasm_exec.js defines globalThis.Go; it is loaded once and the global removed again. */
function loadGoSupport(file: string): new () => GoInstance {
  const global = globalThis as { Go?: new () => GoInstance };
  const previous = global.Go;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(file);
  const Go = global.Go;
  if (Go === undefined) throw new Error(`${file} did not define Go`);
  if (previous === undefined) delete global.Go;
  else global.Go = previous;
  return Go;
}

function unrefTimers(go: GoInstance): void {
  const imports = go.importObject as { gojs?: Record<string, unknown> };
  const schedule = imports.gojs?.['runtime.scheduleTimeoutEvent'] as ((sp: number) => void) | undefined;
  if (schedule === undefined) return;
  const originalSetTimeout = globalThis.setTimeout;
  imports.gojs!['runtime.scheduleTimeoutEvent'] = (sp: number) => {
    globalThis.setTimeout = ((handler: () => void, ms?: number) => {
      const timer = originalSetTimeout(handler, ms);
      timer.unref();
      return timer;
    }) as typeof setTimeout;
    try {
      schedule(sp);
    } finally {
      globalThis.setTimeout = originalSetTimeout;
    }
  };
}
