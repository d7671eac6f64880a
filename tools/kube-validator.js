#!/usr/bin/env node
/**
 * Builds the exact validator: the Kubernetes API server's own validation (lib/validation/exact/go), compiled to
 * WebAssembly from the Kubernetes the test control plane pins (test/control-plane/go.mod and go.sum, used as they
 * are), and installs it beside the compiled validation code, where the runtime looks for it:
 *
 *   build/lib/validation/exact/kube-validator.wasm.br   the module, brotli-compressed (what the package ships)
 *   build/lib/validation/exact/wasm_exec.js             Go's JavaScript support file, from the same Go toolchain
 *   build/lib/validation/exact/kube-validator.json      what it was built from (key, Kubernetes and Go versions)
 *
 * A build goes into a cache directory keyed by everything it is built from (the pinned go.mod and go.sum, the Go
 * sources and stubs, this script, the Go version), like the control plane's binaries:
 *   ${TODO_CONTROL_PLANE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/cdk8s-fastapi-nextjs}/kube-validator-<k8s>-<key>/
 * so a second build with the same inputs only copies. Go is needed to build, never to use it.
 *
 * Two modules of the pinned graph do not compile for GOOS=js (reached only through the storage factory the
 * registry strategies import, never called): github.com/coreos/go-systemd/v22 (journal) and
 * go.etcd.io/etcd/client/pkg/v3 (fileutil's flock). The build copies them from the module cache into its
 * temporary directory, replaces the one file of each that does not compile with ours (lib/validation/exact/go/
 * wasm-overlay/), and points a generated modfile at the copies; everything else is the pinned graph unchanged.
 *
 * Usage: node tools/kube-validator.js [build|key|path] [--if-cached] [--quiet]
 *   build (default)  build when the cache has none, then install into build/lib/validation/exact/
 *   --if-cached      install only what the cache already holds; never run Go (exit 0 either way)
 *   key              print the cache key;  path: print the cache directory
 * Environment: GOFLAGS (e.g. -p=1 on a busy machine) is passed to go build.
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const root = path.resolve(__dirname, '..');
const sourceDir = path.join(root, 'lib', 'validation', 'exact', 'go');
const controlPlaneDir = path.join(root, 'test', 'control-plane');
const installDir = path.join(root, 'build', 'lib', 'validation', 'exact');
const MODULE = 'github.com/cdk8s-fastapi-nextjs/kube-validator';
/** Modules whose one file that does not compile for GOOS=js is replaced: module, file in it, our replacement. */
const STUBS = [
  { module: 'github.com/coreos/go-systemd/v22', file: 'journal/journal_unix.go', replacement: 'journal_unix.go' },
  { module: 'go.etcd.io/etcd/client/pkg/v3', file: 'fileutil/lock_flock.go', replacement: 'lock_flock.go' },
];
const ARTIFACTS = ['kube-validator.wasm.br', 'wasm_exec.js', 'kube-validator.json'];

const args = process.argv.slice(2);
const command = args.find((arg) => !arg.startsWith('--')) ?? 'build';
const quiet = args.includes('--quiet');
const log = (message) => { if (!quiet) console.error(`kube-validator: ${message}`); };

function usage() {
  const text = fs.readFileSync(__filename, 'utf8');
  process.stdout.write(`${text.slice(text.indexOf('/**') + 3, text.indexOf('*/')).replace(/^ \* ?/gm, '').trim()}\n`);
}

/** The Kubernetes version the control plane pins (read without Go, as control-plane.sh does). */
function kubernetesVersion() {
  const match = /^\s*k8s\.io\/kubernetes (v[0-9.]+)/m.exec(fs.readFileSync(path.join(controlPlaneDir, 'go.mod'), 'utf8'));
  if (!match) throw new Error('test/control-plane/go.mod does not require k8s.io/kubernetes');
  return match[1];
}

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(file) : [file];
  }).sort();
}

function goVersion() {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Everything the module is built from; the Go version is part of it when Go is there to build. */
function cacheKey(go = goVersion()) {
  const hash = crypto.createHash('sha256');
  for (const file of [path.join(controlPlaneDir, 'go.mod'), path.join(controlPlaneDir, 'go.sum'), __filename, ...filesUnder(sourceDir)]) {
    hash.update(`${path.relative(root, file)}\0`).update(fs.readFileSync(file)).update('\0');
  }
  hash.update(go ?? 'no-go');
  return hash.digest('hex').slice(0, 16);
}

function cacheRoot() {
  return process.env.TODO_CONTROL_PLANE_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cdk8s-fastapi-nextjs');
}

function cacheDir(key) {
  return path.join(cacheRoot(), `kube-validator-${kubernetesVersion()}-${key}`);
}

/** A cached build, whichever Go version made it: the newest one whose inputs other than Go match. */
function anyCachedBuild() {
  const prefix = `kube-validator-${kubernetesVersion()}-`;
  if (!fs.existsSync(cacheRoot())) return undefined;
  const sourcesOnly = cacheKeyWithoutGo();
  return fs.readdirSync(cacheRoot())
    .filter((name) => name.startsWith(prefix))
    .map((name) => path.join(cacheRoot(), name))
    .filter((dir) => ARTIFACTS.every((file) => fs.existsSync(path.join(dir, file))))
    .filter((dir) => JSON.parse(fs.readFileSync(path.join(dir, 'kube-validator.json'), 'utf8')).sourceKey === sourcesOnly)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

function cacheKeyWithoutGo() {
  return cacheKey('any');
}

function go(goArgs, options) {
  execFileSync('go', goArgs, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

/** Builds into a temporary directory beside the cache and moves it into place when complete. */
function build(dir) {
  const started = Date.now();
  log(`building the exact validator (Kubernetes ${kubernetesVersion()}, ${goVersion()}) -> ${dir}`);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cacheRoot(), '.build.'));
  try {
    // The control plane's module graph, unchanged, as this module's: same requirements, same replacements, same sums.
    const goMod = fs.readFileSync(path.join(controlPlaneDir, 'go.mod'), 'utf8')
      .replace(/^module .*$/m, `module ${MODULE}`)
      .replace(/^tool \([^)]*\)\n/m, '');
    fs.writeFileSync(path.join(tmp, 'go.mod'), goMod);
    fs.copyFileSync(path.join(controlPlaneDir, 'go.sum'), path.join(tmp, 'go.sum'));
    go(['mod', 'download', ...STUBS.map((stub) => stub.module)], { cwd: sourceDir, env: { ...process.env, GOFLAGS: `-modfile=${path.join(tmp, 'go.mod')}` } });
    const replaces = STUBS.map((stub) => {
      const moduleDir = execFileSync('go', ['list', `-modfile=${path.join(tmp, 'go.mod')}`, '-m', '-f', '{{.Dir}}', stub.module], { cwd: sourceDir, encoding: 'utf8' }).trim();
      const copy = path.join(tmp, 'stubs', stub.module.replace(/[^A-Za-z0-9.-]+/g, '_'));
      fs.cpSync(moduleDir, copy, { recursive: true });
      for (const file of filesUnder(copy)) fs.chmodSync(file, 0o644);
      fs.copyFileSync(path.join(sourceDir, 'wasm-overlay', stub.replacement), path.join(copy, stub.file));
      return `-replace=${stub.module}=${copy}`;
    });
    go(['mod', 'edit', ...replaces, path.join(tmp, 'go.mod')]);
    const wasm = path.join(tmp, 'kube-validator.wasm');
    go(['build', `-modfile=${path.join(tmp, 'go.mod')}`, '-trimpath', '-ldflags=-s -w', '-o', wasm, '.'],
      { cwd: sourceDir, env: { ...process.env, GOOS: 'js', GOARCH: 'wasm', CGO_ENABLED: '0' } });
    const raw = fs.readFileSync(wasm);
    fs.writeFileSync(path.join(tmp, 'kube-validator.wasm.br'), zlib.brotliCompressSync(raw, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_LGWIN]: 24, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    }));
    fs.rmSync(wasm);
    const goRoot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
    const wasmExec = [path.join(goRoot, 'lib', 'wasm', 'wasm_exec.js'), path.join(goRoot, 'misc', 'wasm', 'wasm_exec.js')].find((file) => fs.existsSync(file));
    if (!wasmExec) throw new Error(`wasm_exec.js not found under ${goRoot}`);
    fs.copyFileSync(wasmExec, path.join(tmp, 'wasm_exec.js'));
    fs.writeFileSync(path.join(tmp, 'kube-validator.json'), `${JSON.stringify({
      kubernetesVersion: kubernetesVersion(), goVersion: goVersion(), key: path.basename(dir).split('-').pop(),
      sourceKey: cacheKeyWithoutGo(), rawBytes: raw.length,
    }, null, 2)}\n`);
    for (const name of ['go.mod', 'go.sum', 'stubs']) fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    // Older builds of the same Kubernetes version are superseded (about 15 MB each).
    for (const name of fs.readdirSync(cacheRoot())) {
      if (name.startsWith(`kube-validator-${kubernetesVersion()}-`) && path.join(cacheRoot(), name) !== dir) fs.rmSync(path.join(cacheRoot(), name), { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
}

function install(dir) {
  fs.mkdirSync(installDir, { recursive: true });
  for (const file of ARTIFACTS) fs.copyFileSync(path.join(dir, file), path.join(installDir, file));
  log(`installed ${path.relative(root, installDir)}/ from ${dir}`);
}

function main() {
  if (args.includes('--help') || args.includes('-h')) return usage();
  if (command === 'key') return console.log(cacheKey());
  if (command === 'path') return console.log(cacheDir(cacheKey()));
  if (command !== 'build') throw new Error(`unknown command "${command}" (build, key, path; --help)`);
  const goAvailable = goVersion() !== undefined;
  // TODO_EXACT_VALIDATOR_BUILD=if-cached: what npm test's pack uses, with Node and npm only.
  const ifCached = args.includes('--if-cached') || process.env.TODO_EXACT_VALIDATOR_BUILD === 'if-cached';
  if (ifCached || !goAvailable) {
    const cached = goAvailable ? [cacheDir(cacheKey())].find((dir) => fs.existsSync(path.join(dir, ARTIFACTS[0]))) ?? anyCachedBuild() : anyCachedBuild();
    if (cached) return install(cached);
    if (ifCached) return log('no cached build; the fast validator is used (build it with: node tools/kube-validator.js)');
    throw new Error('Go is needed to build the exact validator (Go 1.26, see test/control-plane/go.mod)');
  }
  const dir = cacheDir(cacheKey());
  if (!ARTIFACTS.every((file) => fs.existsSync(path.join(dir, file)))) build(dir);
  install(dir);
}

module.exports = { ARTIFACTS };
if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`kube-validator: ${error.message}`);
    process.exitCode = 1;
  }
}
