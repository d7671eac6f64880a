#!/usr/bin/env node
/**
 * Writes the todo app's Helm chart, helm/todo/, generated from the same constructs as the plain YAML
 * (todoHelmChart in app/helm-chart.ts, mechanism in lib/helm): Chart.yaml, values.yaml (the local kind environment),
 * values-<environment>.yaml for the others, values.schema.json, templates/ with NOTES.txt and _helpers.tpl.
 * The chart never holds the Namespace: objects go into the release namespace (helm install -n ...).
 *
 * Usage: node tools/helm-charts.js [--output DIR]   (default: helm/todo)
 */
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');

function main() {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('Usage: node tools/helm-charts.js [--output DIR]\nWrites the todo chart to DIR (default: helm/todo).');
    return;
  }
  const outputIndex = argv.indexOf('--output');
  const output = outputIndex === -1 ? path.join(root, 'helm', 'todo') : path.resolve(argv[outputIndex + 1]);
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-b'], { cwd: root, stdio: 'inherit' });
  const { todoHelmChart } = require(path.join(root, 'build', 'app', 'index.js'));
  const files = todoHelmChart().write(output);
  console.log(`${path.relative(process.cwd(), output) || output}: ${files.length} files`);
}

main();
