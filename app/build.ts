/** Which environments a synth builds, and with what: read from the process environment. */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IMAGE_TAG, registryPrefixProblem } from '../lib/image-reference';
import { ValidationOptions } from '../lib/validation';
import { ENVIRONMENTS, Environment } from './environments';
import { TodoChart } from './todo-chart';
import { defaultValues, mergeValues } from './values';
import { RELEASE_TAG, TodoValues, TodoValuesPatch, WRITE_ACCESS, WriteAccess } from './values-schema';

/** The AI mode TODO_AI_MODE names: `mock` (canned answers) or `real` (calls MODEL_SERVER_URL). */
export type AiMode = TodoValues['backend']['config']['MODE'];

/** What selects and parameterizes the environments; read from the process environment by {@link optionsFromEnv}. */
export interface BuildOptions {
  /** Environment names, or `["all"]`. @default ["local"] */
  readonly environments?: string[];
  /** Where `synth()` writes. @default - CDK8S_OUTDIR (set by `cdk8s synth --output`), else "dist" */
  readonly outdir?: string;
  /** The tag of both images (IMAGE_TAG). @default - the environment's */
  readonly imageTag?: string;
  /** A registry prefix such as `ghcr.io/acme` for both images (IMAGE_REGISTRY). @default - none: `todo-backend:<tag>` */
  readonly imageRegistry?: string;
  /** The host the routes answer on (TODO_HOST). @default - the environment's */
  readonly host?: string;
  /** The backend's AI mode (TODO_AI_MODE). @default - the environment's */
  readonly aiMode?: AiMode;
  /** The model server of AI mode `real` (MODEL_SERVER_URL). @default - the environment's */
  readonly modelServerUrl?: string;
  /** Who may change data through the routes (TODO_WRITE_ACCESS). @default - the environment's */
  readonly writeAccess?: WriteAccess;
}

/** Builds the app with one chart per selected environment. Has no side effects until `synth()` is called. */
export function buildApp(options: BuildOptions = {}): App {
  const app = new App({ outdir: options.outdir });
  for (const environment of selectEnvironments(options.environments ?? ['local'])) environmentChart(app, environment, undefined, options);
  return app;
}

/** One environment's chart (the release named like its namespace), with more values over its own when given. */
export function environmentChart(scope: Construct, environment: Environment, patch?: TodoValuesPatch, options: BuildOptions = {}): TodoChart {
  const values = mergeValues<TodoValues>(environmentValues(environment, options), patch);
  return new TodoChart(scope, environment.name, { values, release: { name: environment.namespace, namespace: environment.namespace } });
}

/** Every value of an environment: the chart's defaults, the environment's values, then the synth settings. */
export function environmentValues(environment: Environment, options: BuildOptions = {}): TodoValues {
  const values = mergeValues<TodoValues>(defaultValues(), environment.values);
  return mergeValues<TodoValues>(values, synthSettings(values, options));
}

/** The synth settings as values, each checked with a message that names its variable. */
function synthSettings(values: TodoValues, options: BuildOptions): TodoValuesPatch {
  const { imageTag, imageRegistry, host, aiMode, modelServerUrl, writeAccess } = options;
  if (imageTag !== undefined && !IMAGE_TAG.test(imageTag)) {
    throw new Error(`IMAGE_TAG must be a Docker tag (letters, digits, "_", "." and "-", at most 128); got "${imageTag}". Set it to e.g. ${RELEASE_TAG}-abc1234.`);
  }
  const registry = imageRegistry?.replace(/\/+$/, '');
  const problem = registry === undefined ? undefined : registryPrefixProblem(registry);
  if (problem) {
    throw new Error(`IMAGE_REGISTRY must be a registry prefix such as "ghcr.io/acme" or "localhost:5001": ${problem}; got "${imageRegistry}". `
      + 'Write the registry host (and optional lowercase path) without a scheme, tag or spaces.');
  }
  if (modelServerUrl !== undefined && (aiMode ?? values.backend.config.MODE) === 'mock') {
    throw new Error(`MODEL_SERVER_URL is only used with TODO_AI_MODE=real; got "${modelServerUrl}" in mock mode. Set TODO_AI_MODE=real as well, or unset MODEL_SERVER_URL.`);
  }
  const image = imageTag === undefined ? undefined : { image: { tag: imageTag } };
  return {
    global: registry === undefined ? undefined : { imageRegistry: registry },
    backend: { ...image, config: { MODE: aiMode, MODEL_SERVER_URL: modelServerUrl } },
    frontend: image,
    ingress: host === undefined ? undefined : { hostname: host },
    writeAccess,
  };
}

/** The named environments; `all` selects every one. Throws on an unknown name. */
export function selectEnvironments(names: string[]): Environment[] {
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) {
    throw new Error(`TODO_ENV: "${repeated[0]}" is listed twice in "${names.join(',')}"; each environment writes one chart and one file. List each once.`);
  }
  if (names.includes('all')) {
    if (names.length > 1) throw new Error(`TODO_ENV: "all" already selects every environment; got "${names.join(',')}". Use "all" alone or list the environments.`);
    return Object.values(ENVIRONMENTS);
  }
  return names.map((name) => {
    const environment = ENVIRONMENTS[name];
    if (!environment) {
      throw new Error(`TODO_ENV: unknown environment "${name}". Use one of ${Object.keys(ENVIRONMENTS).join(', ')}, a comma-separated list, or "all".`);
    }
    return environment;
  });
}

/**
 * Reads TODO_ENV, IMAGE_TAG, IMAGE_REGISTRY, TODO_HOST, TODO_AI_MODE (`mock` or `real`), MODEL_SERVER_URL
 * (with `real`; e.g. the minikube environment calling a model server in the cluster) and TODO_WRITE_ACCESS
 * (`anonymous`, `authenticated` or `read-only`; see {@link WRITE_ACCESS}).
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): BuildOptions {
  const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const aiMode = nonEmpty(env.TODO_AI_MODE)?.toLowerCase();
  if (aiMode !== undefined && aiMode !== 'mock' && aiMode !== 'real') {
    throw new Error(`TODO_AI_MODE must be "mock" (canned answers) or "real" (calls MODEL_SERVER_URL); got "${aiMode}". Leave it unset for the environment's mode.`);
  }
  const writeAccess = nonEmpty(env.TODO_WRITE_ACCESS)?.toLowerCase();
  if (writeAccess !== undefined && !(WRITE_ACCESS as readonly string[]).includes(writeAccess)) {
    throw new Error(`TODO_WRITE_ACCESS must be one of ${WRITE_ACCESS.map((access) => `"${access}"`).join(', ')}; got "${writeAccess}". `
      + 'The app has no user accounts: use "authenticated" once a sign-in proxy is in front of the routes (docs/container-contract.md, '
      + '"Authentication and rate limits"), "anonymous" to let anyone write on purpose, or leave it unset for the environment\'s.');
  }
  return {
    aiMode,
    modelServerUrl: nonEmpty(env.MODEL_SERVER_URL),
    writeAccess: writeAccess as WriteAccess | undefined,
    environments: nonEmpty(env.TODO_ENV)?.split(',').map((name) => name.trim()).filter((name) => name !== ''),
    imageTag: nonEmpty(env.IMAGE_TAG),
    imageRegistry: nonEmpty(env.IMAGE_REGISTRY),
    host: nonEmpty(env.TODO_HOST),
  };
}

/** The validation options of one chart of {@link buildApp}'s app (the defaults for any other chart). */
export function chartValidationOptions(chart: Chart): ValidationOptions {
  // cdk8s's Chart narrows `instanceof` to Chart itself (Symbol.hasInstance), hence the cast.
  return chart instanceof TodoChart ? (chart as TodoChart).validationOptions : {};
}
