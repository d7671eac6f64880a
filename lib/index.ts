/**
 * cdk8s constructs for a FastAPI backend, a Next.js frontend, SQLite persistence, HTTP routing
 * (Ingress, Istio or Gateway API), a hardened namespace and network policies, with offline validation
 * of the synthesized output and a Mermaid topology diagram of it.
 *
 * Import everything from `cdk8s-fastapi-nextjs`. `cdk8s`, `cdk8s-plus-28` and `constructs` are peer
 * dependencies: install them in your app, so the constructs and your charts share one copy of each.
 * Start with {@link FastApiBackend}, {@link NextFrontend}, {@link IngressRoutes} and {@link AppNamespace};
 * check the output with {@link validateManifests} or {@link validateYamlFiles}.
 *
 * @packageDocumentation
 */

// The package's whole public API: every export is listed by name, so nothing internal leaks by accident.
// docs/api/ is generated from the doc comments reachable from here (npm run docs; npm run docs:check in CI).

export { MANAGED_BY, selectorLabels, standardLabels } from './labels';
export type { StandardLabelValues } from './labels';

export type { RunAsOptions } from './pod-security';

export { ImagePullPolicy, ServiceType, WebWorkload } from './web-workload';
export type {
  AutoscalingOptions, DisruptionBudgetOptions, IRouteTarget, InitContainerOptions, PrometheusScrapeOptions, ResourceRange,
  SecretEnvOptions, SecretKeyReference, WebWorkloadProps, WorkloadResources,
} from './web-workload';

export { BackendMode, FastApiBackend } from './fastapi-backend';
export type { FastApiBackendProps } from './fastapi-backend';

export { NextFrontend, NextFrontendMode } from './next-frontend';
export type { NextFrontendProps } from './next-frontend';

export { SqlitePersistence } from './sqlite-persistence';
export type { RetainingStorageClassOptions, SqlitePersistenceProps } from './sqlite-persistence';

export { IngressRoutes, PathMatch, RouteTarget, RoutingKind, RoutingMode } from './ingress-routes';
export type {
  AddRouteOptions, GatewayApiModeOptions, IngressModeOptions, IngressRoutesProps, IstioModeOptions, Route, RouteTlsOptions,
} from './ingress-routes';

export { AppNamespace, PodSecurityLevel } from './app-namespace';
export type { AppNamespaceProps, ContainerLimitOptions, NamespaceQuotaOptions } from './app-namespace';

export { AppNetworkPolicies } from './app-network-policies';
export type { AppNetworkPoliciesProps, ExternalEgressOptions, WorkloadConnection } from './app-network-policies';

export { topologyDiagram } from './topology';

// Offline validation of synthesized output. The cdk8s-cli plugin (ManifestValidationPlugin) is loaded by path
// from cdk8s.yaml (build/lib/validation/plugin.js), not imported, so it stays out of the package's API.
export { formatReport, hasErrors, summarize, validateManifests, validateYamlFiles } from './validation';
export type { Severity, ValidationOptions, Violation } from './validation';
