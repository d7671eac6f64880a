import { isRecord } from '../json-access';
import { fieldPath, fromJsonPointer } from './paths';
import { RULES } from './rules';
import { Finding } from './types';

/** The shape of an ajv error object (ajv 8 and the precompiled kubernetes-models validators). */
export interface SchemaError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  /** Present when ajv runs with `verbose: true`: the value of the failed keyword and the schema holding it. */
  readonly schema?: unknown;
  readonly parentSchema?: unknown;
}

const LOGICAL_KEYWORDS = new Set(['oneOf', 'anyOf']);
const INSIDE_LOGICAL_BRANCH = /\/(oneOf|anyOf)\/\d+\//;
const MAX_LISTED_FIELDS = 15;

/** Converts ajv errors on `data` into findings, collapsing the noise of oneOf/anyOf alternatives. */
export function findingsFromSchemaErrors(errors: readonly SchemaError[], data: unknown, schemaName: string): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const error of summarizeAlternatives(errors)) {
    const finding = findingFromError(error, data, schemaName);
    const key = `${finding.rule.id}|${finding.field}|${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

/** A finding for a field name that the schema does not know. */
export function unknownFieldFinding(parentPath: string, name: string, knownFields: readonly string[], schemaName: string): Finding {
  const suggestion = closestName(name, knownFields);
  const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  return {
    rule: RULES.schemaUnknownField,
    field: fieldPath(parentPath, name),
    message: `unknown field "${name}" for ${schemaName}${hint}`,
    fix: `Remove "${name}" or correct its spelling${hint}; fields allowed here: ${listFields(knownFields)}.`,
  };
}

/**
 * Drops errors from inside oneOf/anyOf alternatives and folds the alternatives' type errors
 * into the one error of the oneOf/anyOf itself ("must be string or integer").
 */
function summarizeAlternatives(errors: readonly SchemaError[]): SchemaError[] {
  const logicalPaths = new Set(errors.filter((error) => LOGICAL_KEYWORDS.has(error.keyword)).map((error) => error.instancePath));
  const alternativeTypes = new Map<string, string[]>();
  const kept: SchemaError[] = [];
  for (const error of errors) {
    if (INSIDE_LOGICAL_BRANCH.test(error.schemaPath)) continue;
    if (!LOGICAL_KEYWORDS.has(error.keyword) && logicalPaths.has(error.instancePath)) {
      if (error.keyword === 'type') alternativeTypes.set(error.instancePath, [...(alternativeTypes.get(error.instancePath) ?? []), String(error.params.type)]);
      continue;
    }
    kept.push(error);
  }
  return kept.map((error) => {
    const types = alternativeTypes.get(error.instancePath);
    if (!LOGICAL_KEYWORDS.has(error.keyword) || types === undefined) return error;
    return { ...error, keyword: 'type', params: { type: types.join(' or ') } };
  });
}

function findingFromError(error: SchemaError, data: unknown, schemaName: string): Finding {
  const path = fromJsonPointer(error.instancePath, data);
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownFieldFinding(path, String(error.params.additionalProperty), knownFieldsOf(error.parentSchema), schemaName);
    case 'required':
      return invalid(fieldPath(path, String(error.params.missingProperty)), 'required field is missing',
        `Add "${String(error.params.missingProperty)}" to ${path === '' ? 'the object' : path}.`);
    case 'type':
      return invalid(path, `must be ${String(error.params.type)} (got ${preview(valueAt(data, error.instancePath))})`,
        `Write ${path} as ${String(error.params.type)}${['integer', 'number'].includes(String(error.params.type)) ? ' (unquoted)' : ''}.`);
    case 'enum':
      return invalid(path, `must be one of ${listValues(error.params.allowedValues)} (got ${preview(valueAt(data, error.instancePath))})`,
        `Use one of the allowed values: ${listValues(error.params.allowedValues)}.`);
    case 'oneOf':
      return Array.isArray(error.params.passingSchemas)
        ? invalid(path, `sets more than one of the mutually exclusive fields ${exclusiveFields(error).join(', ')}`.trim(), `Keep only one of them in ${path}.`)
        : invalid(path, 'matches none of the allowed alternatives', `Set exactly one of the alternative forms of ${path} that ${schemaName} allows.`);
    default:
      return invalid(path, `${error.message ?? `violates "${error.keyword}"`} (got ${preview(valueAt(data, error.instancePath))})`,
        `Change ${path === '' ? 'the object' : path} so that it ${error.message ?? `satisfies "${error.keyword}"`}.`);
  }
}

/** The fields that the passing alternatives of a oneOf require (Istio's "only one of" unions). */
function exclusiveFields(error: SchemaError): string[] {
  const alternatives = Array.isArray(error.schema) ? error.schema : [];
  const passing = Array.isArray(error.params.passingSchemas) ? error.params.passingSchemas : [];
  return passing.flatMap((index) => {
    const required = isRecord(alternatives[Number(index)]) ? (alternatives[Number(index)] as Record<string, unknown>).required : undefined;
    return Array.isArray(required) ? required.map(String) : [];
  });
}

function invalid(field: string, message: string, fix: string): Finding {
  return { rule: RULES.schemaInvalid, field, message, fix };
}

function knownFieldsOf(schema: unknown): string[] {
  return isRecord(schema) && isRecord(schema.properties) ? Object.keys(schema.properties) : [];
}

function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let current = data;
  for (const rawSegment of pointer.slice(1).split('/')) {
    const segment = rawSegment.replace(/~1/g, '/').replace(/~0/g, '~');
    current = Array.isArray(current) ? current[Number(segment)] : isRecord(current) ? current[segment] : undefined;
  }
  return current;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function listValues(values: unknown): string {
  return Array.isArray(values) ? values.map((value) => JSON.stringify(value)).join(', ') : String(values);
}

function listFields(fields: readonly string[]): string {
  if (fields.length === 0) return '(see the schema)';
  const sorted = [...fields].sort();
  const shown = sorted.slice(0, MAX_LISTED_FIELDS).join(', ');
  return sorted.length > MAX_LISTED_FIELDS ? `${shown}, ...` : shown;
}

/** The known name closest to `name` by edit distance, if it is close enough to be a likely typo. */
function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
