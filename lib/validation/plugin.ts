/**
 * cdk8s validation plugin. cdk8s-cli loads it with `require` from cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./build/lib/validation/plugin.js
 *     version: 0.1.0
 *     class: ManifestValidationPlugin
 *     properties:
 *       externalNamespaces: [istio-system]
 * ```
 *
 * It validates the synthesized manifests with {@link validateYamlFiles}, adds every violation to
 * the cdk8s report and fails the report (so `cdk8s synth` exits non-zero) when any is an error.
 */
import * as path from 'path';
import { nameFromDescription } from './objects';
import { formatReport, summarize } from './report';
import { ValidationOptions, Violation } from './types';
import { hasErrors, validateYamlFiles } from './validate';

/** A violation as cdk8s-cli's `ValidationReport.addViolation` takes it. */
export interface PluginViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: ReadonlyArray<{ readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }>;
}

/** The part of cdk8s-cli's `ValidationContext` (cdk8s-cli/plugins) that the plugin uses. */
export interface PluginContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: PluginViolation): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
  readonly logger: { log(message: string): void };
}

/** Options for the manifests of one environment, picked out by their paths. */
export interface EnvironmentValidationProps extends ValidationOptions {
  /** Name of the environment, shown in the report summary (e.g. `kind`, `production`). */
  readonly name: string;
  /**
   * Regular expression matched against each manifest path relative to the working directory,
   * with `/` separators (e.g. `^dist/kind` matches `dist/kind.k8s.yaml`). The first matching
   * environment wins. The matching manifests are validated together as one output.
   */
  readonly manifests: string;
}

/** Properties of the plugin (the `properties:` of its cdk8s.yaml entry). */
export interface ManifestValidationPluginProps extends ValidationOptions {
  /**
   * Per-environment options. Manifests matching an environment are validated as one output with
   * that environment's options on top of the top-level ones (`allowLatestImages` overrides,
   * `externalNamespaces` and `skipRules` add up). Manifests matching no environment are validated
   * together with the top-level options.
   * @default [] (all manifests form one output)
   */
  readonly environments?: EnvironmentValidationProps[];
  /**
   * Also print the compact text report ({@link formatReport}) through the cdk8s logger.
   * @default true
   */
  readonly printReport?: boolean;
}

/** One output to validate: some manifests and the options that apply to them. */
interface ManifestGroup {
  readonly name: string;
  readonly files: string[];
  readonly options: ValidationOptions;
}

const KNOWN_PROPS = ['allowLatestImages', 'externalNamespaces', 'skipRules', 'environments', 'printReport'];
const KNOWN_ENVIRONMENT_PROPS = ['name', 'manifests', 'allowLatestImages', 'externalNamespaces', 'skipRules'];
const DEFAULT_GROUP = 'default';

/** The cdk8s validation plugin: schema, Pod Security Standards (restricted) and hygiene rules, offline. */
export class ManifestValidationPlugin {
  private readonly props: ManifestValidationPluginProps;

  constructor(props: ManifestValidationPluginProps = {}) {
    assertKnownKeys(props, KNOWN_PROPS, 'ManifestValidationPlugin properties');
    for (const environment of props.environments ?? []) assertEnvironment(environment);
    this.props = props;
  }

  /** Called by cdk8s-cli after synthesis; fills and submits `context.report`. */
  public async validate(context: PluginContext): Promise<void> {
    const groups = this.groupManifests(context.manifests);
    const violations = groups.flatMap((group) => validateYamlFiles(group.files, group.options));
    for (const violation of toPluginViolations(violations)) context.report.addViolation(violation);
    if ((this.props.printReport ?? true) && violations.length > 0) context.logger.log(formatReport(violations));
    context.report.submit(hasErrors(violations) ? 'failure' : 'success', {
      result: summarize(violations),
      outputs: groups.map((group) => `${group.name} (${group.files.length} files)`).join(', '),
    });
  }

  private groupManifests(manifests: readonly string[]): ManifestGroup[] {
    const environments = this.props.environments ?? [];
    const groups = new Map<string, ManifestGroup>();
    for (const manifest of manifests) {
      const environment = environments.find((candidate) => new RegExp(candidate.manifests).test(relativePath(manifest)));
      const name = environment?.name ?? DEFAULT_GROUP;
      const group = groups.get(name) ?? { name, files: [], options: this.optionsFor(environment) };
      group.files.push(manifest);
      groups.set(name, group);
    }
    return [...groups.values()];
  }

  private optionsFor(environment: EnvironmentValidationProps | undefined): ValidationOptions {
    return {
      allowLatestImages: environment?.allowLatestImages ?? this.props.allowLatestImages ?? false,
      externalNamespaces: [...(this.props.externalNamespaces ?? []), ...(environment?.externalNamespaces ?? [])],
      skipRules: [...(this.props.skipRules ?? []), ...(environment?.skipRules ?? [])],
    };
  }
}

/** Turns violations into cdk8s report entries, merging those that differ only in the field. */
function toPluginViolations(violations: readonly Violation[]): PluginViolation[] {
  const merged = new Map<string, { violation: Violation; locations: string[] }>();
  for (const violation of violations) {
    const key = JSON.stringify([violation.rule, violation.severity, violation.file, violation.object, violation.message, violation.fix]);
    const entry = merged.get(key) ?? { violation, locations: [] };
    entry.locations.push(violation.field === '' ? '(object)' : violation.field);
    merged.set(key, entry);
  }
  return [...merged.values()].map(({ violation, locations }) => ({
    ruleName: violation.severity === 'error' ? violation.rule : `${violation.rule} (warning, does not fail synth)`,
    recommendation: `${violation.object}: ${violation.message}`,
    fix: violation.fix,
    violatingResources: [{ resourceName: nameFromDescription(violation.object), locations, manifestPath: violation.file ?? '' }],
  }));
}

function relativePath(manifest: string): string {
  return path.relative(process.cwd(), manifest).split(path.sep).join('/');
}

function assertEnvironment(environment: EnvironmentValidationProps): void {
  assertKnownKeys(environment, KNOWN_ENVIRONMENT_PROPS, 'ManifestValidationPlugin environment');
  if (typeof environment.name !== 'string' || typeof environment.manifests !== 'string') {
    throw new Error(`ManifestValidationPlugin: every environment needs "name" and "manifests" (a regular expression), got ${JSON.stringify(environment)}`);
  }
  new RegExp(environment.manifests);
}

function assertKnownKeys(value: object, known: readonly string[], what: string): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`${what}: unknown key(s) ${unknown.join(', ')}; known keys: ${known.join(', ')}`);
}
