import { validateManifests } from '../../lib/validation';
import { Manifest, NAMESPACE, deployment, errors, namespace, service } from './helpers';

/** `count` Deployments in `ns` whose pod templates carry `labels` (plus a name of their own). */
function workloads(ns: string, count: number, labels: Record<string, string>): Manifest[] {
  return Array.from({ length: count }, (_, index) => deployment((object) => {
    const own = { ...labels, 'app.kubernetes.io/name': `${ns}-${Object.keys(labels).join('-')}-${index}` };
    object.metadata.namespace = ns;
    object.metadata.labels = own;
    object.spec.selector.matchLabels = own;
    object.spec.template.metadata.labels = own;
  }, `${ns}-${Object.keys(labels).join('-')}-${index}`));
}

function selecting(ns: string, name: string, selector: Record<string, string>): Manifest {
  return service((object) => {
    object.metadata.namespace = ns;
    object.spec.selector = selector;
  }, name);
}

/* The validator remembers per-object answers (identity, pod template, selector matches) within one run only. */
describe('answers remembered during one validation run', () => {
  test('an object changed after a run is seen as changed by the next run', () => {
    const workload = deployment();
    const output = [namespace(), workload, service()];
    expect(errors(validateManifests(output))).toEqual([]);
    workload.spec.template.spec.containers[0].image = 'ghcr.io/example/backend:latest';
    workload.metadata.namespace = 'elsewhere';
    expect(new Set(errors(validateManifests(output)).map((violation) => violation.rule)))
      .toEqual(new Set(['hygiene/image-tag', 'hygiene/namespace-exists', 'hygiene/service-selector']));
  });

  // 40 pods carry tier=web and 40 others carry zone=a, so a selector on both has 40 candidates and matches none:
  // such answers are remembered per selector, and must stay per namespace.
  const crowded = (ns: string) => [...workloads(ns, 40, { tier: 'web' }), ...workloads(ns, 40, { zone: 'a' })];

  test('a selector that matches none of many candidates is refused for every Service that repeats it', () => {
    const output = [namespace(), ...crowded(NAMESPACE), ...[1, 2, 3].map((n) => selecting(NAMESPACE, `both-${n}`, { tier: 'web', zone: 'a' }))];
    const found = errors(validateManifests(output));
    expect(found.map((violation) => `${violation.rule} ${violation.object}`))
      .toEqual([1, 2, 3].map((n) => `hygiene/service-selector Service ${NAMESPACE}/both-${n}`));
  });

  test('the remembered answer is per namespace: a match in one namespace is no match in another', () => {
    const other = 'other';
    const both = { tier: 'web', zone: 'a' };
    const output = [
      namespace(), namespace(other), ...crowded(NAMESPACE), ...crowded(other), ...workloads(other, 1, both),
      selecting(NAMESPACE, 'first', both), selecting(other, 'second', both), selecting(NAMESPACE, 'third', { zone: 'a', tier: 'web' }),
    ];
    const found = errors(validateManifests(output));
    expect(found.map((violation) => `${violation.rule} ${violation.object}`))
      .toEqual([`hygiene/service-selector Service ${NAMESPACE}/first`, `hygiene/service-selector Service ${NAMESPACE}/third`]);
  });

  test('Services sharing a matching selector all pass, in any label order', () => {
    const output = [namespace(), ...crowded(NAMESPACE), selecting(NAMESPACE, 'web-1', { tier: 'web' }), selecting(NAMESPACE, 'web-2', { tier: 'web' })];
    expect(errors(validateManifests(output))).toEqual([]);
  });
});
