import { Violation } from './types';

const NO_FILE = '(objects not read from a file)';

/**
 * Formats violations as a readable report, grouped by file and object. Each violation line names
 * severity, rule id, object and field path, followed by the message and the fix:
 *
 * ```
 * dist/app.k8s.yaml
 *   Deployment app/backend
 *     ERROR pss-restricted/allow-privilege-escalation  Deployment app/backend  spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation
 *           container "api" does not set allowPrivilegeEscalation: false
 *           fix: Set securityContext.allowPrivilegeEscalation: false on container "api".
 *
 * 1 error, 0 warnings
 * ```
 */
export function formatReport(violations: readonly Violation[]): string {
  if (violations.length === 0) return 'No violations.';
  const lines: string[] = [];
  for (const [file, byObject] of groupByFileAndObject(violations)) {
    lines.push(file);
    for (const [object, objectViolations] of byObject) {
      lines.push(`  ${object}`);
      for (const violation of objectViolations) lines.push(...formatViolation(violation));
    }
    lines.push('');
  }
  lines.push(summarize(violations));
  return lines.join('\n');
}

/** `N errors, M warnings`. */
export function summarize(violations: readonly Violation[]): string {
  const errors = violations.filter((violation) => violation.severity === 'error').length;
  const warnings = violations.length - errors;
  return `${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`;
}

function formatViolation(violation: Violation): string[] {
  const severity = violation.severity === 'error' ? 'ERROR' : 'WARN ';
  const field = violation.field === '' ? '(object)' : violation.field;
  return [
    `    ${severity} ${violation.rule}  ${violation.object}  ${field}`,
    `          ${violation.message}`,
    `          fix: ${violation.fix}`,
  ];
}

function groupByFileAndObject(violations: readonly Violation[]): Map<string, Map<string, Violation[]>> {
  const groups = new Map<string, Map<string, Violation[]>>();
  for (const violation of violations) {
    const file = violation.file ?? NO_FILE;
    const byObject = groups.get(file) ?? new Map<string, Violation[]>();
    byObject.set(violation.object, [...(byObject.get(violation.object) ?? []), violation]);
    groups.set(file, byObject);
  }
  return groups;
}
