/**
 * The todo app: its environments, the chart each one builds, the Helm chart, and what the scripts read.
 * `main.ts` is the cdk8s entry point that runs it.
 */
export * from './environments';
export * from './todo-chart';
export * from './build';
export * from './helm-values';
export * from './helm-chart';
export * from './print-env';
