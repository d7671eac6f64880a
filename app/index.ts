/**
 * The todo app: its values, its environments, the chart each one builds, the Helm chart's derived files, and
 * what the scripts read. `main.ts` is the cdk8s entry point that runs it.
 */
export * from './values-schema';
export * from './values';
export * from './value-checks';
export * from './names';
export * from './environments';
export * from './todo-chart';
export * from './build';
export * from './helm-chart';
export * from './print-env';
