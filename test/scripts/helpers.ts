/**
 * Test harness for the bash scripts in scripts/: runs a script with `bash` in a sandbox whose PATH
 * holds only stub executables (kind, minikube, kubectl, docker, buildah, ctr, helm, npx, curl) and symlinks to a
 * fixed set of system tools, so no real cluster or Docker engine is touched and a missing tool can
 * be simulated by leaving its stub out.
 *
 * The sandbox project's build/ is this repository's, so the scripts read the real environments
 * (main.ts's ENVIRONMENTS) with the real `node`.
 *
 * Every stub call is recorded under <sandbox>/calls/NNNN.argv (tool and arguments, NUL-separated);
 * its stdin is saved to NNNN.stdin when the arguments read stdin (`-f -`, `-i`), and the file after
 * `--config` is copied to NNNN.config. Rules decide what a stub prints and how it exits.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SCRIPTS_DIR = path.join(REPO_ROOT, 'scripts');

export const STUBBED_TOOLS = ['kind', 'minikube', 'kubectl', 'docker', 'buildah', 'ctr', 'helm', 'npx', 'curl'];

/** System commands the scripts (and the stubs) may use; nothing else is on the sandbox PATH. */
const SYSTEM_TOOLS = [
  'bash', 'env', 'cat', 'sed', 'grep', 'head', 'tail', 'tr', 'cut', 'mkdir', 'rm', 'mv', 'cp',
  'date', 'dirname', 'basename', 'mktemp', 'chmod', 'chown', 'id', 'sleep', 'wc', 'sort', 'find',
  'git', 'node', 'sha256sum', 'base64', 'ls', 'touch', 'rmdir', 'cksum',
];

let systemToolPaths: Record<string, string> | undefined;
/** Absolute paths of the SYSTEM_TOOLS found on this process's PATH (looked up without spawning). */
function resolveSystemTools(): Record<string, string> {
  if (!systemToolPaths) {
    const found: Record<string, string> = {};
    const dirs = (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(path.delimiter).filter((d) => d);
    for (const tool of SYSTEM_TOOLS) {
      for (const dir of dirs) {
        const candidate = path.join(dir, tool);
        try {
          fs.accessSync(candidate, fs.constants.X_OK);
          if (fs.statSync(candidate).isFile()) {
            found[tool] = candidate;
            break;
          }
        } catch {
          // not in this directory
        }
      }
    }
    systemToolPaths = found;
  }
  return systemToolPaths;
}

/**
 * Body of every stub (after a line setting its tool name). Uses bash builtins only, except to save
 * stdin or a --config file, so that a call costs one bash start-up. Rules come from rules.sh, sourced.
 */
const STUB_BODY = `dir=$STUB_DIR
capture=0
config=""
prev=""
for a in "$@"; do
  if [ "$prev" = "-f" ] && [ "$a" = "-" ]; then capture=1; fi
  if [ "$a" = "-i" ] || [ "$a" = "--stdin" ]; then capture=1; fi
  if [ "$prev" = "--config" ]; then config=$a; fi
  prev=$a
done
# Read stdin before taking a sequence number: in "a | b" the producer a has then been recorded.
if [ "$capture" = 1 ]; then cat >"$dir/stdin.$$"; fi
n=0
if [ -f "$dir/counter" ]; then read -r n <"$dir/counter"; fi
n=$((n + 1))
echo "$n" >"$dir/counter"
printf -v id '%04d' "$n"
printf '%s\\0' "$tool" "$@" >"$dir/calls/$id.argv"
if [ "$capture" = 1 ]; then mv "$dir/stdin.$$" "$dir/calls/$id.stdin"; fi
if [ -n "$config" ] && [ -f "$config" ]; then cp "$config" "$dir/calls/$id.config"; fi
joined="$*"
# Helper for rules: write $BODY to curl's -o file and print curl's -w output.
stub_curl_respond() {
  local out="" p="" a
  for a in "$@"; do
    if [ "$p" = "-o" ]; then out=$a; fi
    p=$a
  done
  if [ -n "$out" ]; then printf '%s' "$BODY" >"$out"; fi
  printf '%s %s' "$CODE" "$CTYPE"
}
RULE_TOOL=()
if [ -f "$dir/rules.sh" ]; then source "$dir/rules.sh"; fi
i=0
while [ "$i" -lt "\${#RULE_TOOL[@]}" ]; do
  if [ "\${RULE_TOOL[$i]}" = "$tool" ] && [[ "$joined" =~ \${RULE_RE[$i]} ]]; then
    printf '%s' "\${RULE_OUT[$i]}"
    printf '%s' "\${RULE_ERR[$i]}" >&2
    eval "\${RULE_RUN[$i]}"
    exit "\${RULE_CODE[$i]}"
  fi
  i=$((i + 1))
done
exit 0
`;

/** Quote a string for bash ($'...' form handles newlines and any byte). */
export function bashQuote(s: string): string {
  let out = "$'";
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === "'") out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + "'";
}

export interface Rule {
  tool: string;
  /** Regular expression (bash ERE) matched against the space-joined arguments; default: any call. */
  match?: string;
  exit?: number;
  stdout?: string;
  stderr?: string;
  /** Bash snippet run (eval) inside the stub, with the call's arguments as "$@". */
  run?: string;
}

export interface Call {
  tool: string;
  args: string[];
  /** tool and arguments joined with single spaces */
  line: string;
  stdin?: Buffer;
  config?: string;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout followed by stderr */
  output: string;
}

export interface SandboxOptions {
  /** tools to leave off PATH (to test the "missing tool" error) */
  omit?: string[];
  /** version written to the sandbox project's package.json */
  version?: string;
  /** leave build/ out of the sandbox project, for a test that writes its own build/main.js */
  ownBuild?: boolean;
}

export class Sandbox {
  readonly dir: string;
  /** TODO_ROOT for the scripts: a stand-in project with package.json */
  readonly root: string;
  private readonly bin: string;
  private readonly callsDir: string;
  private readonly rulesFile: string;

  constructor(opts: SandboxOptions = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-scripts-'));
    this.root = path.join(this.dir, 'project');
    this.bin = path.join(this.dir, 'bin');
    this.callsDir = path.join(this.dir, 'calls');
    this.rulesFile = path.join(this.dir, 'rules.sh');
    for (const d of [this.root, this.bin, this.callsDir, path.join(this.dir, 'home'), path.join(this.dir, 'tmp')]) {
      fs.mkdirSync(d, { recursive: true });
    }
    fs.writeFileSync(
      path.join(this.root, 'package.json'),
      JSON.stringify({ name: 'sandbox', version: opts.version ?? '0.1.0' }),
    );
    // The scripts read the environments from the cdk8s app (`node build/main.js --print-env`): this
    // repository's build, unless a test writes its own build/main.js (opts.ownBuild).
    if (!opts.ownBuild) {
      if (!fs.existsSync(path.join(REPO_ROOT, 'build', 'main.js'))) throw new Error('build/main.js is missing: run `npm run build` first');
      fs.symlinkSync(path.join(REPO_ROOT, 'build'), path.join(this.root, 'build'));
    }
    const bash = resolveSystemTools().bash;
    if (!bash) throw new Error('bash not found');
    const omit = new Set(opts.omit ?? []);
    for (const tool of STUBBED_TOOLS) {
      if (omit.has(tool)) continue;
      fs.writeFileSync(path.join(this.bin, tool), `#!${bash}\ntool=${tool}\n${STUB_BODY}`, { mode: 0o755 });
    }
    for (const [tool, target] of Object.entries(resolveSystemTools())) {
      if (!omit.has(tool)) fs.symlinkSync(target, path.join(this.bin, tool));
    }
  }

  /** Add a rule; earlier rules win. */
  rule(r: Rule): this {
    const q = (v: string | undefined) => bashQuote(v ?? '');
    fs.appendFileSync(
      this.rulesFile,
      `RULE_TOOL+=(${q(r.tool)}); RULE_RE+=(${q(r.match ?? '.*')}); RULE_CODE+=(${r.exit ?? 0}); ` +
        `RULE_OUT+=(${q(r.stdout)}); RULE_ERR+=(${q(r.stderr)}); RULE_RUN+=(${q(r.run)})\n`,
    );
    return this;
  }

  /** curl answers for URL paths (matched at the end of the URL). */
  route(urlPath: string, code: number, contentType: string, body = ''): this {
    const escaped = urlPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return this.rule({
      tool: 'curl',
      match: `[^ ]${escaped}$`,
      run: `CODE=${code} CTYPE=${bashQuote(contentType)} BODY=${bashQuote(body)} stub_curl_respond "$@"`,
    });
  }

  /** Run scripts/<script> with bash in the sandbox. */
  run(
    script: string,
    args: string[] = [],
    opts: { env?: Record<string, string>; input?: string | Buffer } = {},
  ): RunResult {
    const env: Record<string, string> = {
      PATH: this.bin,
      HOME: path.join(this.dir, 'home'),
      TMPDIR: path.join(this.dir, 'tmp'),
      LANG: 'C',
      LC_ALL: 'C',
      STUB_DIR: this.dir,
      TODO_ROOT: this.root,
      TODO_RETRY_DELAY: '0',
      TODO_SMOKE_DELAY: '0',
      TODO_POLL_INTERVAL: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      ...opts.env,
    };
    const res = spawnSync(resolveSystemTools().bash ?? 'bash', [path.join(SCRIPTS_DIR, script), ...args], {
      cwd: this.root,
      env,
      input: opts.input ?? '',
      encoding: 'utf8',
      timeout: 20000,
    });
    if (res.error) throw res.error;
    return { status: res.status, stdout: res.stdout, stderr: res.stderr, output: res.stdout + res.stderr };
  }

  calls(tool?: string): Call[] {
    const ids = fs.readdirSync(this.callsDir).filter((f) => f.endsWith('.argv')).sort();
    const all = ids.map((f) => {
      const id = f.slice(0, -'.argv'.length);
      const parts = fs.readFileSync(path.join(this.callsDir, f), 'utf8').split('\0');
      parts.pop(); // trailing NUL
      const [name, ...args] = parts;
      const stdinFile = path.join(this.callsDir, `${id}.stdin`);
      const configFile = path.join(this.callsDir, `${id}.config`);
      return {
        tool: name,
        args,
        line: [name, ...args].join(' '),
        stdin: fs.existsSync(stdinFile) ? fs.readFileSync(stdinFile) : undefined,
        config: fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined,
      };
    });
    return tool ? all.filter((c) => c.tool === tool) : all;
  }

  lines(tool?: string): string[] {
    return this.calls(tool).map((c) => c.line);
  }

  /** Create a git repository with one commit; returns its short (7) commit id. */
  gitRepo(dir: string, files: Record<string, string>): string {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    const env = {
      ...process.env,
      HOME: path.join(this.dir, 'home'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };
    const git = (...args: string[]) => {
      const r = spawnSync('git', ['-C', dir, ...args], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    return git('rev-parse', '--short=7', 'HEAD');
  }

  /** Forget recorded calls and rules (to reuse one sandbox across tests). */
  reset(): void {
    fs.rmSync(this.callsDir, { recursive: true, force: true });
    fs.mkdirSync(this.callsDir);
    fs.rmSync(path.join(this.dir, 'counter'), { force: true });
    fs.rmSync(this.rulesFile, { force: true });
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
