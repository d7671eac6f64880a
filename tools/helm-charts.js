#!/usr/bin/env node
/**
 * Writes each environment as its own Helm chart with `cdk8s synth --format helm`:
 *   helm/<environment>/{Chart.yaml,README.md,namespace.yaml,templates/<environment>.k8s.yaml}
 *
 * The chart never holds the Namespace: `helm uninstall` would delete it, and with it the SQLite claim and the
 * user's Secret, and `helm install` into a namespace that already exists (the Secret comes first) would fail
 * Helm's ownership check. The Namespace, with its Pod Security labels, is written beside the templates as
 * namespace.yaml, applied once with `kubectl apply -f helm/<environment>/namespace.yaml`.
 *
 * Usage: node tools/helm-charts.js [--output DIR] [environment ...]   (default: every environment)
 *
 * The chart is named todo-<environment> and versioned with the package version. cdk8s names the chart after the
 * working directory and copies every CRD listed under cdk8s.yaml `imports` into `crds/`; the Istio and Gateway API
 * CRDs belong to those installations, not to the app, so each chart is synthesized from a scratch directory named
 * after the chart, with a cdk8s.yaml that runs the compiled app and lists no imports.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');

function parseArgs(argv) {
  const args = { output: path.join(root, 'helm'), environments: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--output') args.output = path.resolve(argv[++i]);
    else if (argv[i] === '--help' || argv[i] === '-h') args.help = true;
    else args.environments.push(argv[i]);
  }
  return args;
}

function writeChart(environment, settings, outputDir, version) {
  const chartName = `todo-${environment}`;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-chart-'));
  const workDir = path.join(scratch, chartName);
  fs.mkdirSync(workDir);
  const chartDir = path.join(outputDir, environment);
  try {
    fs.writeFileSync(path.join(workDir, 'cdk8s.yaml'), YAML.stringify({ language: 'typescript', app: `node ${JSON.stringify(path.join(root, 'build', 'main.js'))}` }));
    execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'),
      ['synth', '--format', 'helm', '--chart-version', version, '--output', chartDir, '--no-check-upgrade', '--no-validate'],
      { cwd: workDir, env: { ...process.env, TODO_ENV: environment }, stdio: ['ignore', 'ignore', 'inherit'] });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  moveNamespaceOutOfTemplates(chartDir, environment);
  const chartFile = path.join(chartDir, 'Chart.yaml');
  const chart = YAML.parse(fs.readFileSync(chartFile, 'utf8'));
  fs.writeFileSync(chartFile, YAML.stringify({
    ...chart,
    description: `todo app, ${environment} environment: ${settings.description}`,
    appVersion: version,
    keywords: ['cdk8s', 'fastapi', 'nextjs'],
  }));
  return chartDir;
}

function moveNamespaceOutOfTemplates(chartDir, environment) {
  const templateFile = path.join(chartDir, 'templates', `${environment}.k8s.yaml`);
  const documents = YAML.parseAllDocuments(fs.readFileSync(templateFile, 'utf8'));
  const isNamespace = (document) => document.get('kind') === 'Namespace';
  const render = (selected) => selected.map((document) => document.toString()).join('---\n');
  const namespaces = documents.filter(isNamespace);
  if (namespaces.length !== 1) throw new Error(`${templateFile}: expected one Namespace, found ${namespaces.length}`);
  fs.writeFileSync(path.join(chartDir, 'namespace.yaml'), render(namespaces));
  fs.writeFileSync(templateFile, render(documents.filter((document) => !isNamespace(document))));
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log('Usage: node tools/helm-charts.js [--output DIR] [environment ...]\nWrites helm/<environment>/ for each environment (default: all).');
    return;
  }
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-b'], { cwd: root, stdio: 'inherit' });
  const { ENVIRONMENTS } = require(path.join(root, 'build', 'main.js'));
  const { version } = require(path.join(root, 'package.json'));
  const environments = args.environments.length > 0 ? args.environments : Object.keys(ENVIRONMENTS);
  for (const environment of environments) {
    if (!ENVIRONMENTS[environment]) throw new Error(`unknown environment "${environment}"; use one of ${Object.keys(ENVIRONMENTS).join(', ')}`);
    const chartDir = writeChart(environment, ENVIRONMENTS[environment], args.output, version);
    console.log(`${path.relative(process.cwd(), chartDir) || chartDir}: chart todo-${environment} ${version}`);
  }
}

main();
