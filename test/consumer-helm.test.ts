/**
 * The consumer example's Helm chart (examples/consumer-app/helm-chart.ts): another app gets a parameterized chart of
 * its own from the same mechanism. The package name resolves to this repository's sources here; the packed package
 * compiles the same file in test/consumer-example.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { k8sTools, run } from './k8s-tools';

jest.mock('cdk8s-fastapi-nextjs', () => jest.requireActual('../lib'), { virtual: true });
jest.mock('cdk8s-fastapi-nextjs/helm', () => jest.requireActual('../lib/helm'), { virtual: true });
jest.mock('cdk8s-fastapi-nextjs/validation', () => jest.requireActual('../lib/validation'), { virtual: true });

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shopHelmChart } = require('../examples/consumer-app/helm-chart');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ShopChart, STAGING } = require('../examples/consumer-app/main');

const tools = k8sTools();
const chartDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-chart-'));
const documents = (yaml: string) => YAML.parseAllDocuments(yaml).map((document) => document.toJS()).filter((object) => object !== null);
const identity = (object: any) => `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
const byIdentity = (a: any, b: any) => identity(a).localeCompare(identity(b));

beforeAll(() => shopHelmChart().write(chartDir), 60_000);
afterAll(() => fs.rmSync(chartDir, { recursive: true, force: true }));

test('helm template with the defaults renders the plain YAML of the shop but its Namespace', () => {
  const rendered = documents(run(tools.helm, ['template', 'shop', chartDir, '-n', STAGING.namespace]));
  const plain = Testing.synth(new ShopChart(new App(), STAGING)).filter((object: any) => object.kind !== 'Namespace');
  expect(rendered.sort(byIdentity)).toEqual(plain.sort(byIdentity));
});

test('the values reach every place they land: the tag in each image and version label, the host, the namespace', () => {
  const rendered = documents(run(tools.helm, ['template', 'shop', chartDir, '-n', 'shop-prod', '--set', 'image.tag=v9.0.0', '--set', 'host=shop.example.com']));
  const expected = Testing.synth(new ShopChart(new App(), { ...STAGING, namespace: 'shop-prod', imageTag: 'v9.0.0', host: 'shop.example.com' }))
    .filter((object: any) => object.kind !== 'Namespace');
  expect(rendered.sort(byIdentity)).toEqual(expected.sort(byIdentity));
  expect(JSON.stringify(rendered)).not.toContain(STAGING.imageTag);
});

test('values.schema.json refuses what the constructs would: a tag with a space', () => {
  expect(() => run(tools.helm, ['template', 'shop', chartDir, '--set', 'image.tag=v1 beta'])).toThrow(/image\.tag: Does not match pattern/);
});
