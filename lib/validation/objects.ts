import { asRecord, asString } from '../json-access';
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

/**
 * Answers remembered per object while one output is validated (see {@link withObjectCaches}): every rule
 * asks for the identity and the pod template again, and nothing changes the objects during a run.
 */
export class ObjectCache<T> {
  private static active = false;
  private static readonly all: Array<ObjectCache<unknown>> = [];
  private entries = new WeakMap<object, T>();

  constructor() {
    ObjectCache.all.push(this as ObjectCache<unknown>);
  }

  /** Runs `fn` with every cache on; afterwards they are emptied, so later changes to the objects are seen. */
  static during<R>(fn: () => R): R {
    if (ObjectCache.active) return fn();
    ObjectCache.active = true;
    try {
      return fn();
    } finally {
      ObjectCache.active = false;
      for (const cache of ObjectCache.all) cache.entries = new WeakMap();
    }
  }

  /** The remembered answer for `object`, computing it with `read` the first time (every time outside a run). */
  get(object: object, read: () => T): T {
    if (!ObjectCache.active) return read();
    if (this.entries.has(object)) return this.entries.get(object) as T;
    const value = read();
    this.entries.set(object, value);
    return value;
  }
}

/** Runs `fn` (the validation of one output) with the per-object caches on. */
export function withObjectCaches<R>(fn: () => R): R {
  return ObjectCache.during(fn);
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
