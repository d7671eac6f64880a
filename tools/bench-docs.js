#!/usr/bin/env node
/**
 * The timings docs/development.md quotes come from the last `npm run bench`, never from prose: tools/bench.js
 * writes the "Test suites" table of BENCHMARKS.md with the rows below, and this renders the block of
 * docs/development.md between the bench:timings markers from that table.
 *
 *   node tools/bench-docs.js           rewrite the block from BENCHMARKS.md (npm run bench does it too)
 *   node tools/bench-docs.js --check   exit 1 when the block differs from what BENCHMARKS.md gives (npm test checks it)
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const BENCHMARKS = path.join(root, 'BENCHMARKS.md');
const DEVELOPMENT = path.join(root, 'docs', 'development.md');

/** The rows of the "Test suites" table: the first cell of each, as the bench writes it and this reads it. */
const SUITES = {
  npmTest: '`npm test`',
  cluster: '`npm run test:cluster`, control plane built',
  controlPlaneStart: '`control-plane.sh start DIR`, control plane built',
  node: '`npm run test:node`, node built',
  nodeStart: '`node.sh start DIR`, node built',
};
const SUITES_HEADING = '## Test suites';
const BEGIN = '<!-- bench:timings begin: written by `npm run bench` from BENCHMARKS.md (tools/bench-docs.js); do not edit -->';
const END = '<!-- bench:timings end -->';

/** `12.3 s`, or `6 min 40 s` from a minute on. */
function duration(seconds) {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** The "Test suites" section of BENCHMARKS.md; `measured[name]` is { median, min, max, runs, loadMin, loadMax } or undefined. */
function suitesSection(measured, notMeasured) {
  const lines = [SUITES_HEADING, '',
    'Wall time of each suite as a developer runs it; the cluster suite and the control plane are measured with `npm run bench -- --cluster` (they need Go and a built control plane), the real node and its suite with `npm run bench -- --node` (root, Go and the node suite\'s Debian packages).', '',
    '| suite | median | min | max | runs | load |', '| --- | --- | --- | --- | --- | --- |'];
  for (const [name, label] of Object.entries(SUITES)) {
    const stats = measured[name];
    const load = (low, high) => (Math.abs(high - low) < 0.05 ? low.toFixed(2) : `${low.toFixed(2)}–${high.toFixed(2)}`);
    lines.push(stats
      ? `| ${label} | ${stats.median.toFixed(3)} s | ${stats.min.toFixed(3)} s | ${stats.max.toFixed(3)} s | ${stats.runs} | ${load(stats.loadMin, stats.loadMax)} |`
      : `| ${label} | ${notMeasured[name] ?? 'not measured'} | | | 0 | |`);
  }
  return lines;
}

/** What BENCHMARKS.md says: when, on how many cores, and each suite's median and load range (undefined when not measured). */
function parseBenchmarks(text) {
  const when = /^Written by `npm run bench`.* on (\d{4}-\d{2}-\d{2}) /m.exec(text)?.[1];
  const cores = Number(/^Machine: (\d+) × /m.exec(text)?.[1]);
  const section = text.split(`${SUITES_HEADING}\n`)[1]?.split(/\n## /)[0];
  if (!when || !cores || section === undefined) throw new Error(`${path.relative(root, BENCHMARKS)} has no "${SUITES_HEADING}" table from npm run bench: run it.`);
  const rows = {};
  for (const [name, label] of Object.entries(SUITES)) {
    const row = section.split('\n').find((line) => line.startsWith(`| ${label} |`));
    const cells = row?.split('|').slice(1, -1).map((cell) => cell.trim());
    const median = cells && /^([\d.]+) s$/.exec(cells[1]);
    if (!median) continue;
    const [loadMin, loadMax = loadMin] = cells[5].split('–').map(Number);
    rows[name] = { median: Number(median[1]), loadMin, loadMax };
  }
  return { when, cores, rows };
}

/** The block docs/development.md carries, markers included. */
function timingsBlock({ when, cores, rows }) {
  const measured = Object.values(rows);
  const figure = (name, text) => (rows[name] ? text(duration(rows[name].median)) : undefined);
  const figures = [
    figure('npmTest', (time) => `\`npm test\` took ${time}`),
    figure('cluster', (time) => `\`npm run test:cluster\` ${time} with the control plane built`),
    figure('controlPlaneStart', (time) => `a built control plane started in ${time}`),
    figure('node', (time) => `\`npm run test:node\` ${time} with the node built`),
    figure('nodeStart', (time) => `a built node started in ${time}`),
  ].filter(Boolean);
  let conditions = `${when}, ${cores} cores`;
  if (measured.length > 0) {
    const loadHigh = Math.max(...measured.map((row) => row.loadMax));
    const loadLow = Math.min(...measured.map((row) => row.loadMin));
    conditions += `, 1-minute load ${Math.abs(loadHigh - loadLow) < 0.05 ? loadLow.toFixed(1) : `${loadLow.toFixed(1)}–${loadHigh.toFixed(1)}`}`
      + (loadHigh > cores ? ': a load above the core count inflates every time' : '');
  }
  const missing = Object.keys(SUITES).filter((name) => !rows[name]).map((name) => SUITES[name].split(',')[0]);
  return [BEGIN,
    `Measured by the last \`npm run bench\` (${conditions}): ${figures.length > 0 ? figures.join('; ') : 'no test suite was timed'}.`
    + (missing.length > 0 ? ` Not timed in that run: ${missing.join(', ')}.` : '')
    + ' Every run, its load, and why a suite was not timed: [BENCHMARKS.md](../BENCHMARKS.md#test-suites).',
    END].join('\n');
}

/** docs/development.md with its block rendered from BENCHMARKS.md. */
function renderedDevelopmentDoc(benchmarksText = fs.readFileSync(BENCHMARKS, 'utf8'), docText = fs.readFileSync(DEVELOPMENT, 'utf8')) {
  const start = docText.indexOf(BEGIN);
  const end = docText.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${path.relative(root, DEVELOPMENT)} has no bench:timings block (the lines ${BEGIN} ... ${END}).`);
  return docText.slice(0, start) + timingsBlock(parseBenchmarks(benchmarksText)) + docText.slice(end + END.length);
}

function main() {
  const check = process.argv.includes('--check');
  const current = fs.readFileSync(DEVELOPMENT, 'utf8');
  const rendered = renderedDevelopmentDoc(fs.readFileSync(BENCHMARKS, 'utf8'), current);
  if (check) {
    if (rendered !== current) {
      console.error('docs/development.md: the bench:timings block is not what BENCHMARKS.md gives; run node tools/bench-docs.js (npm run bench does).');
      return 1;
    }
    return 0;
  }
  if (rendered !== current) fs.writeFileSync(DEVELOPMENT, rendered);
  return 0;
}

module.exports = { SUITES, suitesSection, parseBenchmarks, timingsBlock, renderedDevelopmentDoc, duration, BEGIN, END };
if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`bench-docs: ${error.message}`);
    process.exitCode = 1;
  }
}
