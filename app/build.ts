/** Which environments a synth builds, and with what: read from the process environment. */
import { App, Chart } from 'cdk8s';
import { ValidationOptions } from '../lib/validation';
import { AiMode, ENVIRONMENTS, EnvironmentSettings } from './environments';
import { TodoChart, TodoChartOptions } from './todo-chart';

/** What selects and parameterizes the environments; read from the process environment by {@link optionsFromEnv}. */
export interface BuildOptions extends TodoChartOptions {
  /** Environment names, or `["all"]`. @default ["local"] */
  readonly environments?: string[];
  /** Where `synth()` writes. @default - CDK8S_OUTDIR (set by `cdk8s synth --output`), else "dist" */
  readonly outdir?: string;
}

/** Builds the app with one chart per selected environment. Has no side effects until `synth()` is called. */
export function buildApp(options: BuildOptions = {}): App {
  const app = new App({ outdir: options.outdir });
  for (const settings of selectEnvironments(options.environments ?? ['local'])) {
    new TodoChart(app, settings, options);
  }
  return app;
}

/** The settings of the named environments; `all` selects every one. Throws on an unknown name. */
export function selectEnvironments(names: string[]): EnvironmentSettings[] {
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) {
    throw new Error(`TODO_ENV: "${repeated[0]}" is listed twice in "${names.join(',')}"; each environment writes one chart and one file. List each once.`);
  }
  if (names.includes('all')) {
    if (names.length > 1) throw new Error(`TODO_ENV: "all" already selects every environment; got "${names.join(',')}". Use "all" alone or list the environments.`);
    return Object.values(ENVIRONMENTS);
  }
  return names.map((name) => {
    const settings = ENVIRONMENTS[name];
    if (!settings) {
      throw new Error(`TODO_ENV: unknown environment "${name}". Use one of ${Object.keys(ENVIRONMENTS).join(', ')}, a comma-separated list, or "all".`);
    }
    return settings;
  });
}

/**
 * Reads TODO_ENV, IMAGE_TAG, IMAGE_REGISTRY, TODO_HOST, TODO_AI_MODE (`mock`, the default, or `real`) and
 * MODEL_SERVER_URL (with `real`; e.g. the minikube environment calling a model server in the cluster).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): BuildOptions {
  const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const aiMode = nonEmpty(env.TODO_AI_MODE)?.toLowerCase();
  return {
    aiMode: aiMode === undefined ? undefined : (aiMode === 'mock' ? 'dummy' : aiMode) as AiMode,
    modelServerUrl: nonEmpty(env.MODEL_SERVER_URL),
    environments: nonEmpty(env.TODO_ENV)?.split(',').map((name) => name.trim()).filter((name) => name !== ''),
    imageTag: nonEmpty(env.IMAGE_TAG),
    imageRegistry: nonEmpty(env.IMAGE_REGISTRY),
    host: nonEmpty(env.TODO_HOST),
  };
}

/** How an environment's output is validated: derived from its settings, never configured a second time. */
export function validationOptions(settings: EnvironmentSettings): ValidationOptions {
  return {
    allowLatestImages: !settings.pinnedImages,
    externalNamespaces: settings.routing.sourceNamespace ? [settings.routing.sourceNamespace] : [],
  };
}

/** The validation options of one chart of {@link buildApp}'s app (the defaults for any other chart). */
export function chartValidationOptions(chart: Chart): ValidationOptions {
  // cdk8s's Chart narrows `instanceof` to Chart itself (Symbol.hasInstance), hence the cast.
  return chart instanceof TodoChart ? validationOptions((chart as TodoChart).settings) : {};
}
