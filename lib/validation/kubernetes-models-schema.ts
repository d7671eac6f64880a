import { SchemaError } from './schema-findings';

/** The static side of a kubernetes-models resource class (e.g. `Deployment` from `kubernetes-models/apps/v1`). */
interface ModelClass {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly prototype: { validate(this: unknown): void };
}

const API_VERSION_PATTERN = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND_PATTERN = /^[A-Z][A-Za-z0-9]*$/;

/** Model classes by `apiVersion/kind`; `null` records a kind that kubernetes-models does not have. */
const modelCache = new Map<string, ModelClass | null>();

/**
 * Loads the kubernetes-models class for an apiVersion/kind, requiring only that one module
 * (`kubernetes-models/<apiVersion>/<Kind>`), and caches it. Returns undefined when there is none.
 */
export function loadModel(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) modelCache.set(key, requireModel(apiVersion, kind) ?? null);
  return modelCache.get(key) ?? undefined;
}

/** Validates `object` with the precompiled JSON-schema validator of its model; returns the ajv errors. */
export function validateWithModel(model: ModelClass, object: unknown): readonly SchemaError[] {
  try {
    model.prototype.validate.call(object);
    return [];
  } catch (error) {
    const errors = (error as { errors?: unknown }).errors;
    if (Array.isArray(errors)) return errors as SchemaError[];
    throw error;
  }
}

function requireModel(apiVersion: string, kind: string): ModelClass | undefined {
  if (!API_VERSION_PATTERN.test(apiVersion) || !KIND_PATTERN.test(kind)) return undefined;
  let exports: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, unknown>;
  } catch (error) {
    if (isModuleNotFound(error)) return undefined;
    throw error;
  }
  const model = exports[kind] as ModelClass | undefined;
  // Nested types (e.g. v1/Container) have modules too; only top-level resources carry apiVersion/kind.
  return model?.apiVersion === apiVersion && model.kind === kind ? model : undefined;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
}

let objectMetaModel: ModelClass | null | undefined;

/**
 * Validates the `metadata` of an object whose own schema does not describe it (custom resources)
 * with kubernetes-models' ObjectMeta validator. Error paths are relative to the object root.
 */
export function validateObjectMeta(metadata: unknown): readonly SchemaError[] {
  if (objectMetaModel === undefined) objectMetaModel = requireObjectMetaModel() ?? null;
  if (objectMetaModel === null || metadata === undefined) return [];
  return validateWithModel(objectMetaModel, metadata).map((error) => ({ ...error, instancePath: `/metadata${error.instancePath}` }));
}

function requireObjectMetaModel(): ModelClass | undefined {
  try {
    // Shipped with kubernetes-models (its @kubernetes-models/apimachinery dependency).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require('@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta') as Record<string, unknown>;
    return exports.ObjectMeta as ModelClass | undefined;
  } catch (error) {
    if (isModuleNotFound(error)) return undefined;
    throw error;
  }
}
