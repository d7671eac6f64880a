/**
 * The CEL rules (`x-kubernetes-validations`) of the offline CRD schemas, evaluated with
 * @bufbuild/cel the way the API server evaluates them on create: `self` is the value at the
 * schema node, typed by the schema (integers as CEL ints, objects as maps). Rules that compare
 * with `oldSelf` only apply to updates and are skipped; a rule the evaluator cannot run (a
 * Kubernetes-only function) is skipped rather than guessed.
 */
import { isRecord } from '../json-access';
import { fieldPath, indexPath } from './paths';

/** A CEL rule as a CRD schema states it. */
interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly fieldPath?: string;
}

/** A rule the object breaks, with where in the object it sits. */
export interface CelViolation {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

type Program = (bindings: Record<string, unknown>) => unknown;
type CelModule = typeof import('@bufbuild/cel');

let cel: { module: CelModule; env: ReturnType<CelModule['celEnv']> } | undefined;
const programs = new Map<string, Program | undefined>();

/** Every CEL rule of `schema` (and its sub-schemas) that `value` breaks. */
export function checkCelRules(schema: unknown, value: unknown, path = ''): CelViolation[] {
  if (!isRecord(schema) || value === undefined || value === null) return [];
  const violations: CelViolation[] = [];
  for (const rule of rulesOf(schema)) {
    if (breaks(rule, schema, value)) {
      violations.push({ field: rule.fieldPath ? joinFieldPath(path, rule.fieldPath) : path, rule: rule.rule, message: rule.message ?? `failed rule: ${rule.rule}` });
    }
  }
  for (const [childPath, childSchema, childValue] of children(schema, value, path)) {
    violations.push(...checkCelRules(childSchema, childValue, childPath));
  }
  return violations;
}

function rulesOf(schema: Record<string, unknown>): CelRule[] {
  const rules = schema['x-kubernetes-validations'];
  return Array.isArray(rules) ? rules.filter((rule): rule is CelRule => isRecord(rule) && typeof rule.rule === 'string' && !rule.rule.includes('oldSelf')) : [];
}

function breaks(rule: CelRule, schema: Record<string, unknown>, value: unknown): boolean {
  const program = compiled(rule.rule);
  if (program === undefined) return false;
  try {
    return program({ self: toCel(schema, value) }) === false;
  } catch {
    return false;
  }
}

function compiled(expression: string): Program | undefined {
  if (!programs.has(expression)) {
    const { module, env } = celRuntime();
    try {
      programs.set(expression, module.plan(env, module.parse(expression)) as Program);
    } catch {
      programs.set(expression, undefined);
    }
  }
  return programs.get(expression);
}

function celRuntime(): NonNullable<typeof cel> {
  if (cel === undefined) {
    // Loaded on first use, like ajv: most outputs hold no custom resource.
    const module = require('@bufbuild/cel') as CelModule;
    const { strings } = require('@bufbuild/cel/ext') as typeof import('@bufbuild/cel/ext');
    cel = { module, env: module.celEnv({ funcs: strings }) };
  }
  return cel;
}

/** A JSON value as the CEL value the API server would bind: integers as ints, objects as maps. */
function toCel(schema: unknown, value: unknown): unknown {
  const node = isRecord(schema) ? schema : {};
  if (Array.isArray(value)) return value.map((item) => toCel(node.items, item));
  if (isRecord(value)) {
    const properties = isRecord(node.properties) ? node.properties : {};
    return new Map(Object.entries(value).map(([key, item]) => [key, toCel(properties[key] ?? node.additionalProperties, item)]));
  }
  if (typeof value === 'number' && node.type === 'integer' && Number.isInteger(value)) return BigInt(value);
  return value;
}

function children(schema: Record<string, unknown>, value: unknown, path: string): Array<[string, unknown, unknown]> {
  if (Array.isArray(value)) return value.map((item, index) => [indexPath(path, index), schema.items, item]);
  if (!isRecord(value)) return [];
  const properties = isRecord(schema.properties) ? schema.properties : {};
  return Object.entries(value).map(([key, item]) => [fieldPath(path, key), properties[key] ?? schema.additionalProperties, item]);
}

/** A rule's `fieldPath` (`.spec.x` or `.x['y']`) below the node it is declared on. */
function joinFieldPath(base: string, relative: string): string {
  const trimmed = relative.replace(/^\./, '');
  return base === '' ? trimmed : `${base}.${trimmed}`;
}
