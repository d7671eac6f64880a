import { isRecord } from '../json-access';
import { checkIngressHosts, checkMetadata, checkObjectName, checkPortRanges } from './api-rules';
import { DEFAULT_POD_SECURITY, clusterOptions, exactFindings, exactValidatorFor, judgedExactly } from './api-server';
import { ExactOutcome } from './exact/kube-validator';
import { checkContainerHygiene, checkSecretData } from './hygiene';
import { checkCidrs, checkPlainTextSecrets } from './values';
import { checkNamespace, enforcedPodSecurity } from './namespaces';
import { withObjectCaches } from './object-cache';
import { describeObject } from './objects';
import { OutputIndex, buildOutputIndex } from './output-index';
import { checkPodSecurity } from './pod-security';
import { checkRoutes } from './routes';
import { RULES, isSkipped } from './rules';
import { checkSchema } from './schema';
import { checkServiceSelector } from './services';
import { Finding, KubeObject, SourcedDocument, SourcedObject, ValidationOptions, Violation } from './types';
import { loadYamlFiles } from './yaml-files';

/**
 * Validates manifest objects (e.g. `Testing.synth(chart)` or parsed YAML) as one output:
 * namespaces, Service selectors and routes are resolved among these objects.
 * Empty documents (null) are ignored.
 */
export function validateManifests(objects: unknown[], options: ValidationOptions = {}): Violation[] {
  return validateDocuments(objects.map((document, position) => ({ document, position })), options);
}

/**
 * Reads multi-document YAML manifest files (e.g. everything under `dist/`) and validates all of
 * their objects as one output. Every violation records the file its object came from.
 */
export function validateYamlFiles(paths: string[], options: ValidationOptions = {}): Violation[] {
  const { documents, syntaxErrors } = loadYamlFiles(paths);
  const skipRules = options.skipRules ?? [];
  return [...syntaxErrors.filter((violation) => !isSkipped(violation.rule, skipRules)), ...validateDocuments(documents, options)];
}

/** True when any violation is an error (warnings do not count). */
export function hasErrors(violations: readonly Violation[]): boolean {
  return violations.some((violation) => violation.severity === 'error');
}

/**
 * Validates documents that form one output (one environment): per-object rules on each object,
 * cross-object rules (namespaces, selectors, routes) against the whole set.
 */
export function validateDocuments(documents: readonly SourcedDocument[], options: ValidationOptions = {}): Violation[] {
  return withObjectCaches(() => validateOutput(documents, options));
}

function validateOutput(documents: readonly SourcedDocument[], options: ValidationOptions): Violation[] {
  const objects: SourcedObject[] = [];
  const violations: Violation[] = [];
  for (const { document, file, position } of documents) {
    // Empty YAML documents (a trailing `---`) parse to null: they hold no object.
    if (document === null || document === undefined) continue;
    if (isRecord(document)) objects.push({ object: document as KubeObject, file });
    else violations.push(notAnObject(document, file, position));
  }
  const index = buildOutputIndex(objects.map(({ object }) => object), options.externalNamespaces ?? []);
  const exact = exactValidatorFor(options);
  const outcomes = exact?.validate(objects.map(({ object }) => object), clusterOptions(objects.map(({ object }) => object), options));
  objects.forEach(({ object, file }, position) => {
    const description = describeObject(object);
    for (const finding of checkObject(object, index, options, outcomes?.[position])) violations.push(toViolation(finding, description, file));
  });
  const skipRules = options.skipRules ?? [];
  return violations.filter((violation) => !isSkipped(violation.rule, skipRules));
}

/**
 * The findings of one object: what the API server checks (from its own code when an exact outcome is given and it
 * judged the object, else from the fast rules), then the policy rules, which run in every mode.
 */
function checkObject(object: KubeObject, index: OutputIndex, options: ValidationOptions, outcome: ExactOutcome | undefined): Finding[] {
  const serverChecks = outcome !== undefined && judgedExactly(outcome) ? exactFindings(outcome) : fastServerChecks(object, index, options);
  return [...serverChecks, ...policyChecks(object, index, options)];
}

/** The fast rules that stand in for the API server's checks (RuleDefinition.modelsApiServer). */
export function fastServerChecks(object: KubeObject, index: OutputIndex, options: ValidationOptions): Finding[] {
  return [
    ...checkSchema(object),
    ...checkObjectName(object),
    ...checkMetadata(object),
    ...checkPortRanges(object),
    ...checkIngressHosts(object),
    ...checkPodSecurity(object, enforcedPodSecurity(object, index, options.podSecurityDefaults ?? DEFAULT_POD_SECURITY)),
    ...checkCidrs(object),
  ];
}

function policyChecks(object: KubeObject, index: OutputIndex, options: ValidationOptions): Finding[] {
  return [
    ...checkContainerHygiene(object, { allowLatestImages: options.allowLatestImages ?? false }),
    ...checkSecretData(object),
    ...checkPlainTextSecrets(object),
    ...checkNamespace(object, index),
    ...checkServiceSelector(object, index),
    ...checkRoutes(object, index),
  ];
}

function toViolation(finding: Finding, object: string, file: string | undefined): Violation {
  return {
    ...(file === undefined ? {} : { file }),
    object,
    field: finding.field,
    rule: finding.rule.id,
    message: finding.message,
    fix: finding.fix,
    severity: finding.rule.severity,
  };
}

function notAnObject(document: unknown, file: string | undefined, position: number): Violation {
  return toViolation({
    rule: RULES.schemaNotAnObject,
    field: '',
    message: `document ${position + 1} is a ${Array.isArray(document) ? 'list' : typeof document}, not a Kubernetes object`,
    fix: 'Make every manifest document a mapping with apiVersion, kind and metadata.',
  }, `(document ${position + 1})`, file);
}
