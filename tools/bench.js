#!/usr/bin/env node
/**
 * npm run bench: times synthesis and the tests, prints a table and writes BENCHMARKS.md.
 *
 *   node tools/bench.js [--runs N] [--skip-cold-start] [--skip-tests] [--no-write]
 *
 * Each row is the median of N runs (default 5; 3 for `npm test`; 1 for the cold start) with min and max, after one
 * discarded warm-up run: wall time of a whole child process, so Node's start-up counts as a user would feel it.
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const flag = (name) => args.includes(name);

const TARGETS = {
  allEnvironments: 0.3,
  pairs100: 1.5,
  npmTest: 20,
};

function time(command, commandArgs, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${command} ${commandArgs.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return { seconds, stdout: result.stdout };
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: samples.length };
}

/** One discarded warm-up run (file cache, compiled-code cache), then `count` measured ones. */
function repeat(count, fn) {
  fn();
  return Array.from({ length: count }, () => fn());
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function benchAppAlone() {
  const outdir = tempDir('bench-app-');
  const env = { ...process.env, TODO_ENV: 'all', CDK8S_OUTDIR: outdir };
  return stats(repeat(runs, () => time('node', [path.join(root, 'build', 'main.js')], { env }).seconds));
}

function benchCliSynth() {
  const outdir = tempDir('bench-cli-');
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  return stats(repeat(runs, () => time('npx', ['cdk8s', 'synth', '--output', outdir], { env }).seconds));
}

function benchPairs(pairs) {
  const samples = repeat(runs, () => {
    const outdir = tempDir('bench-pairs-');
    const { seconds, stdout } = time('node', [path.join(root, 'tools', 'bench-pairs-app.js'), String(pairs), outdir]);
    fs.rmSync(outdir, { recursive: true, force: true });
    return { seconds, ...JSON.parse(stdout) };
  });
  return { ...stats(samples.map((sample) => sample.seconds)), maxRssMb: Math.max(...samples.map((sample) => sample.maxRssMb)), objects: samples[0].objects };
}

function benchTests(extraArgs = []) {
  const count = Math.max(1, Math.min(3, runs));
  return stats(repeat(count, () => time('npm', ['test', '--silent', ...(extraArgs.length > 0 ? ['--', ...extraArgs] : [])]).seconds));
}

function directorySizeMb(dir) {
  const output = execFileSync('du', ['-sk', dir], { encoding: 'utf8' });
  return Number(output.split(/\s+/)[0]) / 1024;
}

/** A fresh clone and `npm ci` with an empty npm cache: what a new user waits for. */
function benchColdStart() {
  const dir = tempDir('bench-cold-');
  const clone = path.join(dir, 'repo');
  execFileSync('git', ['clone', '--quiet', root, clone]);
  const cache = path.join(dir, 'npm-cache');
  const { seconds } = time('npm', ['ci', '--no-audit', '--no-fund', '--cache', cache], { cwd: clone });
  const sizeMb = directorySizeMb(path.join(clone, 'node_modules'));
  const first = time('npx', ['cdk8s', 'synth'], { cwd: clone, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } }).seconds;
  fs.rmSync(dir, { recursive: true, force: true });
  return { npmCiSeconds: seconds, sizeMb, firstSynthSeconds: first };
}

const fmt = (seconds) => `${seconds.toFixed(3)} s`;

function verdict(value, target) {
  return value <= target ? `meets ≤ ${target} s` : `MISSES ≤ ${target} s by ${(value - target).toFixed(3)} s (${((value / target - 1) * 100).toFixed(0)}%)`;
}

function main() {
  execFileSync(bin('tsc'), ['-b'], { cwd: root, stdio: 'inherit' });
  const rows = [];
  const row = (what, s, note = '') => rows.push([what, fmt(s.median), fmt(s.min), fmt(s.max), String(s.runs), note]);

  const appAlone = benchAppAlone();
  row('app alone, every environment (node build/main.js, TODO_ENV=all)', appAlone, verdict(appAlone.median, TARGETS.allEnvironments));
  const cli = benchCliSynth();
  row('npx cdk8s synth, end to end (tsc -b no-op + app + CLI)', cli);
  const pairs = {};
  for (const count of [1, 10, 100, 1000]) {
    pairs[count] = benchPairs(count);
    const note = `${pairs[count].objects} objects, peak RSS ${pairs[count].maxRssMb.toFixed(0)} MB`
      + (count === 100 ? `; ${verdict(pairs[count].median, TARGETS.pairs100)}` : '');
    row(`generated app, ${count} backend+frontend pair${count === 1 ? '' : 's'}`, pairs[count], note);
  }
  const growth = (pairs[1000].median - pairs[1].median) / (pairs[10].median - pairs[1].median) / 110;
  const perPair10 = (pairs[10].median - pairs[1].median) / 9;
  const perPair1000 = (pairs[1000].median - pairs[1].median) / 999;
  const growthNote = `marginal cost per pair: ${(perPair10 * 1000).toFixed(2)} ms from 1 to 10 pairs, ${(perPair1000 * 1000).toFixed(2)} ms from 1 to 1,000 `
    + `(${perPair1000 <= perPair10 * 1.5 ? 'linear or better' : 'WORSE than linear'}; ratio ${(perPair1000 / perPair10).toFixed(2)}, growth index ${growth.toFixed(2)})`;

  let testsNote;
  if (!flag('--skip-tests')) {
    const tests = benchTests();
    row('npm test (type-check + jest, every suite), wall', tests, verdict(tests.median, TARGETS.npmTest));
    const withoutExample = benchTests(['--testPathIgnorePatterns', 'consumer-example']);
    row('npm test without the consumer-example suite (npm pack + npm install + 2 tsc), wall', withoutExample,
      verdict(withoutExample.median, TARGETS.npmTest));
    testsNote = `Tests: the consumer-example suite (it packs the library, installs the tarball into a separate app and compiles `
      + `and synthesizes it, as a user would) adds ${(tests.median - withoutExample.median).toFixed(1)} s to npm test on this 2-core machine; `
      + 'the rest of the suite, type-check included, takes the other row\'s time.';
  }
  let cold;
  if (!flag('--skip-cold-start')) cold = benchColdStart();

  const machine = `${os.cpus().length} × ${os.cpus()[0].model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const header = ['what', 'median', 'min', 'max', 'runs', 'note'];
  const table = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const lines = [
    '# Benchmarks', '',
    `Written by \`npm run bench\` (tools/bench.js) on ${new Date().toISOString().slice(0, 10)}.`, '',
    `Machine: ${machine}.`, '',
    table, '',
    `Growth: ${growthNote}.`, '',
  ];
  if (testsNote) lines.push(testsNote, '');
  if (cold) {
    lines.push(`Cold start (fresh clone, empty npm cache): \`npm ci\` ${fmt(cold.npmCiSeconds)}, node_modules ${cold.sizeMb.toFixed(0)} MB, `
      + `first \`npx cdk8s synth\` (full tsc build) ${fmt(cold.firstSynthSeconds)}.`, '');
  }
  const report = lines.join('\n');
  console.log(report);
  if (!flag('--no-write')) fs.writeFileSync(path.join(root, 'BENCHMARKS.md'), report);
}

main();
