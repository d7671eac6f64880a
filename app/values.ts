/**
 * Working with the todo values (values-schema.ts): their defaults, merging a patch over them the way Helm merges
 * values files, and checking them against the schema with the messages the chart prints for the same values.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { TSchema } from '@sinclair/typebox';
import { DeepPartial, TODO_VALUES_SCHEMA, TodoValues } from './values-schema';

/** A schema node as plain JSON schema (with the `x-` keywords of values-schema.ts). */
export type SchemaNode = TSchema & {
  readonly type?: string | string[];
  readonly properties?: Record<string, SchemaNode>;
  readonly items?: SchemaNode;
  readonly patternProperties?: Record<string, SchemaNode>;
  readonly default?: unknown;
  readonly description?: string;
  readonly pattern?: string;
  readonly enum?: unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly 'x-grammar'?: string;
  readonly 'x-example'?: string;
};

/** A leaf of the values: a value with a default (a scalar, or a list or map passed through whole). */
export interface ValueLeaf {
  /** The dotted path, e.g. `backend.image.tag`. */
  readonly path: string;
  readonly schema: SchemaNode;
}

/** Every leaf of a values schema, in declaration order. */
export function valueLeaves(schema: SchemaNode = TODO_VALUES_SCHEMA as SchemaNode, prefix = ''): ValueLeaf[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return child.properties ? valueLeaves(child, path) : [{ path, schema: child }];
  });
}

/** The defaults of every value (what the chart's values.yaml holds). */
export function defaultValues(): TodoValues {
  const values: Record<string, unknown> = {};
  for (const leaf of valueLeaves()) setPath(values, leaf.path, cloneJson(leaf.schema.default));
  return values as TodoValues;
}

/** `base` with each patch laid over it as Helm lays values files over values.yaml: maps merge key by key, lists and scalars are replaced. */
export function mergeValues<T>(base: T, ...patches: Array<DeepPartial<T> | undefined>): T {
  let result: unknown = cloneJson(base);
  for (const patch of patches) if (patch !== undefined) result = mergeInto(result, patch);
  return result as T;
}

function mergeInto(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return cloneJson(patch);
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) merged[key] = key in base ? mergeInto(base[key], value) : cloneJson(value);
  }
  return merged;
}

let validator: ValidateFunction | undefined;

/**
 * What is wrong with a set of values, one line each, in the words the chart's `fail` messages use
 * (`<value> must be <what>; got <value>. <fix>`); empty when the schema accepts them.
 */
export function valuesProblems(values: unknown): string[] {
  validator ??= new Ajv({ strict: false, allErrors: true, verbose: true }).compile(TODO_VALUES_SCHEMA);
  if (validator(values)) return [];
  return (validator.errors ?? []).map((error) => describeError(error));
}

function describeError(error: ErrorObject): string {
  const path = error.instancePath.substring(1).split('/').map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`)).join('').replace(/^\./, '');
  const schema = error.parentSchema as SchemaNode | undefined;
  const got = JSON.stringify(error.data);
  switch (error.keyword) {
    case 'pattern':
    case 'maxLength':
      return grammarProblem(path, schema!, error.data);
    case 'enum':
      return `${path} must be one of ${(error.params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}; got ${got}.`;
    case 'additionalProperties':
      return `${path ? `${path}.` : ''}${error.params.additionalProperty} is not a value of the chart. Check its spelling against values.yaml.`;
    case 'minimum':
    case 'maximum':
      return `${path} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${error.params.limit}; got ${got}.`;
    default:
      return `${path} ${error.message}; got ${got}.`;
  }
}

/** The message for a value that breaks its grammar: the same text as the chart's template check. */
export function grammarProblem(path: string, schema: SchemaNode, value: unknown): string {
  return `${path} must be ${schema['x-grammar']}${schema.maxLength ? ` of at most ${schema.maxLength} characters` : ''}; got ${JSON.stringify(value)}. `
    + `Set it to a value such as ${JSON.stringify(schema['x-example'])}.`;
}

/** A deep copy of JSON data (structuredClone would create its objects in Node's own realm, which a jest sandbox does not treat as plain). */
function cloneJson<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Sets a dotted path in a nested object, creating the maps on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/** Reads a dotted path. */
export function getPath(source: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), source);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
