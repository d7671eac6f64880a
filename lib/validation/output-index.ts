import { asList, asRecord, asString } from '../json-access';
import { identify, isKind, labelsOf } from './objects';
import { serviceKey } from '../route-target';
import { findPodTemplate } from './pod-templates';
import { KubeObject } from './types';

/** A port of a Service in the output. */
export interface ServicePortInfo {
  readonly port?: number;
  readonly name?: string;
}

/** A pod template of the output, reduced to what selectors need. */
export interface PodLabels {
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Facts about the whole output that cross-object rules need: namespaces it creates (plus the
 * documented external ones), its Services and its pod templates' labels.
 */
export interface OutputIndex {
  readonly createdNamespaces: ReadonlySet<string>;
  /** The labels of the namespaces the output creates. */
  readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly externalNamespaces: ReadonlySet<string>;
  /** Services by `namespace/name` (namespace empty when unset). */
  readonly services: ReadonlyMap<string, readonly ServicePortInfo[]>;
  /** Pod templates by namespace and one of their labels (see {@link labelKey}), so a selector looks up its candidates. */
  readonly podsByLabel: ReadonlyMap<string, readonly PodLabels[]>;
  /** Answers of {@link anyPodMatches} by namespace and selector: Services that share a selector cost one lookup. */
  readonly selectorAnswers: Map<string, boolean>;
}

/** Indexes the objects of one output (one environment's manifests). */
export function buildOutputIndex(objects: readonly KubeObject[], externalNamespaces: readonly string[] = []): OutputIndex {
  const createdNamespaces = new Set<string>();
  const namespaceLabels = new Map<string, Record<string, string>>();
  const services = new Map<string, ServicePortInfo[]>();
  const podsByLabel = new Map<string, PodLabels[]>();
  for (const object of objects) {
    const { name, namespace } = identify(object);
    if (isKind(object, '', 'Namespace') && name !== undefined) {
      createdNamespaces.add(name);
      namespaceLabels.set(name, labelsOf(object.metadata));
    }
    if (isKind(object, '', 'Service') && name !== undefined) services.set(serviceKey(namespace, name), servicePorts(object));
    const pod = findPodTemplate(object);
    if (pod === undefined) continue;
    const entry = { namespace, labels: pod.labels };
    for (const [key, value] of Object.entries(pod.labels)) {
      const indexKey = labelKey(namespace, key, value);
      const pods = podsByLabel.get(indexKey);
      if (pods === undefined) podsByLabel.set(indexKey, [entry]);
      else pods.push(entry);
    }
  }
  return { createdNamespaces, namespaceLabels, externalNamespaces: new Set(externalNamespaces), services, podsByLabel, selectorAnswers: new Map() };
}

/** Above this many candidate pods, a selector's answer is remembered for the Services that share it. */
const REMEMBERED_ABOVE = 32;

/**
 * Whether any pod template in `namespace` carries every label of `selector`: the candidates are the pods
 * indexed under the selector's rarest label, not the whole output. When even that list is long (many pods
 * share every label of the selector), the answer is remembered per distinct selector, so Services that
 * repeat a selector do not rescan it.
 */
export function anyPodMatches(index: OutputIndex, namespace: string | undefined, selector: ReadonlyArray<[string, unknown]>): boolean {
  const candidates = selector.map(([key, value]) => index.podsByLabel.get(labelKey(namespace, key, String(value))) ?? []);
  const fewest = candidates.reduce((best, list) => (list.length < best.length ? list : best));
  const matches = () => fewest.some((pod) => selector.every(([key, value]) => pod.labels[key] === value));
  if (fewest.length <= REMEMBERED_ABOVE) return matches();
  const answerKey = JSON.stringify([namespace ?? '', [...selector].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  let answer = index.selectorAnswers.get(answerKey);
  if (answer === undefined) {
    answer = matches();
    index.selectorAnswers.set(answerKey, answer);
  }
  return answer;
}

function labelKey(namespace: string | undefined, key: string, value: string): string {
  return `${namespace ?? ''}\u0000${key}=${value}`;
}

/** True when objects may live in (and routes may point into) `namespace`. */
export function isKnownNamespace(index: OutputIndex, namespace: string): boolean {
  return index.createdNamespaces.has(namespace) || index.externalNamespaces.has(namespace);
}

function servicePorts(service: KubeObject): ServicePortInfo[] {
  return asList(asRecord(service.spec).ports).map((port) => {
    const record = asRecord(port);
    return { port: typeof record.port === 'number' ? record.port : undefined, name: asString(record.name) };
  });
}
