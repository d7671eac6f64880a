import { validateManifests } from '../../lib/validation';
import { Manifest, NAMESPACE, baseOutput, deployment, errors, namespace, service } from './helpers';

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

  test('the same selector is answered per namespace: a match in one namespace is no match in another', () => {
    const other = 'other';
    const elsewhere: Manifest = service((object) => { object.metadata.namespace = other; });
    const found = errors(validateManifests([...baseOutput(), namespace(other), service(), elsewhere]));
    expect(found.map((violation) => `${violation.rule} ${violation.object}`)).toEqual([`hygiene/service-selector Service ${other}/backend`]);
  });

  test('Services sharing a selector in one namespace all get the answer of the first', () => {
    const second = service(() => undefined, 'backend-2');
    const unmatched = service((object) => { object.spec.selector = { 'app.kubernetes.io/name': 'nobody' }; }, 'backend-3');
    const found = errors(validateManifests([...baseOutput(), second, unmatched]));
    expect(found.map((violation) => `${violation.rule} ${violation.object}`)).toEqual([`hygiene/service-selector Service ${NAMESPACE}/backend-3`]);
  });
});
