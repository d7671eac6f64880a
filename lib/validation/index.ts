/**
 * Offline validation of synthesized Kubernetes manifests: schemas (Kubernetes 1.28 via
 * kubernetes-models, Istio and Gateway API via bundled CRD schemas), the restricted Pod Security
 * Standard, and hygiene rules (resources, probes, image tags, Secrets, namespaces, selectors, routes).
 *
 * A second entry point of the package, `cdk8s-fastapi-nextjs/validation`, so that apps using only the
 * constructs do not install what it needs. Its dependencies are optional peer dependencies of the package;
 * install them to use it: `npm install @kubernetes-models/apimachinery ajv ajv-formats kubernetes-models yaml`.
 *
 * @example
 * import { validateManifests } from 'cdk8s-fastapi-nextjs/validation';
 * const violations = validateManifests(Testing.synth(chart), { externalNamespaces: ['istio-system'] });
 * expect(violations.filter((v) => v.severity === 'error')).toEqual([]);
 *
 * @packageDocumentation
 */

// The entry point's whole API. The cdk8s-cli plugin (ManifestValidationPlugin) is loaded by path from cdk8s.yaml
// (build/lib/validation/plugin.js), not imported, so it stays out of it.
export { hasErrors, validateManifests, validateYamlFiles } from './validate';
export { formatReport, summarize } from './report';
export type { Severity, ValidationOptions, Violation } from './types';
export { runSynth, synthValidated } from './synth';
export type { SynthOptions, SynthResult } from './synth';
