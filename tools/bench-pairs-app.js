#!/usr/bin/env node
/**
 * A generated app for the benchmark: N backend + frontend pairs, each with its own routes, in one chart.
 * Usage: node tools/bench-pairs-app.js N OUTDIR   (prints {"pairs":N,"objects":…,"seconds":…,"maxRssMb":…})
 */
'use strict';
const start = process.hrtime.bigint();
const path = require('path');
const { App, Chart } = require('cdk8s');
const lib = require(path.resolve(__dirname, '..', 'build', 'lib', 'index.js'));

const pairs = Number(process.argv[2]);
const outdir = process.argv[3];
const app = new App({ outdir });
const chart = new Chart(app, 'bench', { namespace: 'bench' });
new lib.AppNamespace(chart, 'bench');
for (let i = 0; i < pairs; i++) {
  const backend = new lib.FastApiBackend(chart, `api-${i}`, { image: `api:v1.${i}` });
  const frontend = new lib.NextFrontend(chart, `web-${i}`, { image: `web:v1.${i}`, backend });
  const routes = new lib.IngressRoutes(chart, `routes-${i}`, { host: `app-${i}.example.test` });
  routes.addRoute('/api', backend);
  routes.addRoute('/', frontend);
}
app.synth();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ pairs, objects: chart.node.findAll().filter((c) => c instanceof require('cdk8s').ApiObject).length, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
