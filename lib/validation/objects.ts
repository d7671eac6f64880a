import { asRecord, asString } from '../json-access';
import { ObjectCache } from './object-cache';
import { KubeObject } from './types';

/** The identity of a manifest object, read defensively (manifests may be malformed). */
export interface ObjectIdentity {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly group?: string;
  readonly version?: string;
  readonly name?: string;
  readonly namespace?: string;
}

const identities = new ObjectCache<ObjectIdentity>();

/** Reads apiVersion, kind, group, version, name and namespace of an object. */
export function identify(object: KubeObject): ObjectIdentity {
  return identities.get(object, () => readIdentity(object));
}

function readIdentity(object: KubeObject): ObjectIdentity {
  const apiVersion = asString(object.apiVersion);
  const slash = apiVersion?.lastIndexOf('/') ?? -1;
  const metadata = asRecord(object.metadata);
  return {
    apiVersion,
    kind: asString(object.kind),
    group: apiVersion === undefined ? undefined : slash < 0 ? '' : apiVersion.slice(0, slash),
    version: apiVersion === undefined ? undefined : apiVersion.slice(slash + 1),
    name: asString(metadata.name) ?? asString(metadata.generateName),
    namespace: asString(metadata.namespace),
  };
}

/** Describes an object as `Kind namespace/name`, or `Kind name` when it has no namespace. */
export function describeObject(object: KubeObject): string {
  const { kind, name, namespace } = identify(object);
  const qualifiedName = namespace === undefined ? name ?? '<unnamed>' : `${namespace}/${name ?? '<unnamed>'}`;
  return `${kind ?? '<no kind>'} ${qualifiedName}`;
}

/** Extracts the object name back out of a {@link describeObject} description. */
export function nameFromDescription(description: string): string {
  const qualifiedName = description.slice(description.indexOf(' ') + 1);
  return qualifiedName.slice(qualifiedName.lastIndexOf('/') + 1);
}

/** True when the object is `group`'s `kind` (any version). */
export function isKind(object: KubeObject, group: string, kind: string): boolean {
  const identity = identify(object);
  return identity.group === group && identity.kind === kind;
}

/** The labels of a metadata block, keeping only string values. */
export function labelsOf(metadata: unknown): Record<string, string> {
  const labels = asRecord(asRecord(metadata).labels);
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
