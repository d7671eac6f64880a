/**
 * `cdk8s-fastapi-nextjs/helm`: a parameterized Helm chart generated from a cdk8s app, so the chart and the plain
 * YAML come from the same constructs. See {@link HelmChartGenerator} and {@link HelmValue}.
 *
 * @packageDocumentation
 */
export { HelmChartGenerator } from './helm-chart-generator';
export type { HelmChartGeneratorProps, HelmRelease, HelmTemplateCheck } from './helm-chart-generator';
export { HelmValue } from './helm-value';
export type { HelmBooleanOptions, HelmChoiceOptions, HelmIntegerOptions, HelmStringOptions, HelmValueOptions, HelmValueTree } from './helm-value';
