/**
 * Exact mode: the API server's own answer for each object (lib/validation/exact), turned into findings, and what
 * the exact validator must know of the cluster (namespace labels, Pod Security defaults, API server flags).
 */
import { ExactClusterOptions, ExactOutcome, KubeValidator } from './exact/kube-validator';
import { labelsOf } from './objects';
import { RULES } from './rules';
import { Finding, KubeObject, PodSecurityDefaults, ValidationMode, ValidationOptions } from './types';

/** The Pod Security defaults when none are given: the library's stance, restricted for every namespace that says nothing. */
export const DEFAULT_POD_SECURITY: PodSecurityDefaults = { enforce: 'restricted', enforceVersion: 'latest' };

const MODES: readonly ValidationMode[] = ['auto', 'exact', 'fast'];
const POD_SECURITY_WARNING = /^would violate PodSecurity /;
const UNKNOWN_FIELD = /field not declared in schema|strict decoding|duplicate field|unknown field/;

/** The mode asked for: the option, else `CDK8S_VALIDATION`, else `auto`. */
export function requestedMode(options: ValidationOptions): ValidationMode {
  const fromEnvironment = process.env.CDK8S_VALIDATION;
  if (options.mode === undefined && fromEnvironment !== undefined && fromEnvironment !== '' && !MODES.includes(fromEnvironment as ValidationMode)) {
    throw new Error(`CDK8S_VALIDATION must be one of ${MODES.join(', ')}; got "${fromEnvironment}".`);
  }
  return options.mode ?? (fromEnvironment ? fromEnvironment as ValidationMode : 'auto');
}

/** The exact validator for these options, or undefined in fast mode (or auto mode without it). */
export function exactValidatorFor(options: ValidationOptions): KubeValidator | undefined {
  const mode = requestedMode(options);
  if (mode === 'fast') return undefined;
  const validator = KubeValidator.load();
  if (validator === undefined && mode === 'exact') {
    throw new Error('Exact validation was requested (mode "exact" or CDK8S_VALIDATION=exact), but this installation has no exact '
      + 'validator: build it with `node tools/kube-validator.js` (needs Go), or use mode "auto" or "fast".');
  }
  return validator;
}

/** What the exact validator needs to know of the cluster an output goes to. */
export function clusterOptions(objects: readonly KubeObject[], options: ValidationOptions): ExactClusterOptions {
  const namespaces: Record<string, Record<string, string>> = {};
  for (const object of objects) {
    if (object.apiVersion === 'v1' && object.kind === 'Namespace' && typeof object.metadata?.name === 'string') {
      namespaces[object.metadata.name] = labelsOf(object.metadata);
    }
  }
  return {
    namespaces,
    podSecurityDefaults: podSecurityDefaultLabels(options.podSecurityDefaults ?? DEFAULT_POD_SECURITY),
    serviceNodePortRange: options.apiServer?.serviceNodePortRange,
    allowPrivileged: options.apiServer?.allowPrivileged,
  };
}

/** The `defaults:` of a PodSecurityConfiguration, keyed like the namespace labels. */
export function podSecurityDefaultLabels(defaults: PodSecurityDefaults): Record<string, string> {
  return {
    'enforce': defaults.enforce,
    'enforce-version': defaults.enforceVersion ?? 'latest',
    'warn': defaults.warn ?? 'privileged',
    'warn-version': defaults.warnVersion ?? 'latest',
  };
}

/** Whether the exact validator judged the object itself (built-in kinds); custom resources fall back to the fast checks. */
export function judgedExactly(outcome: ExactOutcome): boolean {
  return outcome.verdict !== 'unknown-kind';
}

/** The API server's answer as findings: one per cause of a rejection, Pod Security warnings as errors, other warnings as warnings. */
export function exactFindings(outcome: ExactOutcome): Finding[] {
  const findings: Finding[] = [];
  if (outcome.verdict === 'invalid-document') {
    findings.push({ rule: RULES.apiServerRejected, field: '', message: outcome.message ?? 'kubectl cannot read the object', fix: 'Make the document a Kubernetes object with apiVersion, kind and metadata.name.' });
  }
  if (outcome.verdict === 'rejected' && outcome.status !== undefined) findings.push(...rejectionFindings(outcome.status));
  for (const warning of outcome.warnings) {
    if (POD_SECURITY_WARNING.test(warning)) {
      findings.push({
        rule: RULES.apiServerPodSecurity,
        field: 'spec',
        message: `the API server accepts the object, but its pods ${warning.replace(/^would violate/, 'would violate')}, so they would be refused`,
        fix: 'Set the securityContext fields the message names on the pod template, or lower the namespace\'s pod-security.kubernetes.io/enforce level.',
      });
    } else {
      findings.push({ rule: RULES.apiServerWarning, field: '', message: `API server warning: ${warning}`, fix: 'Change the field the warning names; the API server may refuse it in a later release.' });
    }
  }
  return findings;
}

function rejectionFindings(status: NonNullable<ExactOutcome['status']>): Finding[] {
  const causes = status.details?.causes ?? [];
  if (status.reason === 'Forbidden' && /PodSecurity/.test(status.message)) {
    return [{ rule: RULES.apiServerPodSecurity, field: 'spec', message: status.message, fix: 'Set the securityContext fields the message names, or lower the namespace\'s pod-security.kubernetes.io/enforce level.' }];
  }
  if (status.reason === 'Invalid' && causes.length > 0) {
    return causes.map((cause) => ({
      rule: UNKNOWN_FIELD.test(cause.message ?? '') ? RULES.apiServerUnknownField : RULES.apiServerInvalid,
      field: cause.field ?? '',
      message: cause.message ?? status.message,
      fix: `Change ${cause.field ?? 'the field'} as the message says: the API server refuses the object otherwise.`,
    }));
  }
  const unknownField = UNKNOWN_FIELD.test(status.message);
  return [{
    rule: unknownField ? RULES.apiServerUnknownField : RULES.apiServerRejected,
    field: fieldOfMessage(status.message),
    message: status.message,
    fix: unknownField ? 'Remove or correct the field: the API server\'s schema does not declare it (or it appears twice).' : 'Correct the object as the message says: the API server refuses it otherwise.',
  }];
}

/** The field a server-side apply message names (`.spec.template.spec.containers[name="web"].foo: ...`), as a path. */
function fieldOfMessage(message: string): string {
  const match = /: (\.[^\s:]+): /.exec(message);
  return match ? match[1].slice(1) : '';
}
