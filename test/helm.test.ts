import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ENVIRONMENTS, buildApp } from '../main';
import { version } from '../package.json';
import { k8sTools, run } from './k8s-tools';

const root = path.resolve(__dirname, '..');
const environments = Object.keys(ENVIRONMENTS);
const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-charts-'));
const tools = k8sTools();

function parseDocuments(yaml: string): any[] {
  return YAML.parseAllDocuments(yaml).map((document) => document.toJS()).filter((object) => object !== null);
}

function plainObjects(environment: string): any[] {
  const app = buildApp({ environments: [environment] });
  return Testing.synth(app.charts[0]);
}

function byIdentity(a: any, b: any): number {
  const identity = (object: any) => `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  return identity(a).localeCompare(identity(b));
}

beforeAll(() => {
  // The documented command, `npm run helm`, runs this script.
  execFileSync('node', [path.join(root, 'tools', 'helm-charts.js'), '--output', outputDir], { cwd: root, stdio: 'pipe' });
}, 120_000);

afterAll(() => fs.rmSync(outputDir, { recursive: true, force: true }));

describe.each(environments)('Helm chart of %s', (environment) => {
  const chartDir = () => path.join(outputDir, environment);

  test('holds this one environment, named after it and versioned with the package', () => {
    const chart = YAML.parse(fs.readFileSync(path.join(chartDir(), 'Chart.yaml'), 'utf8'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: `todo-${environment}`, version, appVersion: version, type: 'application' });
    expect(fs.readdirSync(path.join(chartDir(), 'templates'))).toEqual([`${environment}.k8s.yaml`]);
    // No CRDs: Istio and the Gateway API own theirs.
    expect(fs.existsSync(path.join(chartDir(), 'crds'))).toBe(false);
  });

  test('passes helm lint --strict', () => {
    const output = run(tools.helm, ['lint', '--strict', chartDir()]);
    expect(output).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  test('helm template renders exactly the objects of the plain YAML but the Namespace (Helm orders them by kind)', () => {
    const rendered = parseDocuments(run(tools.helm, ['template', `todo-${environment}`, chartDir()]));
    const plain = plainObjects(environment);
    expect(rendered.sort(byIdentity)).toEqual(plain.filter((object) => object.kind !== 'Namespace').sort(byIdentity));
  });

  test('never owns the Namespace: it is written beside the templates, for kubectl apply', () => {
    const rendered = parseDocuments(run(tools.helm, ['template', `todo-${environment}`, chartDir()]));
    expect(rendered.map((object) => object.kind)).not.toContain('Namespace');
    const namespace = parseDocuments(fs.readFileSync(path.join(chartDir(), 'namespace.yaml'), 'utf8'));
    expect(namespace).toEqual(plainObjects(environment).filter((object) => object.kind === 'Namespace'));
    expect(namespace[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

test('the SQLite claim survives helm uninstall', () => {
  const rendered = parseDocuments(run(tools.helm, ['template', 'todo-local', path.join(outputDir, 'local')]));
  const claim = rendered.find((object) => object.kind === 'PersistentVolumeClaim');
  expect(claim.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
});
