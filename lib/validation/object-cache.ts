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
