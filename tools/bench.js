#!/usr/bin/env node
/**
 * npm run bench: times synthesis against anchors run in the same session, prints a table of ratios and writes
 * BENCHMARKS.md with the machine and its load.
 *
 *   node tools/bench.js [--quick] [--rounds N] [--pairs 100,1000,10000] [--skip-tests] [--cluster] [--node] [--no-write]
 *
 * - Anchors are interleaved with our commands, round by round (one discarded warm-up round first), and every ratio
 *   is the median of the per-round ratios, so a machine that gets busier mid-run shifts both sides alike:
 *   our app (node build/main.js, every environment) vs `helm template` of the chart (helm/todo, its derived files from `npm run helm`), once per
 *   environment with its values file,
 *   and `npx cdk8s synth` vs a minimal compiled cdk8s app through the same CLI.
 * - Generated apps of 100, 1,000 and 10,000 backend+frontend pairs (tools/bench-pairs-app.js), phase by phase:
 *   time, peak memory, validation as a share of synth, marginal cost per pair and a growth verdict.
 * - The exact validator (the API server's validation in WebAssembly): start-up, per-object cost and peak RSS in fresh
 *   processes (tools/bench-exact-validator.js), its package size, and the app synthesized with it vs without it.
 *   Everything else runs the fast validator (CDK8S_VALIDATION=fast), so its figures stay comparable across runs.
 * - The test suites, wall time: `npm test`; with --cluster (needs Go), `npm run test:cluster` and the start of the
 *   test control plane (`control-plane.sh build` first: a no-op when the cache holds it); with --node (root, Go,
 *   the node suite's Debian packages), the real node's start, `npm run test:node` and the node's peak memory. The table goes to
 *   BENCHMARKS.md and, through tools/bench-docs.js, into the timings docs/development.md quotes.
 * Each figure is printed with the 1-minute load average measured around it. Nothing here has a timeout and nothing
 * throws: a step that fails is reported as failed and the bench goes on with the rest.
 * --quick: 1 measured round, pairs 100 and 1,000 only (for checking the bench itself, not for BENCHMARKS.md).
 * --no-write: print the report only (BENCHMARKS.md and docs/development.md stay as they are).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const Module = require('module');
const os = require('os');
const path = require('path');
const benchDocs = require('./bench-docs');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const quick = flag('--quick');
const rounds = Number(option('--rounds', quick ? 1 : 5));
const pairCounts = option('--pairs', quick ? '100,1000' : '100,1000,10000').split(',').map(Number);

const TARGETS = {
  appVsHelm: 1.2,
  cliVsMinimal: 1.1,
  validationShare: 0.10,
  peakMemory10kMb: 2048,
  npmTestSeconds: 20,
  /** Marginal cost per pair from 1,000 to 10,000 pairs over that from 100 to 1,000: above this is worse than linear. */
  linearGrowth: 1.5,
  /**
   * The exact validator. A synth takes about 0.5 s; the exact validator is a one-time cost per process that must keep
   * a synth interactive (a few seconds, once), cost little per object so a 10x larger output barely notices, fit a
   * CI runner's memory next to the app, and keep the npm package a download of seconds.
   */
  exactStartUpSeconds: 2.5,
  exactPerObjectMs: 10,
  exactPeakRssMb: 700,
  exactPackageMb: 16,
  exactSynthOverheadSeconds: 3,
};

const failures = [];
const load1 = () => os.loadavg()[0];

/** Runs `fn`; a thrown error becomes a recorded failure and `undefined`, never a crash. */
function attempt(what, fn) {
  try {
    return fn();
  } catch (error) {
    failures.push({ what, reason: String(error.message ?? error).split('\n').slice(0, 6).join(' / ') });
    console.error(`bench: ${what} failed: ${error.message ?? error}`);
    return undefined;
  }
}

/** Runs a command to completion (no timeout) and returns its wall time and the load average around it. */
function run(command, commandArgs, options = {}) {
  const loadBefore = load1();
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { cwd: root, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = `${result.stdout}\n${result.stderr}`;
    // Jest marks each failed test with ●: those lines say what failed; otherwise the end of the output.
    const marked = [...new Set(output.split('\n').filter((line) => line.includes('●')).map((line) => line.trim()))];
    const reason = marked.length > 0 ? marked.join('; ') : output.trim().slice(-800);
    throw new Error(`${path.basename(command)} ${commandArgs.join(' ')} exited with ${result.status ?? result.signal}: ${reason}`);
  }
  return { seconds, stdout: result.stdout, load: (loadBefore + load1()) / 2 };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summary(samples) {
  if (samples.length === 0) return undefined;
  const seconds = samples.map((sample) => sample.seconds);
  const loads = samples.map((sample) => sample.load);
  return { median: median(seconds), min: Math.min(...seconds), max: Math.max(...seconds), runs: samples.length, loadMin: Math.min(...loads), loadMax: Math.max(...loads) };
}

/** Loads test/k8s-tools.ts (the helm binary the tests use, unzipped from an npm package) by transpiling it. */
function helmBinary() {
  const ts = require('typescript');
  const file = path.join(root, 'test', 'k8s-tools.ts');
  const output = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const module = new Module(file);
  module.filename = file;
  module.paths = Module._nodeModulePaths(path.dirname(file));
  module._compile(output, file);
  return module.exports.k8sTools().helm;
}

/** A minimal compiled cdk8s app (one chart, one ConfigMap), synthesized through the same CLI as ours. */
function writeMinimalApp(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.js'), [
    "const { App, Chart, ApiObject } = require('cdk8s');",
    'const app = new App();',
    "const chart = new Chart(app, 'minimal');",
    "new ApiObject(chart, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'minimal' }, data: { key: 'value' } });",
    'app.synth();',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node app.js\n');
  return dir;
}

function setUp(scratch) {
  attempt('npm run build', () => run('npm', ['run', 'build', '--silent']));
  const helmChart = path.join(scratch, 'helm', 'todo');
  const helmGeneration = attempt('npm run helm (tools/helm-charts.js)', () => run('node', [path.join(root, 'tools', 'helm-charts.js'), '--output', helmChart]));
  const helm = attempt('helm binary (test/k8s-tools.ts)', helmBinary);
  // Inside the repository, so that the minimal app resolves cdk8s from node_modules.
  const minimalApp = writeMinimalApp(path.join(root, 'build', 'bench-minimal-app'));
  // One environment per values file: values.yaml is local, values-<env>.yaml the others.
  const environments = helmGeneration ? fs.readdirSync(helmChart).map((name) => /^values-(.+)\.yaml$/.exec(name)?.[1]).filter(Boolean) : [];
  // Installs the exact validator from the cache, or builds it when Go is there; without either, its figures are n/a.
  const exactInstalled = attempt('exact validator (node tools/kube-validator.js)', () => run('node', [path.join(root, 'tools', 'kube-validator.js'), 'build', '--quiet'])) !== undefined
    && fs.existsSync(path.join(root, 'build', 'lib', 'validation', 'exact', 'kube-validator.wasm.br'));
  return { helmChart, helmGeneration, helm, minimalApp, environments, exactInstalled };
}

/** The exact validator in fresh processes: start-up, per-object cost, peak RSS, package size (median of the runs). */
function benchExact(setup) {
  if (!setup.exactInstalled) return undefined;
  const runs = [];
  for (let index = 0; index < (quick ? 1 : 3); index++) {
    const sample = attempt(`exact validator, run ${index + 1}`, () => {
      const { stdout, load } = run('node', [path.join(root, 'tools', 'bench-exact-validator.js'), quick ? '5' : '20']);
      return { load, ...JSON.parse(stdout) };
    });
    if (sample) runs.push(sample);
  }
  if (runs.length === 0) return undefined;
  const pick = (name) => median(runs.map((sample) => sample[name]));
  return {
    startUp: pick('startUp'), firstBatch: pick('firstBatch'), perObject: pick('perObject'), objects: runs[0].objects,
    maxRssMb: Math.max(...runs.map((sample) => sample.maxRssMb)), compressedMb: runs[0].compressedBytes / 1e6, rawMb: runs[0].rawBytes / 1e6,
    runs: runs.length, loadMin: Math.min(...runs.map((sample) => sample.load)), loadMax: Math.max(...runs.map((sample) => sample.load)),
  };
}

const CLI_ENV = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', CDK8S_VALIDATION: 'fast' };
const FAST = { ...process.env, CDK8S_VALIDATION: 'fast' };

/** The interleaved comparisons: each round runs ours and the anchors back to back. */
function interleaved(setup, scratch) {
  const commands = {
    app: () => run('node', [path.join(root, 'build', 'main.js')], { env: { ...FAST, TODO_ENV: 'all', CDK8S_OUTDIR: path.join(scratch, 'app') } }),
    exactApp: () => {
      if (!setup.exactInstalled) throw new Error('no exact validator installed (node tools/kube-validator.js needs Go)');
      return run('node', [path.join(root, 'build', 'main.js')], { env: { ...process.env, CDK8S_VALIDATION: 'exact', TODO_ENV: 'all', CDK8S_OUTDIR: path.join(scratch, 'exact-app') } });
    },
    helm: () => {
      if (!setup.helm || setup.environments.length === 0) throw new Error('no helm binary or no chart from npm run helm');
      // Each environment is the release named like its namespace, with its values file (as dist/<env> is).
      const samples = setup.environments.map((environment) => run(setup.helm, ['template', `todo-${environment}`, setup.helmChart, '-n', `todo-${environment}`,
        '--skip-tests', '-f', path.join(setup.helmChart, `values-${environment}.yaml`)]));
      return { seconds: samples.reduce((sum, sample) => sum + sample.seconds, 0), load: median(samples.map((sample) => sample.load)) };
    },
    cli: () => run('npx', ['cdk8s', 'synth', '--output', path.join(scratch, 'cli')], { env: { ...CLI_ENV, TODO_ENV: 'all' } }),
    minimalCli: () => run('npx', ['cdk8s', 'synth', '--output', path.join(scratch, 'minimal-cli')], { cwd: setup.minimalApp, env: CLI_ENV }),
    minimalApp: () => run('node', ['app.js'], { cwd: setup.minimalApp, env: { ...FAST, CDK8S_OUTDIR: path.join(scratch, 'minimal-app') } }),
    tscNoop: () => run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-b']),
  };
  const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const [name, command] of Object.entries(commands)) {
      const sample = attempt(`${name}, round ${round}`, command);
      if (sample && round > 0) samples[name].push(sample); // round 0 warms the file cache and the compile cache
    }
  }
  return samples;
}

/** Median of per-round ratios, over the rounds where both sides succeeded. */
function ratio(ours, anchor) {
  const count = Math.min(ours.length, anchor.length);
  if (count === 0) return undefined;
  const ratios = Array.from({ length: count }, (_, index) => ours[index].seconds / anchor[index].seconds);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

function benchPairs(scratch) {
  const results = {};
  for (const pairs of pairCounts) {
    const count = pairs >= 10000 ? 1 : pairs >= 1000 ? Math.min(rounds, 3) : rounds;
    const samples = [];
    for (let index = 0; index < count; index++) {
      const outdir = path.join(scratch, `pairs-${pairs}`);
      const sample = attempt(`${pairs} pairs, run ${index + 1}`, () => {
        // --max-old-space-size: the default heap limit, not the 2 GiB target, must never be what stops the run.
        const { seconds, stdout, load } = run('node', ['--max-old-space-size=8192', path.join(root, 'tools', 'bench-pairs-app.js'), String(pairs), outdir], { env: FAST });
        return { wall: seconds, load, ...JSON.parse(stdout) };
      });
      fs.rmSync(outdir, { recursive: true, force: true });
      if (sample) samples.push(sample);
    }
    if (samples.length > 0) results[pairs] = samples;
  }
  const writers = attempt('YAML writers, 1,000 pairs', () => {
    const outdir = path.join(scratch, 'writers');
    const { stdout, load } = run('node', [path.join(root, 'tools', 'bench-pairs-app.js'), '1000', outdir, '--writers']);
    fs.rmSync(outdir, { recursive: true, force: true });
    return { load, ...JSON.parse(stdout) };
  });
  return { results, writers };
}

/** Median of one phase (or of the wall time) over the runs of one pair count. */
function pairFigure(samples, pick) {
  return median(samples.map(pick));
}

function benchTests() {
  const count = quick ? 1 : Math.min(3, rounds);
  const samples = [];
  for (let index = 0; index < count; index++) {
    const sample = attempt(`npm test, run ${index + 1}`, () => run('npm', ['test', '--silent'], { env: FAST }));
    if (sample) samples.push(sample);
  }
  return summary(samples);
}

/** --cluster: the test control plane's start (stopped again after each) and `npm run test:cluster`, once. */
function benchCluster(scratch) {
  const script = path.join(root, 'test', 'control-plane', 'control-plane.sh');
  if (!attempt('control-plane.sh build', () => run('bash', [script, 'build']))) return {};
  const starts = [];
  for (let index = 0; index < (quick ? 1 : 3); index++) {
    const dir = path.join(scratch, `control-plane-${index}`);
    try {
      const sample = attempt(`control-plane.sh start, run ${index + 1}`, () => run('bash', [script, 'start', dir]));
      if (sample) starts.push(sample);
    } finally {
      spawnSync('bash', [script, 'stop', dir], { stdio: 'ignore' });
    }
  }
  const cluster = attempt('npm run test:cluster', () => run('npm', ['run', 'test:cluster', '--silent']));
  return { controlPlaneStart: summary(starts), cluster: cluster && summary([cluster]) };
}

/**
 * The real node (root, Go and the node suite's Debian packages): `node.sh start` with the node built, and
 * `npm run test:node` with the peak memory its teardown reports.
 */
function benchNode(scratch) {
  const script = path.join(root, 'test', 'node', 'node.sh');
  if (!attempt('node.sh build', () => run('bash', [script, 'build']))) return {};
  const starts = [];
  for (let index = 0; index < (quick ? 1 : 2); index++) {
    const dir = path.join(scratch, `node-${index}`);
    try {
      const sample = attempt(`node.sh start, run ${index + 1}`, () => run('bash', [script, 'start', dir]));
      if (sample) starts.push(sample);
    } finally {
      spawnSync('bash', [script, 'stop', dir], { stdio: 'ignore' });
    }
  }
  let peakMemoryMib;
  const suite = attempt('npm run test:node', () => {
    const loadBefore = load1();
    const start = process.hrtime.bigint();
    const result = spawnSync('npm', ['run', 'test:node', '--silent'], { cwd: root, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    peakMemoryMib = Number(/peak memory of the node (\d+) MiB/.exec(result.stderr ?? '')?.[1]) || undefined;
    if (result.status !== 0) {
      const failed = [...new Set(`${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.includes('●')).map((line) => line.trim()))];
      throw new Error(`npm run test:node exited with ${result.status ?? result.signal}: ${failed.join('; ') || 'see its output'}`);
    }
    return { seconds, load: (loadBefore + load1()) / 2 };
  });
  return { nodeStart: summary(starts), node: suite && summary([suite]), peakMemoryMib };
}

// ---------- report ----------

const fmt = (seconds) => (seconds === undefined ? 'n/a' : `${seconds.toFixed(3)} s`);
const fmtLoad = (low, high) => (Math.abs(high - low) < 0.05 ? low.toFixed(2) : `${low.toFixed(2)}–${high.toFixed(2)}`);
const pct = (value) => `${(value * 100).toFixed(1)}%`;

function verdict(value, target, unit = '×') {
  if (value === undefined) return 'not measured';
  const show = (number) => (unit === '%' ? pct(number) : `${number.toFixed(unit === '×' ? 2 : 1)}${unit === '×' ? '×' : ` ${unit}`}`);
  const excess = unit === '%' ? `${((value - target) * 100).toFixed(1)} points` : show(value - target);
  return value <= target ? `meets ≤ ${show(target)}` : `MISSES ≤ ${show(target)} by +${excess} (${((value / target - 1) * 100).toFixed(0)}% over)`;
}

function report(setup, samples, pairs, tests, clusterSuites, nodeSuites, loadAtStart, exact) {
  const lines = [];
  const machine = `${os.cpus().length} × ${os.cpus()[0].model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  lines.push('# Benchmarks', '',
    `Written by \`npm run bench\` (tools/bench.js${args.length ? ` ${args.join(' ')}` : ''}) on ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC.`, '',
    `Machine: ${machine}. Load average (1/5/15 min) at the start: ${loadAtStart.map((value) => value.toFixed(2)).join(' / ')}; at the end: ${os.loadavg().map((value) => value.toFixed(2)).join(' / ')}.`, '',
    'Every figure has the 1-minute load average measured around it; on a 2-core machine, a load above 2 means the figures are inflated. '
    + 'Ratios are medians of per-round ratios of commands run back to back, so they hold up better under load than absolute times.', '');

  const s = Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, summary(list)]));
  lines.push('## Anchors (same session, interleaved)', '', '| what | median | min | max | runs | load |', '| --- | --- | --- | --- | --- | --- |');
  const row = (what, stats) => lines.push(stats
    ? `| ${what} | ${fmt(stats.median)} | ${fmt(stats.min)} | ${fmt(stats.max)} | ${stats.runs} | ${fmtLoad(stats.loadMin, stats.loadMax)} |`
    : `| ${what} | failed | | | 0 | |`);
  row('our app alone, every environment (`node build/main.js`, TODO_ENV=all: build, validate in memory (fast validator), write)', s.app);
  row('the same with the exact validator (CDK8S_VALIDATION=exact)', s.exactApp);
  row(`\`helm template\` of the chart \`npm run helm\` writes, once per environment (sum of ${setup.environments.length} runs)`, s.helm);
  row('`npx cdk8s synth`, every environment (CLI + `tsc -b` no-op + our app)', s.cli);
  row('`npx cdk8s synth` of a minimal compiled cdk8s app (one ConfigMap), same CLI', s.minimalCli);
  row('minimal compiled cdk8s app alone (`node app.js`): Node + cdk8s floor', s.minimalApp);
  row('`tsc -b` with nothing to compile (the first half of our cdk8s.yaml `app:`)', s.tscNoop);
  if (setup.helmGeneration) lines.push('', `\`npm run helm\` (every environment's chart): ${fmt(setup.helmGeneration.seconds)}, one run, load ${setup.helmGeneration.load.toFixed(2)}.`);

  const skipped = flag('--cluster') ? 'failed (see Failed steps)' : 'not measured (`--cluster`)';
  const nodeSkipped = flag('--node') ? 'failed (see Failed steps)' : 'not measured (`--node`)';
  lines.push('', ...benchDocs.suitesSection({ npmTest: tests, ...clusterSuites, nodeStart: nodeSuites.nodeStart, node: nodeSuites.node },
    { npmTest: flag('--skip-tests') ? 'not measured (`--skip-tests`)' : 'failed (see Failed steps)', cluster: skipped, controlPlaneStart: skipped, nodeStart: nodeSkipped, node: nodeSkipped }));
  if (nodeSuites.peakMemoryMib) lines.push('', `Peak memory of the real node during \`npm run test:node\` (its processes' resident memory plus its pods' cgroup): ${nodeSuites.peakMemoryMib} MiB.`);

  const appVsHelm = ratio(samples.app, samples.helm);
  const cliVsMinimal = ratio(samples.cli, samples.minimalCli);
  const pairsResults = pairs.results;
  const share = (list) => list && pairFigure(list, (sample) => sample.seconds.validate / (sample.seconds.total - sample.seconds.validate));
  const validationShareAt = (count) => share(pairsResults[count]);
  const validationShare1000 = validationShareAt(1000);
  const perPair = (from, to, pick) => pairsResults[from] && pairsResults[to]
    && (pairFigure(pairsResults[to], pick) - pairFigure(pairsResults[from], pick)) / (to - from);
  const growth = (pick) => {
    const early = perPair(100, 1000, pick);
    const late = perPair(1000, 10000, pick);
    return early !== undefined && late !== undefined ? late / early : undefined;
  };
  const validateGrowth = perPair(1000, 10000, (x) => x.seconds.validate) !== undefined
    ? perPair(1000, 10000, (x) => x.seconds.validate) / (pairFigure(pairsResults[1000], (x) => x.seconds.validate) / 1000) : undefined;
  const peak10k = pairsResults[10000] && Math.max(...pairsResults[10000].map((sample) => sample.maxRssMb));

  lines.push('', '## Targets', '', '| target | measured | verdict |', '| --- | --- | --- |');
  const rangeOf = (r) => (r ? `${r.median.toFixed(2)}× (rounds: ${r.min.toFixed(2)}–${r.max.toFixed(2)}×)` : 'n/a');
  lines.push(`| our app ≤ 1.2× \`helm template\`, every environment | ${rangeOf(appVsHelm)} | ${verdict(appVsHelm?.median, TARGETS.appVsHelm)} |`);
  lines.push(`| \`npx cdk8s synth\` ≤ 1.1× minimal app through the same CLI | ${rangeOf(cliVsMinimal)} | ${verdict(cliVsMinimal?.median, TARGETS.cliVsMinimal)} |`);
  lines.push(`| validation ≤ 10% of synth, 1,000 pairs | ${validationShare1000 === undefined ? 'n/a' : pct(validationShare1000)} of synth without validation | ${verdict(validationShare1000, TARGETS.validationShare, '%')} |`);
  lines.push(`| validation linear, 1,000 → 10,000 pairs | ${validateGrowth === undefined ? 'n/a' : `marginal cost per pair ${validateGrowth.toFixed(2)}× the average at 1,000`} | ${validateGrowth === undefined ? 'not measured' : validateGrowth <= TARGETS.linearGrowth ? 'linear' : `WORSE than linear (${validateGrowth.toFixed(2)}× > ${TARGETS.linearGrowth}×)`} |`);
  lines.push(`| 10,000 pairs within 2 GiB | ${peak10k === undefined ? 'n/a' : `${peak10k.toFixed(0)} MB peak RSS`} | ${verdict(peak10k, TARGETS.peakMemory10kMb, 'MB')} |`);
  lines.push(`| \`npm test\` ≤ 20 s wall | ${tests ? `${fmt(tests.median)} (load ${fmtLoad(tests.loadMin, tests.loadMax)})` : 'n/a'} | ${tests ? verdict(tests.median, TARGETS.npmTestSeconds, 's') + (tests.loadMax > os.cpus().length ? ' (machine loaded: absolute time, not comparable)' : '') : 'not measured'} |`);

  const exactOverhead = ratio(samples.exactApp, samples.app) && median(samples.exactApp.slice(0, samples.app.length).map((sample, index) => sample.seconds - samples.app[index].seconds));
  lines.push(`| exact validator start-up ≤ ${TARGETS.exactStartUpSeconds} s (read, compile, initialize) | ${exact ? fmt(exact.startUp) : 'n/a'} | ${verdict(exact?.startUp, TARGETS.exactStartUpSeconds, 's')} |`);
  lines.push(`| exact validator ≤ ${TARGETS.exactPerObjectMs} ms per object (every environment's ${exact?.objects ?? '?'} objects, batched) | ${exact ? `${(exact.perObject * 1000).toFixed(2)} ms` : 'n/a'} | ${verdict(exact && exact.perObject * 1000, TARGETS.exactPerObjectMs, 'ms')} |`);
  lines.push(`| exact validator peak RSS ≤ ${TARGETS.exactPeakRssMb} MB (whole process) | ${exact ? `${exact.maxRssMb.toFixed(0)} MB` : 'n/a'} | ${verdict(exact?.maxRssMb, TARGETS.exactPeakRssMb, 'MB')} |`);
  lines.push(`| exact validator in the package ≤ ${TARGETS.exactPackageMb} MB | ${exact ? `${exact.compressedMb.toFixed(1)} MB brotli (${exact.rawMb.toFixed(0)} MB raw)` : 'n/a'} | ${verdict(exact?.compressedMb, TARGETS.exactPackageMb, 'MB')} |`);
  lines.push(`| synth with the exact validator ≤ ${TARGETS.exactSynthOverheadSeconds} s more than without | ${exactOverhead === undefined ? 'n/a' : `+${fmt(exactOverhead)} (${fmt(s.exactApp?.median)} vs ${fmt(s.app?.median)})`} | ${verdict(exactOverhead, TARGETS.exactSynthOverheadSeconds, 's')} |`);
  if (exact) lines.push('', `Exact validator: ${exact.runs} fresh processes, load ${fmtLoad(exact.loadMin, exact.loadMax)}; the first batch (every environment) took ${fmt(exact.firstBatch)}, later ones ${(exact.perObject * 1000).toFixed(2)} ms per object.`);

  lines.push('', '## Generated apps: N backend+frontend pairs (tools/bench-pairs-app.js)', '',
    'Phases inside the process: load (require), construct, resolve (construct validations + `toJson`), validate (in memory), write (cdk8s `Yaml.stringify` + file, as `app.synth()`). '
    + 'Validation share = validate / (everything else).', '',
    '| pairs | objects | wall | load | construct | resolve | validate | write | validation share | write share | peak RSS | runs | load avg |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const count of pairCounts) {
    const list = pairsResults[count];
    if (!list) {
      lines.push(`| ${count} | failed | | | | | | | | | | 0 | |`);
      continue;
    }
    const phase = (name) => fmt(pairFigure(list, (sample) => sample.seconds[name] ?? NaN));
    const writeShare = pairFigure(list, (sample) => (sample.seconds.write ?? NaN) / sample.seconds.total);
    const loads = list.map((sample) => sample.load);
    lines.push(`| ${count.toLocaleString('en')} | ${list[0].objects} | ${fmt(pairFigure(list, (x) => x.wall))} | ${phase('load')} | ${phase('construct')} | ${phase('resolve')} | ${phase('validate')} | ${phase('write')} | `
      + `${pct(share(list))} | ${pct(writeShare)} | ${Math.max(...list.map((x) => x.maxRssMb)).toFixed(0)} MB | ${list.length} | ${fmtLoad(Math.min(...loads), Math.max(...loads))} |`);
  }
  const marginal = (from, to, pick, unit) => {
    const value = perPair(from, to, pick);
    return value === undefined ? 'n/a' : unit === 'MB' ? `${value.toFixed(3)} MB` : `${(value * 1000).toFixed(2)} ms`;
  };
  const growthLine = (name, pick, unit = 's') => {
    const g = growth(pick);
    return `- ${name}: ${marginal(100, 1000, pick, unit)} per pair from 100 to 1,000, ${marginal(1000, 10000, pick, unit)} from 1,000 to 10,000`
      + (g === undefined ? '' : ` (ratio ${g.toFixed(2)}: ${g <= TARGETS.linearGrowth ? 'linear or better' : 'WORSE than linear'})`);
  };
  lines.push('', 'Marginal cost per pair and growth verdict (100 → 1,000 → 10,000):', '',
    growthLine('whole process (wall)', (x) => x.wall),
    growthLine('validation', (x) => x.seconds.validate),
    growthLine('write (cdk8s Yaml.stringify)', (x) => x.seconds.write ?? NaN),
    growthLine('peak RSS', (x) => x.maxRssMb, 'MB'));

  if (pairs.writers?.writers) {
    const reference = Object.values(pairs.writers.writers)[0].seconds;
    lines.push('', `## YAML writers, same 1,000-pair objects (${pairs.writers.objects} objects, load ${pairs.writers.load.toFixed(2)})`, '',
      '| writer | time | vs cdk8s | output | same bytes as cdk8s |', '| --- | --- | --- | --- | --- |');
    for (const [name, { seconds, megabytes, sameAsCdk8s }] of Object.entries(pairs.writers.writers)) {
      lines.push(`| ${name} | ${fmt(seconds)} | ${(seconds / reference).toFixed(2)}× | ${megabytes.toFixed(1)} MB | ${sameAsCdk8s ? 'yes' : 'no'} |`);
    }
    lines.push('', 'The decision and a minimal reproduction: docs/yaml-writer.md.');
  }

  lines.push('', '## Why a target is missed', '');
  const notes = [];
  if (appVsHelm && appVsHelm.median > TARGETS.appVsHelm && s.minimalApp && s.helm) {
    notes.push(`- App vs \`helm template\`: helm is one Go binary per chart; our app is a Node process that loads cdk8s, cdk8s-plus-28 and the validation schemas. `
      + `The floor, a minimal cdk8s app that writes one ConfigMap, already takes ${fmt(s.minimalApp.median)}, ${(s.minimalApp.median / s.helm.median).toFixed(2)}× the four \`helm template\` runs; `
      + `ours takes ${fmt(s.app.median - s.minimalApp.median)} more (loading cdk8s-plus-28 and the validators, building four charts, validating and writing them).`);
  }
  if (cliVsMinimal && cliVsMinimal.median > TARGETS.cliVsMinimal && s.app && s.minimalApp) {
    notes.push(`- \`npx cdk8s synth\` vs the minimal app: both pay npx and the CLI (${fmt(s.minimalCli.median - s.minimalApp.median)} beyond the minimal app itself); `
      + `ours adds the \`tsc -b\` up-to-date check of cdk8s.yaml's \`app:\` (${fmt(s.tscNoop?.median)}) and our app's own time beyond the floor (${fmt(s.app.median - s.minimalApp.median)}).`);
  }
  if (validationShare1000 !== undefined && validationShare1000 > TARGETS.validationShare) {
    const validate = (count) => pairsResults[count] && pairFigure(pairsResults[count], (x) => x.seconds.validate);
    const perPairValidate = perPair(100, 1000, (x) => x.seconds.validate);
    const fixed = perPairValidate === undefined ? undefined : validate(1000) - 1000 * perPairValidate;
    notes.push(`- Validation at 1,000 pairs takes ${fmt(validate(1000))}`
      + (fixed === undefined ? '' : `, of which about ${fmt(Math.max(0, fixed))} is a fixed cost (loading the kubernetes-models validator modules and the CEL runtime) and ${(perPairValidate * 1000).toFixed(2)} ms per pair`)
      + ': every built-in object goes through its kubernetes-models validator (precompiled ajv), the Kubernetes field-name tree and the Pod Security rules; none of that re-reads YAML any more. '
      + (validationShareAt(10000) === undefined ? '' : `At 10,000 pairs, where the fixed cost weighs less, the share is ${pct(validationShareAt(10000))}. `)
      + 'A faster YAML writer (docs/yaml-writer.md) would shrink synth and so raise this share.');
  }
  if (exact && (exact.startUp > TARGETS.exactStartUpSeconds || exact.perObject * 1000 > TARGETS.exactPerObjectMs)) {
    notes.push(`- Exact validator: Go's WebAssembly runs on one thread with a stop-the-world collector; its start-up is the initialization of the Kubernetes packages (API schemes, feature gates, the CEL library) and the apply type converter's schema. At load ${fmtLoad(exact.loadMin, exact.loadMax)} on ${os.cpus().length} cores every figure is inflated.`);
  }
  if (tests && tests.median > TARGETS.npmTestSeconds) {
    notes.push(`- \`npm test\` took ${fmt(tests.median)} at load ${fmtLoad(tests.loadMin, tests.loadMax)} on ${os.cpus().length} cores; see the load before comparing with 20 s.`);
  }
  lines.push(...(notes.length > 0 ? notes : ['- No target is missed.']));

  if (failures.length > 0) {
    lines.push('', '## Failed steps', '', ...failures.map(({ what, reason }) => `- ${what}: ${reason}`));
  }
  return `${lines.join('\n')}\n`;
}

function main() {
  if (flag('--help') || flag('-h')) {
    const header = fs.readFileSync(__filename, 'utf8').split('\n');
    console.log(header.slice(2, header.indexOf(' */')).map((line) => line.replace(/^ \*\s?/, '')).join('\n'));
    return;
  }
  const loadAtStart = os.loadavg();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const setup = setUp(scratch);
    console.error('bench: anchors, interleaved ...');
    const samples = interleaved(setup, scratch);
    console.error('bench: generated apps ...');
    const pairs = benchPairs(scratch);
    console.error('bench: exact validator ...');
    const exact = benchExact(setup);
    let tests;
    if (!flag('--skip-tests')) {
      console.error('bench: npm test ...');
      tests = benchTests();
    }
    let clusterSuites = {};
    if (flag('--cluster')) {
      console.error('bench: the control plane and npm run test:cluster ...');
      clusterSuites = benchCluster(scratch);
    }
    let nodeSuites = {};
    if (flag('--node')) {
      console.error('bench: the real node and npm run test:node ...');
      nodeSuites = benchNode(scratch);
    }
    const text = report(setup, samples, pairs, tests, clusterSuites, nodeSuites, loadAtStart, exact);
    console.log(text);
    if (!flag('--no-write')) {
      attempt('write BENCHMARKS.md', () => fs.writeFileSync(path.join(root, 'BENCHMARKS.md'), text));
      attempt('docs/development.md timings (tools/bench-docs.js)', () => {
        const development = path.join(root, 'docs', 'development.md');
        fs.writeFileSync(development, benchDocs.renderedDevelopmentDoc(text, fs.readFileSync(development, 'utf8')));
      });
    }
  } catch (error) {
    // Only a bug in the bench itself gets here; still print what is known instead of a stack trace alone.
    console.error(`bench: internal error: ${error.stack}`);
    process.exitCode = 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (failures.length > 0) process.exitCode = 1;
}

main();
