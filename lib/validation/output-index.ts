import { asList, asRecord, asString } from '../json-access';
import { identify, isKind } from './objects';
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
  readonly externalNamespaces: ReadonlySet<string>;
  /** Services by `namespace/name` (namespace empty when unset). */
  readonly services: ReadonlyMap<string, readonly ServicePortInfo[]>;
  readonly podLabels: readonly PodLabels[];
}

/** Indexes the objects of one output (one environment's manifests). */
export function buildOutputIndex(objects: readonly KubeObject[], externalNamespaces: readonly string[] = []): OutputIndex {
  const createdNamespaces = new Set<string>();
  const services = new Map<string, ServicePortInfo[]>();
  const podLabels: PodLabels[] = [];
  for (const object of objects) {
    const { name, namespace } = identify(object);
    if (isKind(object, '', 'Namespace') && name !== undefined) createdNamespaces.add(name);
    if (isKind(object, '', 'Service') && name !== undefined) services.set(serviceKey(namespace, name), servicePorts(object));
    const pod = findPodTemplate(object);
    if (pod !== undefined) podLabels.push({ namespace, labels: pod.labels });
  }
  return { createdNamespaces, externalNamespaces: new Set(externalNamespaces), services, podLabels };
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
