import { isRecord } from '../json-access';

/**
 * Field paths in the notation the reports use: `spec.template.spec.containers[0].image`,
 * with keys that are not plain identifiers quoted: `metadata.annotations["app.kubernetes.io/name"]`.
 */

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Appends an object key to a field path. */
export function fieldPath(base: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** Appends a list index to a field path. */
export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** Converts an ajv/JSON-pointer instance path (`/spec/containers/0/image`) to a field path. */
export function fromJsonPointer(pointer: string, data: unknown): string {
  if (pointer === '') return '';
  let path = '';
  let current: unknown = data;
  for (const rawSegment of pointer.slice(1).split('/')) {
    const segment = rawSegment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      path = indexPath(path, Number(segment));
      current = current[Number(segment)];
    } else {
      path = fieldPath(path, segment);
      current = isRecord(current) ? current[segment] : undefined;
    }
  }
  return path;
}
