import { Yaml } from 'cdk8s';
import { buildApp } from '../app';

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const { createWriter } = require('../tools/yaml-writer.js');

const STRINGS = [
  '', ' ', 'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'true', 'True', 'FALSE', 'null', 'Null', '~', '1', '0777', '0o17', '0x1F', '0b101',
  '1_000', '1e3', '1.5', '.5', '1.', '.inf', '-.Inf', '.nan', '+1', '-1', '12:30', '12:30:45', '190:20:30', '2001-12-14',
  '2001-12-14t21:59:43.10-05:00', '=', '<<', '-', '?', '-c', '--help', ':x', 'x:', 'a:b', 'a: b', 'a #b', '#x', 'x#y', '@x', '`x', '!x',
  '&x', '*x', '|', '>', "'q'", '"q"', '%x', '---', '...', '--- x', '...x', 'x\n...', 'line1\nline2', 'trail\n', 'two\n\nblank\n', ' lead', 'trail ',
  'tab\tx', 'ctrl\u0001', 'del\u007f', 'ü', '日本', 'http://x.y:80/p?q=1&r', 'sqlite:////data/db.sqlite3', 'a,b', '[x]', '{x}', 'x]',
  'a=b', 'C:\\path', '/api', '/', 'app.kubernetes.io/name', 'todo-backend:v0.1.0-local', '500m', '256Mi', 'x'.repeat(1100),
];
const SCALARS: unknown[] = [...STRINGS, 0, -0, 1, -1, 1.5, 1e21, 1e-7, NaN, Infinity, -Infinity, 2 ** 53, true, false, null];

const write: (...documents: unknown[]) => string = createWriter();
const expectSameAsCdk8s = (...documents: unknown[]) => expect(write(...documents)).toBe(Yaml.stringify(...documents));

describe('tools/yaml-writer.js writes what cdk8s Yaml.stringify writes, byte for byte', () => {
  test.each(['local', 'local-istio', 'minikube', 'production'])('the %s environment', (environment) => {
    const [chart] = buildApp({ environments: [environment] }).charts;
    expectSameAsCdk8s(...chart.toJson());
  });

  test('every tricky scalar as a map value, a list item and (strings) a key, at several depths', () => {
    for (const value of SCALARS) {
      expectSameAsCdk8s(
        { kind: 'X', top: value, nested: { deeper: { value } }, list: [value, { first: value, second: value }] },
        ...(typeof value === 'string' ? [{ [value]: 1, nested: { [value]: { [value]: value } }, list: [{ [value]: value }] }] : []),
      );
    }
  });

  test('the shapes it leaves to yaml come out the same too', () => {
    const shared = { a: 1 };
    expectSameAsCdk8s(
      { empty: {}, none: [], nestedList: [[1, 2], []], emptyItems: [{}, []] },
      { shared, again: shared },
      { missing: undefined, list: [undefined] },
      {},
      undefined,
      { date: new Date(0) },
      { script: '#!/bin/sh\nset -eu\n  indented\n' },
      [1, 2],
    );
  });

  test('writes the common plain strings itself instead of asking yaml for each', () => {
    const documents = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain-name' }, data: { key: 'value' } }];
    const yamlPackage = require(require.resolve('yaml', { paths: [require.resolve('cdk8s')] }));
    const stringify = jest.spyOn(yamlPackage, 'stringify');
    try {
      createWriter()(...documents);
      // Only the keys are rendered by yaml (once each); the plain values and layout are written directly.
      expect(stringify.mock.calls.every(([object]: any[]) => Object.values(object).every((value) => value === null))).toBe(true);
    } finally {
      stringify.mockRestore();
    }
  });
});
