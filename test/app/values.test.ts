/**
 * The todo app's configuration model (app/values-schema.ts, values.ts, names.ts): one schema whose defaults,
 * merge and checks are what the chart's values.yaml, Helm's merge of values files and the chart's checks are.
 */
import { App } from 'cdk8s';
import {
  ENVIRONMENTS, TODO_VALUES_SCHEMA, TodoChart, appValueProblems, defaultValues, environmentValues, mergeValues, todoNames, valueLeaves, valuesProblems,
} from '../../app';

describe('the values schema', () => {
  test('every leaf has a description and a default, and the defaults pass the schema', () => {
    const leaves = valueLeaves();
    expect(leaves.length).toBeGreaterThan(60);
    expect(leaves.filter((leaf) => !leaf.schema.description || leaf.schema.default === undefined).map((leaf) => leaf.path)).toEqual([]);
    expect(valuesProblems(defaultValues())).toEqual([]);
    expect(appValueProblems(defaultValues())).toEqual([]);
  });

  test('every environment is a valid set of values, and nothing but values', () => {
    for (const environment of Object.values(ENVIRONMENTS)) {
      expect({ environment: environment.name, problems: valuesProblems(environmentValues(environment)) }).toEqual({ environment: environment.name, problems: [] });
    }
  });

  test('one name per concept: the AI mode is mock or real', () => {
    expect(TODO_VALUES_SCHEMA.properties.backend.properties.config.properties.MODE.enum).toEqual(['mock', 'real']);
  });

  test('the defaults install as a namespace admin: nothing cluster-scoped, and a quota (when enabled) with room for the claim', () => {
    const values = defaultValues();
    expect(values.persistence).toMatchObject({ enabled: true, retainingProvisioner: '', hostPath: '' });
    expect(values.namespaceLimits.quota.persistentVolumeClaims).toBeGreaterThanOrEqual(1);
    expect(appValueProblems(mergeValues(values, { namespaceLimits: { enabled: true } }))).toEqual([]);
  });
});

describe('mergeValues: as Helm lays a values file over values.yaml', () => {
  test('maps merge key by key, lists and scalars are replaced, undefined changes nothing', () => {
    const merged = mergeValues(defaultValues(), {
      backend: { podAnnotations: { a: '1' }, resources: { limits: { cpu: '2' } } },
      networkPolicy: { externalEgressPorts: [5432] },
      ingress: { hostname: undefined },
    });
    const again = mergeValues(merged, { backend: { podAnnotations: { b: '2' } } });
    expect(again.backend.podAnnotations).toEqual({ a: '1', b: '2' });
    expect(again.backend.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '2', memory: '512Mi' } });
    expect(again.networkPolicy.externalEgressPorts).toEqual([5432]);
    expect(again.ingress.hostname).toBe('');
  });

  test('never changes its inputs', () => {
    const base = defaultValues();
    mergeValues(base, { backend: { podAnnotations: { a: '1' } } });
    expect(base).toEqual(defaultValues());
  });
});

describe('valuesProblems: the schema\'s refusals in the chart\'s words', () => {
  test.each<[string, unknown, string]>([
    ['a grammar with its example', { backend: { image: { tag: 'v1 beta' } } }, 'backend.image.tag must be a Docker tag (letters, digits, "_", "." and "-", at most 128); got "v1 beta". Set it to a value such as "v0.1.0".'],
    ['a length', { nameOverride: 'a'.repeat(64) }, `nameOverride must be a DNS label (lowercase letters, digits and "-", at most 63) of at most 63 characters; got "${'a'.repeat(64)}". Set it to a value such as "todo".`],
    ['a choice', { routing: { kind: 'traefik' } }, 'routing.kind must be one of "ingress", "istio", "gatewayApi", "none"; got "traefik".'],
    ['a range', { backend: { replicaCount: 0 } }, 'backend.replicaCount must be at least 1; got 0.'],
    ['an unknown key', { backend: { replicas: 2 } }, 'backend.replicas is not a value of the chart. Check its spelling against values.yaml.'],
    ['a list item', { global: { imagePullSecrets: ['Reg Cred'] } }, 'global.imagePullSecrets[0] must be a DNS name'],
  ])('%s', (_, patch, message) => {
    const problems = valuesProblems(mergeValues(defaultValues(), patch as any));
    expect(problems.join('\n')).toContain(message);
  });

  test('numbers where Kubernetes takes quantities (what --set gives) are accepted', () => {
    expect(valuesProblems(mergeValues(defaultValues(), { backend: { resources: { limits: { cpu: 2 } } } }))).toEqual([]);
  });

  test('TodoChart refuses what the schema refuses, naming the chart', () => {
    const values = mergeValues(defaultValues(), { routing: { kind: 'traefik' as any } });
    expect(() => new TodoChart(new App(), 'shop', { values, release: { name: 'shop', namespace: 'shop' } }))
      .toThrow('TodoChart \'shop\': routing.kind must be one of "ingress", "istio", "gatewayApi", "none"; got "traefik".');
  });
});

describe('todoNames: Bitnami\'s fullname, as the chart\'s _helpers.tpl computes it', () => {
  const names = (release: string, values: { nameOverride?: string; fullnameOverride?: string } = {}) =>
    todoNames({ nameOverride: '', fullnameOverride: '', ...values }, { name: release, namespace: 'ns' });

  test('a release whose name holds the chart name is the full name; others are prefixed to it', () => {
    expect(names('todo')).toEqual({ fullname: 'todo', backend: 'todo-backend', frontend: 'todo-frontend', claim: 'todo-data' });
    expect(names('my-todo-app').fullname).toBe('my-todo-app');
    expect(names('shop').fullname).toBe('shop-todo');
    expect(names('shop', { nameOverride: 'tasks' }).fullname).toBe('shop-tasks');
    expect(names('shop', { fullnameOverride: 'agenda' }).backend).toBe('agenda-backend');
  });

  test('names stay within 63 characters with their suffix, and never end in "-"', () => {
    const long = names('r'.repeat(52) + '-x');
    for (const name of Object.values(long)) expect(name.length).toBeLessThanOrEqual(63);
    // 52 letters, "-x", "-todo": the full name is cut where the suffix still fits, and a cut "-" is dropped.
    expect(long.fullname).toBe(`${'r'.repeat(52)}-x-todo`);
    expect(long.frontend).toBe(`${'r'.repeat(52)}-x-frontend`);
    expect(names('shop', { fullnameOverride: `${'b'.repeat(54)}-cd` }).frontend).toBe(`${'b'.repeat(54)}-frontend`);
  });
});
