/**
 * Offline validation of synthesized Kubernetes manifests: schemas (Kubernetes 1.28 via
 * kubernetes-models, Istio and Gateway API via bundled CRD schemas), the restricted Pod Security
 * Standard, and hygiene rules (resources, probes, image tags, Secrets, namespaces, selectors, routes).
 *
 * @example
 * const violations = validateManifests(Testing.synth(chart), { externalNamespaces: ['istio-system'] });
 * expect(violations.filter((v) => v.severity === 'error')).toEqual([]);
 *
 * @packageDocumentation
 */
export { hasErrors, validateManifests, validateYamlFiles } from './validate';
export { formatReport, summarize } from './report';
export { ALL_RULES, RULES } from './rules';
export { ManifestValidationPlugin } from './plugin';
export type { EnvironmentValidationProps, ManifestValidationPluginProps, PluginContext, PluginViolation } from './plugin';
export type { RuleDefinition, Severity, ValidationOptions, Violation } from './types';
