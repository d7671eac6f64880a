import * as path from 'path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { CRD_AJV_OPTIONS, CRD_BUNDLES, CrdBundle, CrdKindEntry, bundleFingerprint, precompiledFileName, strictCrdSchema } from './crd-bundles';
import { SchemaError } from './schema-findings';

export type { CrdKindEntry } from './crd-bundles';

/** The result of looking up an object's apiVersion/kind among the offline CRD schemas. */
export type CrdLookup =
  | { readonly status: 'found'; readonly entry: CrdKindEntry; readonly validate: () => ValidateFunction }
  | { readonly status: 'missing'; readonly available: readonly string[] }
  /** The bundle has the kind, but its CRD does not serve this version: the API server has no match for it. */
  | { readonly status: 'unserved'; readonly served: readonly string[]; readonly source: string }
  | { readonly status: 'not-a-crd-group' };

/** Where the build (tools/compile-crd-validators.js) writes the precompiled validators: beside the compiled module. */
export const PRECOMPILED_DIR = path.join(__dirname, 'crd-validators');

/** A precompiled module: one validator per kind, and the fingerprint of the bundle it was generated from. */
type PrecompiledModule = { readonly fingerprint?: unknown } & Readonly<Record<string, ValidateFunction | undefined>>;

let ajv: Ajv | undefined;
const compiled = new Map<CrdKindEntry, ValidateFunction>();
const precompiled = new Map<CrdBundle, PrecompiledModule | null>();

/** The API groups with offline CRD schemas. */
export const CRD_GROUPS: readonly string[] = CRD_BUNDLES.map((bundle) => bundle.group);

/** Finds the CRD schema for group/version/kind. The validator is loaded (or compiled) on first use and cached. */
export function lookupCrd(group: string, version: string, kind: string): CrdLookup {
  const bundle = CRD_BUNDLES.find((candidate) => candidate.group === group);
  if (bundle === undefined) return { status: 'not-a-crd-group' };
  // A kind's versions may be split over entries (one per openAPIV3Schema): the served ones are all of theirs.
  const entriesOfKind = bundle.kinds.filter((candidate) => candidate.kind === kind);
  const entry = entriesOfKind.find((candidate) => candidate.versions.includes(version));
  if (entry === undefined && entriesOfKind.length > 0) {
    const served = entriesOfKind.flatMap((candidate) => candidate.versions.map((v) => `${group}/${v}`));
    return { status: 'unserved', served, source: bundle.source.replace(/ \(.*$/, '') };
  }
  if (entry === undefined) {
    return { status: 'missing', available: bundle.kinds.flatMap((candidate) => candidate.versions.map((v) => `${group}/${v} ${candidate.kind}`)) };
  }
  return { status: 'found', entry, validate: () => validatorOf(bundle, entry) };
}

/** The scope of a CRD kind of the offline bundles, or undefined when it is not one of them. */
export function crdScopeOf(group: string, kind: string): 'Namespaced' | 'Cluster' | undefined {
  return CRD_BUNDLES.find((bundle) => bundle.group === group)?.kinds.find((entry) => entry.kind === kind)?.scope;
}

/** Validates an object against a CRD schema and returns the ajv errors. */
export function validateWithCrd(validate: ValidateFunction, object: unknown): readonly SchemaError[] {
  return validate(object) ? [] : ((validate.errors ?? []) as SchemaError[]);
}

/** Whether the validators of `group` come precompiled by the build (false when running from sources, or when they are stale). */
export function usesPrecompiledValidators(group: string): boolean {
  const bundle = CRD_BUNDLES.find((candidate) => candidate.group === group);
  return bundle !== undefined && precompiledModule(bundle) !== undefined;
}

function validatorOf(bundle: CrdBundle, entry: CrdKindEntry): ValidateFunction {
  let validate = compiled.get(entry);
  if (validate === undefined) {
    validate = precompiledModule(bundle)?.[entry.kind] ?? sharedAjv().compile(strictCrdSchema(entry));
    compiled.set(entry, validate);
  }
  return validate;
}

/**
 * The bundle's validators as ajv standalone code generated at build time, or undefined when the build
 * did not write them (running from sources, as under ts-jest) or wrote them for other schemas: then
 * the schemas are compiled here, on first use, with the same options (about 0.3 s for both bundles).
 */
function precompiledModule(bundle: CrdBundle): PrecompiledModule | undefined {
  if (!precompiled.has(bundle)) precompiled.set(bundle, loadPrecompiled(bundle) ?? null);
  return precompiled.get(bundle) ?? undefined;
}

function loadPrecompiled(bundle: CrdBundle): PrecompiledModule | undefined {
  let module: PrecompiledModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require(path.join(PRECOMPILED_DIR, precompiledFileName(bundle))) as PrecompiledModule;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  return module.fingerprint === bundleFingerprint(bundle) ? module : undefined;
}

function sharedAjv(): Ajv {
  if (ajv === undefined) {
    // Loaded on first use: ajv costs about 50 ms to load, and most outputs (and every plain synth) need no CRD check.
    const { default: AjvClass } = require('ajv') as typeof import('ajv');
    const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
    ajv = new AjvClass(CRD_AJV_OPTIONS);
    addFormats(ajv);
  }
  return ajv;
}
