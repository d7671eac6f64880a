#!/usr/bin/env node
/**
 * One measurement of the exact validator in a fresh process (tools/bench.js runs it): how long the module takes to
 * start (reading it, compiling it, the Kubernetes packages' initialization), what one object costs once it runs
 * (every environment's objects, validated in batches as a synth does), and the process's peak memory. Prints JSON.
 *
 * Usage: node tools/bench-exact-validator.js [batches]   (after npm run build and node tools/kube-validator.js)
 */
'use strict';
const path = require('path');

const root = path.resolve(__dirname, '..');
const batches = Number(process.argv[2] ?? 20);

function main() {
  const { KubeValidator, kubeValidatorInfo } = require(path.join(root, 'build', 'lib', 'validation', 'exact', 'kube-validator.js'));
  const info = kubeValidatorInfo();
  if (info === undefined) throw new Error('no exact validator installed: run node tools/kube-validator.js');
  const started = process.hrtime.bigint();
  const validator = KubeValidator.load();
  const startUp = Number(process.hrtime.bigint() - started) / 1e9;

  const { buildApp } = require(path.join(root, 'build', 'app', 'index.js'));
  const { clusterOptions } = require(path.join(root, 'build', 'lib', 'validation', 'api-server.js'));
  const outputs = buildApp({ environments: ['all'] }).charts.map((chart) => chart.toJson());
  const objects = outputs.reduce((sum, output) => sum + output.length, 0);

  const first = process.hrtime.bigint();
  for (const output of outputs) validator.validate(output, clusterOptions(output, {}));
  const firstBatch = Number(process.hrtime.bigint() - first) / 1e9;
  const timed = process.hrtime.bigint();
  for (let round = 0; round < batches; round++) {
    for (const output of outputs) validator.validate(output, clusterOptions(output, {}));
  }
  const perObject = Number(process.hrtime.bigint() - timed) / 1e9 / (batches * objects);
  const { maxRSS } = process.resourceUsage();
  console.log(JSON.stringify({ startUp, firstBatch, perObject, objects, batches, maxRssMb: maxRSS / 1024, compressedBytes: require('fs').statSync(path.join(info.dir, 'kube-validator.wasm.br')).size, rawBytes: info.rawBytes }));
}

main();
