import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, Yaml } from 'cdk8s';
import * as YAML from 'yaml';
import { ENVIRONMENTS, buildApp } from '../app';
import { k8sTools, run } from './k8s-tools';

const tools = k8sTools();
const app = buildApp({ environments: ['all'] });
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kustomize-'));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** Kinds that must exist before namespaced objects that use them, in one `kubectl apply` pass. */
const CLUSTER_FIRST = ['Namespace', 'StorageClass', 'PersistentVolume'];

function objectsOf(environment: string): any[] {
  return Testing.synth(app.charts.find((chart) => chart.node.id === environment)!);
}

function key(object: any): string {
  return `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

describe.each(Object.keys(ENVIRONMENTS))('%s', (environment) => {
  test('kubectl kustomize accepts the output unchanged, object for object', () => {
    const dir = path.join(workDir, environment);
    fs.mkdirSync(dir);
    const objects = objectsOf(environment);
    fs.writeFileSync(path.join(dir, `${environment}.k8s.yaml`), Yaml.stringify(...objects));
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), YAML.stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [`${environment}.k8s.yaml`],
    }));
    const built = YAML.parseAllDocuments(run(tools.kubectl, ['kustomize', dir])).map((document) => document.toJS());
    expect(built.map(key).sort()).toEqual(objects.map(key).sort());
    for (const object of built) expect(object).toEqual(objects.find((original) => key(original) === key(object)));
    expect(built[0].kind).toBe('Namespace');
  });

  test('the plain output is in an order kubectl apply takes in one pass: cluster objects and the Namespace first', () => {
    const objects = objectsOf(environment);
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: ENVIRONMENTS[environment].namespace } });
    const lastClusterObject = Math.max(...objects.map((object, index) => (CLUSTER_FIRST.includes(object.kind) ? index : -1)));
    const firstNamespaced = objects.findIndex((object) => object.metadata.namespace !== undefined);
    expect(lastClusterObject).toBeLessThan(firstNamespaced);
  });
});
