import { asRecord, asString } from '../json-access';
import { identify, isKind } from './objects';
import { OutputIndex, anyPodMatches } from './output-index';
import { RULES } from './rules';
import { Finding, KubeObject } from './types';

/** Checks that a Service's selector matches the labels of at least one pod template in its namespace. */
export function checkServiceSelector(object: KubeObject, index: OutputIndex): Finding[] {
  if (!isKind(object, '', 'Service')) return [];
  const spec = asRecord(object.spec);
  const selector = Object.entries(asRecord(spec.selector));
  // Services without a selector (manual Endpoints, ExternalName) select no pods on purpose.
  if (selector.length === 0 || asString(spec.type) === 'ExternalName') return [];
  const { namespace } = identify(object);
  if (anyPodMatches(index, namespace, selector)) return [];
  const wanted = selector.map(([key, value]) => `${key}=${String(value)}`).join(', ');
  return [{
    rule: RULES.hygieneServiceSelector,
    field: 'spec.selector',
    message: `selector {${wanted}} matches no pod template in namespace "${namespace ?? ''}" of the output`,
    fix: 'Make spec.selector equal to (a subset of) the pod template labels of the workload this Service fronts, in the same namespace.',
  }];
}
