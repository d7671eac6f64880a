/**
 * cdk8s constructs for a FastAPI backend, a Next.js frontend, SQLite persistence, HTTP routing
 * (Ingress, Istio or Gateway API), a hardened namespace and network policies, and a Mermaid topology
 * diagram of the synthesized output.
 *
 * Import the constructs from `cdk8s-fastapi-nextjs`. `cdk8s`, `cdk8s-plus-28` and `constructs` are peer
 * dependencies: install them in your app, so the constructs and your charts share one copy of each; they are
 * the constructs' only run-time dependencies. Start with {@link FastApiBackend}, {@link NextFrontend},
 * {@link IngressRoutes} and {@link AppNamespace}. The offline checks of the output are a separate entry point,
 * `cdk8s-fastapi-nextjs/validation`, with dependencies of their own (see its documentation).
 *
 * @packageDocumentation
 */

// The package's whole public API: every export is listed by name, so nothing internal leaks by accident.
// docs/api/ is generated from the doc comments reachable from here (npm run docs; npm run docs:check in CI).

export { MANAGED_BY, selectorLabels, standardLabels } from './labels';
export type { LabelProps, StandardLabelValues } from './labels';

export type { RunAsOptions } from './pod-security';

export { ExternalTrafficPolicy, ImagePullPolicy, Protocol, ServiceType, UnhealthyPodEvictionPolicy } from './workload-options';
export type {
  AutoscalingOptions, ContainerPortOptions, DisruptionBudgetOptions, InitContainerOptions, ProbeTimingOptions, PrometheusScrapeOptions,
  ResourceRange, SecretEnvOptions, SecretKeyReference, WorkloadResources,
} from './workload-options';
export type { WebWorkloadProps } from './web-workload-props';
export { WebWorkload } from './web-workload';

export { FastApiBackend } from './fastapi-backend';
export type { FastApiBackendProps } from './fastapi-backend';

export { NextFrontend, NextFrontendMode } from './next-frontend';
export type { NextFrontendProps } from './next-frontend';

export { SqlitePersistence } from './sqlite-persistence';
export type { RetainingStorageClassOptions, SqlitePersistenceProps } from './sqlite-persistence';

export { RouteTarget } from './route-target';
export type { IRouteTarget } from './route-target';
export { PathMatch } from './route';
export type { AddRouteOptions, IngressTlsOptions, Route, RouteTlsOptions } from './route';
export { RoutingMode } from './routing-mode';
export type { GatewayApiModeOptions, IngressModeOptions, IstioModeOptions } from './routing-mode';
export { IngressRoutes } from './ingress-routes';
export type { IngressRoutesProps } from './ingress-routes';

export { AppNamespace, PodSecurityLevel } from './app-namespace';
export type { AppNamespaceProps, ContainerLimitOptions, NamespaceQuotaOptions } from './app-namespace';

export { AppNetworkPolicies } from './app-network-policies';
export type {
  AppNetworkPoliciesProps, ExternalEgressOptions, IngressFromOptions, InternalEgressOptions, WorkloadConnection,
} from './app-network-policies';
export { PolicyTarget } from './policy-target';
export type { DeploymentPolicyTargetOptions, IPolicyTarget, LabelPolicyTargetOptions } from './policy-target';

export { topologyDiagram } from './topology';
