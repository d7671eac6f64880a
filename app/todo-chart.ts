/** TodoChart: one environment of the todo app, composed from the library's constructs. */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { AppNamespace, AppNetworkPolicies, FastApiBackend, IngressRoutes, NextFrontend, PathMatch, SqlitePersistence } from '../lib';
import { IMAGE_TAG, registryPrefixProblem } from '../lib/image-reference';
import { version as packageVersion } from '../package.json';
import { AiMode, APP_SECRET_NAME, EnvironmentSettings, PART_OF } from './environments';

/** What the environment settings leave to the person running synth. */
export interface TodoChartOptions {
  /** The tag of both images. @default - the environment's defaultImageTag */
  readonly imageTag?: string;
  /** A registry prefix such as `ghcr.io/acme`. @default - none: `todo-backend:<tag>` */
  readonly imageRegistry?: string;
  /** Replaces the environment's host. @default - the environment's host */
  readonly host?: string;
  /** The backend image's parts, over imageRegistry, imageTag and "todo-backend". @default - those */
  readonly backendImage?: ImageParts;
  /** The frontend image's parts, over imageRegistry, imageTag and "todo-frontend". @default - those */
  readonly frontendImage?: ImageParts;
  /** Replaces the environment's AI mode (TODO_AI_MODE). @default - the environment's backendMode */
  readonly aiMode?: AiMode;
  /** Replaces the environment's model server URL (MODEL_SERVER_URL); needs mode `real`. @default - the environment's modelServerUrl */
  readonly modelServerUrl?: string;
}

/** An image reference in parts, as Helm charts spell it. */
export interface ImageParts {
  /** A registry prefix such as `ghcr.io/acme`. @default - TodoChartOptions.imageRegistry */
  readonly registry?: string;
  /** The repository. @default - "todo-backend" or "todo-frontend" */
  readonly repository?: string;
  /** The tag. @default - TodoChartOptions.imageTag */
  readonly tag?: string;
}

/** One environment of the todo app: namespace, backend, frontend, storage, routes and policies. */
export class TodoChart extends Chart {
  /** The environment this chart was built for. */
  public readonly settings: EnvironmentSettings;
  public readonly appNamespace: AppNamespace;
  public readonly backend: FastApiBackend;
  public readonly frontend: NextFrontend;
  public readonly routes: IngressRoutes;
  public readonly persistence?: SqlitePersistence;
  public readonly networkPolicies?: AppNetworkPolicies;

  constructor(scope: Construct, settings: EnvironmentSettings, options: TodoChartOptions = {}, props: ChartProps = {}) {
    super(scope, settings.name, { ...props, namespace: settings.namespace, disableResourceNameHashes: true });
    this.settings = settings;
    const imageTag = options.imageTag ?? settings.defaultImageTag;
    checkImageTag(settings, imageTag);
    checkImageRegistry(options.imageRegistry);
    const ai = resolveAiSettings(settings, options);
    const tagOf = (parts: ImageParts = {}) => {
      if (parts.tag !== undefined) checkImageTag(settings, parts.tag);
      return parts.tag ?? imageTag;
    };
    const image = (name: string, parts: ImageParts = {}) => {
      const registry = parts.registry ?? options.imageRegistry;
      return `${registry ? `${registry.replace(/\/+$/, '')}/` : ''}${parts.repository ?? name}:${tagOf(parts)}`;
    };
    const common = { partOf: PART_OF, instance: settings.namespace, version: imageTag };
    const secretName = settings.secretName ?? APP_SECRET_NAME;
    const secretEnv = { name: secretName, optional: settings.secretOptional };

    this.appNamespace = new AppNamespace(this, 'namespace', {
      name: settings.namespace,
      partOf: PART_OF,
      version: imageTag,
      istioInjection: settings.routing.sidecarInjection,
      ...settings.namespaceLimits,
    });
    // Storage first: cdk8s writes objects in construct order, and kubectl applies the StorageClass or
    // PersistentVolume before the claim that names it.
    if (settings.database.kind === 'sqlite') {
      // The backend stores uploaded images under <data>/images.
      this.persistence = new SqlitePersistence(this, 'todo-data', { ...common, version: 'v1', dataSubdirectories: ['images'], ...settings.database.storage });
    }
    this.backend = new FastApiBackend(this, 'todo-backend', {
      ...common,
      ...settings.backend,
      version: tagOf(options.backendImage),
      image: image('todo-backend', options.backendImage),
      config: ai.modelServerUrl === undefined ? { MODE: ai.mode } : { MODE: ai.mode, MODEL_SERVER_URL: ai.modelServerUrl },
      secretEnv,
      disruptionBudget: settings.disruptionBudgets ? { maxUnavailable: 1 } : undefined,
    });
    this.frontend = new NextFrontend(this, 'todo-frontend', {
      ...common,
      ...settings.frontend,
      version: tagOf(options.frontendImage),
      image: image('todo-frontend', options.frontendImage),
      backend: this.backend,
      // Better Auth runs in Next.js; the frontend gets that one key, not the backend's database or API keys.
      secretKeys: { BETTER_AUTH_SECRET: { secretName, key: 'BETTER_AUTH_SECRET', optional: settings.secretOptional } },
      disruptionBudget: settings.disruptionBudgets ? { maxUnavailable: 1 } : undefined,
    });
    if (this.persistence) this.persistence.attachTo(this.backend);
    this.routes = new IngressRoutes(this, 'todo', {
      ...common,
      version: imageTag,
      mode: settings.routing,
      host: options.host ?? settings.host,
      tls: settings.tls,
    });
    this.addRoutes(settings);
    if (settings.networkPolicies) {
      this.networkPolicies = new AppNetworkPolicies(this, 'network-policies', {
        partOf: PART_OF,
        version: imageTag,
        routes: this.routes,
        workloads: [this.backend, this.frontend],
        connections: [{ from: this.frontend, to: this.backend }],
        externalEgress: [{ from: this.backend, ports: [443, 5432] }],
      });
    }
  }

  private addRoutes(settings: EnvironmentSettings): void {
    this.routes.addRoute('/api', this.backend);
    this.routes.addRoute('/health', this.backend, { match: PathMatch.EXACT });
    if (settings.exposeApiDocs) {
      this.routes.addRoute('/docs', this.backend);
      this.routes.addRoute('/openapi.json', this.backend, { match: PathMatch.EXACT });
    }
    this.routes.addRoute('/', this.frontend);
  }
}

function checkImageTag(settings: EnvironmentSettings, imageTag: string): void {
  if (!IMAGE_TAG.test(imageTag)) {
    throw new Error(`Environment '${settings.name}': imageTag must be a Docker tag (letters, digits, "_", "." and "-", at most 128); got "${imageTag}". `
      + 'Set IMAGE_TAG to e.g. v0.1.0-abc1234.');
  }
  if (settings.pinnedImages && imageTag === 'latest') {
    throw new Error(`Environment '${settings.name}': imageTag must be a pinned release (":latest" changes under running pods and IfNotPresent never refreshes it); `
      + `got "latest". Set IMAGE_TAG to a release tag such as v${packageVersion}.`);
  }
}

/** The backend's AI mode and model server: the synth settings over the environment's. */
function resolveAiSettings(settings: EnvironmentSettings, options: TodoChartOptions): { mode: AiMode; modelServerUrl?: string } {
  const where = `Environment '${settings.name}'`;
  const mode = options.aiMode ?? settings.backendMode;
  if (mode !== 'dummy' && mode !== 'real') {
    throw new Error(`${where}: TODO_AI_MODE must be "mock" (canned answers) or "real" (calls MODEL_SERVER_URL); got "${mode}". Leave it unset for mock.`);
  }
  if (mode === 'dummy') {
    if (options.modelServerUrl !== undefined) {
      throw new Error(`${where}: MODEL_SERVER_URL is only used with TODO_AI_MODE=real; got "${options.modelServerUrl}" in mock mode. `
        + 'Set TODO_AI_MODE=real as well, or unset MODEL_SERVER_URL.');
    }
    // An environment may name its model server while it runs mocked: the URL is written, the app ignores it.
    return { mode, modelServerUrl: settings.modelServerUrl };
  }
  const modelServerUrl = options.modelServerUrl ?? settings.modelServerUrl;
  if (modelServerUrl === undefined || !/^https?:\/\/[^\s/@]+(\/\S*)?$/.test(modelServerUrl)) {
    throw new Error(`${where}: TODO_AI_MODE=real needs MODEL_SERVER_URL, an http(s) URL without credentials; got ${modelServerUrl === undefined ? 'none' : `"${modelServerUrl}"`}. `
      + 'Set MODEL_SERVER_URL=http://model.<namespace>.svc.cluster.local:8080/v1 (or your provider\'s endpoint); API keys go in the todo-secrets Secret.');
  }
  return { mode, modelServerUrl };
}

function checkImageRegistry(registry: string | undefined): void {
  if (registry === undefined) return;
  const problem = registryPrefixProblem(registry.replace(/\/+$/, ''));
  if (problem) {
    throw new Error(`IMAGE_REGISTRY must be a registry prefix such as "ghcr.io/acme" or "localhost:5001": ${problem}; got "${registry}". `
      + 'Write the registry host (and optional lowercase path) without a scheme, tag or spaces.');
  }
}
