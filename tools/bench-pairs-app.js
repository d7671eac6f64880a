#!/usr/bin/env node
/**
 * A generated app for the benchmark: N backend + frontend pairs, each with its own routes, in one chart, synthesized
 * the way main.ts does it (validate the objects in memory, write only when no error) and timed phase by phase.
 *
 *   node tools/bench-pairs-app.js N OUTDIR [--writers]
 *
 * Prints one JSON line: {"pairs","objects","seconds":{load,construct,resolve,validate,write,total},"errors","maxRssMb"}.
 * `write` is cdk8s's own writer (Yaml.stringify + writeFile, as app.synth() does). With --writers, after the
 * measured run it also times other writers on the same objects (the YAML-writer comparison in BENCHMARKS.md and
 * docs/yaml-writer.md); their memory is not part of maxRssMb, which is taken before.
 */
'use strict';
const started = process.hrtime.bigint();
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const seconds = (from) => Number(process.hrtime.bigint() - from) / 1e9;

function phase(timings, name, fn) {
  const start = process.hrtime.bigint();
  const result = fn();
  timings[name] = seconds(start);
  return result;
}

function buildChart(lib, cdk8s, pairs, outdir) {
  const app = new cdk8s.App({ outdir });
  const chart = new cdk8s.Chart(app, 'bench', { namespace: 'bench' });
  new lib.AppNamespace(chart, 'bench');
  for (let i = 0; i < pairs; i++) {
    const backend = new lib.FastApiBackend(chart, `api-${i}`, { image: `api:v1.${i}` });
    const frontend = new lib.NextFrontend(chart, `web-${i}`, { image: `web:v1.${i}`, backend });
    const routes = new lib.IngressRoutes(chart, `routes-${i}`, { host: `app-${i}.example.test` });
    routes.addRoute('/api', backend);
    routes.addRoute('/', frontend);
  }
  return chart;
}

/** Other ways to turn the same objects into text, each timed once: what a faster writer could save. */
function compareWriters(cdk8s, objects) {
  const candidates = {
    'cdk8s Yaml.stringify (yaml, YAML 1.1, as app.synth)': (list) => cdk8s.Yaml.stringify(...list),
    'tools/yaml-writer.js (the fix proposed in docs/yaml-writer.md)': (list) => require('./yaml-writer').createWriter()(...list),
    'yaml.stringify, default options': (list) => {
      const YAML = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] }));
      return list.map((object) => YAML.stringify(object)).join('---\n');
    },
    'JSON.stringify (lower bound: no YAML at all)': (list) => list.map((object) => JSON.stringify(object, null, 2)).join('\n'),
  };
  try {
    const jsYaml = require('js-yaml');
    const version = require('js-yaml/package.json').version;
    candidates[`js-yaml ${version} dump (different quoting)`] = (list) => list.map((object) => jsYaml.dump(object, { lineWidth: -1, noRefs: true })).join('---\n');
  } catch {
    // js-yaml is only present as a dependency of the test tooling; without it, that row is left out.
  }
  const results = {};
  let reference;
  for (const [name, write] of Object.entries(candidates)) {
    write(objects.slice(0, 20)); // warm-up, so no writer pays for its JIT compilation in the measurement
    const start = process.hrtime.bigint();
    const text = write(objects);
    reference = reference ?? text; // the first candidate is cdk8s's own writer
    results[name] = { seconds: seconds(start), megabytes: Buffer.byteLength(text) / 2 ** 20, sameAsCdk8s: text === reference };
  }
  return results;
}

function main() {
  const [pairsArg, outdir] = process.argv.slice(2);
  const pairs = Number(pairsArg);
  if (!Number.isInteger(pairs) || pairs < 1 || !outdir) {
    console.error('Usage: node tools/bench-pairs-app.js N OUTDIR [--writers]');
    process.exitCode = 2;
    return;
  }
  const timings = {};
  const { cdk8s, lib, validation } = phase(timings, 'load', () => ({
    cdk8s: require('cdk8s'),
    lib: require(path.join(root, 'build', 'lib', 'index.js')),
    validation: require(path.join(root, 'build', 'lib', 'validation', 'index.js')),
  }));
  const chart = phase(timings, 'construct', () => buildChart(lib, cdk8s, pairs, outdir));
  const objects = phase(timings, 'resolve', () => {
    // What app.synth() does before writing: construct validations, then every object to JSON.
    const errors = chart.node.findAll().flatMap((construct) => construct.node.validate());
    if (errors.length > 0) throw new Error(errors.join('\n'));
    return chart.toJson();
  });
  const violations = phase(timings, 'validate', () => validation.validateManifests(objects, { externalNamespaces: [] }));
  const errors = violations.filter((violation) => violation.severity === 'error');
  if (errors.length === 0) {
    phase(timings, 'write', () => {
      fs.mkdirSync(outdir, { recursive: true });
      cdk8s.Yaml.save(path.join(outdir, 'bench.k8s.yaml'), objects);
    });
  }
  timings.total = seconds(started);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const writers = process.argv.includes('--writers') ? compareWriters(cdk8s, objects) : undefined;
  console.log(JSON.stringify({ pairs, objects: objects.length, seconds: timings, errors: errors.length, maxRssMb, writers }));
}

main();
