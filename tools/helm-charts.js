#!/usr/bin/env node
/**
 * Writes the files of the todo Helm chart (helm/todo/) that follow from the app's values schema and environments
 * (todoHelmChartFiles in app/helm-chart.ts): Chart.yaml, values.yaml (the defaults), values-<environment>.yaml,
 * values.schema.json, README.md (the parameter table) and templates/_grammar.tpl. The other templates are written
 * by hand; `npm run test:cluster` proves they render what the constructs build for the same values.
 *
 * Usage: node tools/helm-charts.js [--output DIR]   (default: helm/todo; with DIR, the hand-written templates are copied there too)
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const chart = path.join(root, 'helm', 'todo');

function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('Usage: node tools/helm-charts.js [--output DIR]\nWrites the derived files of the todo chart to DIR (default: helm/todo).');
    return;
  }
  const outputIndex = argv.indexOf('--output');
  const output = outputIndex === -1 ? chart : path.resolve(argv[outputIndex + 1]);
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-b'], { cwd: root, stdio: 'inherit' });
  const { todoHelmChartFiles } = require(path.join(root, 'build', 'app', 'index.js'));
  if (output !== chart) fs.cpSync(chart, output, { recursive: true });
  const files = todoHelmChartFiles();
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(output, file)), { recursive: true });
    fs.writeFileSync(path.join(output, file), content);
  }
  console.log(`${path.relative(process.cwd(), output) || output}: ${Object.keys(files).length} files written`);
}

main();
