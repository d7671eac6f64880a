/**
 * Offline validation of synthesized Kubernetes manifests: what the Kubernetes 1.36 API server would refuse (exactly,
 * by its own validation code compiled to WebAssembly when installed, else by fast TypeScript rules: schemas, field
 * names, Pod Security at the namespace's level), Istio and Gateway API CRD schemas and CEL rules, and policy rules
 * (resources, probes, image references and tags, credentials, Secrets, namespaces, selectors, routes).
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
export type { ApiServerSettings, PodSecurityDefaults, PodSecurityLevel, Severity, ValidationMode, ValidationOptions, Violation } from './types';
export { runSynth, synthValidated } from './synth';
export type { SynthOptions, SynthResult } from './synth';
