import { PropChecker } from './checks';
import { k8s } from './k8s';
import { checkEnvName, rejectSecretLookingValue } from './secret-detection';
import { SecretKeyReference } from './workload-options';

/** Who set an environment variable, for the error when two sources set the same name. */
interface EnvSource {
  readonly source: string;
  /** A construct default that one explicit setting may replace. */
  readonly replaceable: boolean;
}

/**
 * A workload's container environment: the ConfigMap's settings, plain and Secret-backed variables, and the
 * rule that every name has one source. The ConfigMap (envFrom), a known key of secretEnv (envFrom, which wins
 * over the ConfigMap) and env entries (which win over both) all end up as one name in every container, so a
 * name set twice is refused instead of one value silently replacing the other.
 */
export class ContainerEnvironment {
  private readonly config: Record<string, string> = {};
  private readonly sources = new Map<string, EnvSource>();
  private readonly variables: k8s.EnvVar[] = [];
  /** EnvVar objects given as they are (the `env` prop, addEnvVar): after the construct's own, so they may refer to those with `$(NAME)`. */
  private readonly extraVariables: k8s.EnvVar[] = [];

  constructor(private readonly check: PropChecker, private readonly plainKeys: ReadonlySet<string>) {}

  /** A ConfigMap setting; `replaceable` marks a construct default that one explicit setting may replace. */
  public setConfig(key: string, value: string, source: string, replaceable: boolean): void {
    checkEnvName(this.check, 'config key', key);
    rejectSecretLookingValue(this.check, `config["${key}"]`, key, value, this.plainKeys);
    this.claim(key, source, replaceable, true);
    this.config[key] = value;
  }

  /** A plain environment variable. */
  public addEnv(name: string, value: string, source: string): void {
    checkEnvName(this.check, 'env name', name);
    rejectSecretLookingValue(this.check, `env["${name}"]`, name, value, this.plainKeys);
    this.claim(name, source);
    this.variables.push({ name, value });
  }

  /** A variable read from a key of an existing Secret. */
  public addSecretKeyEnv(name: string, ref: SecretKeyReference): void {
    checkEnvName(this.check, 'secretKeys name', name);
    if (ref === null || typeof ref !== 'object') {
      this.check.fail(`secretKeys["${name}"]`, 'must be { secretName, key }', ref, `Pass secretKeys: { ${name}: { secretName: "my-secret", key: "${name}" } }.`);
    }
    this.check.dnsSubdomain(`secretKeys["${name}"].secretName`, ref.secretName);
    this.check.string(`secretKeys["${name}"].key`, ref.key);
    this.claim(name, `secretKeys["${name}"]`);
    this.variables.push({ name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key, optional: ref.optional } } });
  }

  /** A Kubernetes EnvVar object as given (a `value`, or `valueFrom` a field, a resource, a ConfigMap or a Secret key). */
  public addEnvVar(envVar: k8s.EnvVar, source: string): void {
    if (envVar === null || typeof envVar !== 'object' || Array.isArray(envVar)) {
      this.check.fail(source, 'must be an EnvVar object ({ name, value } or { name, valueFrom })', envVar, 'Pass e.g. { name: "FEATURE_FLAGS", value: "beta" }.');
    }
    checkEnvName(this.check, `${source}.name`, envVar.name);
    if (envVar.value !== undefined && envVar.valueFrom !== undefined) {
      this.check.fail(source, 'sets both value and valueFrom (Kubernetes refuses that)', envVar.name, 'Keep one of them.');
    }
    if (envVar.value !== undefined) rejectSecretLookingValue(this.check, `${source}.value`, envVar.name, envVar.value, this.plainKeys);
    this.claim(envVar.name, source);
    this.extraVariables.push(envVar);
  }

  /** Every variable name the container gets from the construct: ConfigMap keys, env entries and the known keys of secretEnv. */
  public get names(): string[] {
    return [...this.sources.keys()];
  }

  /**
   * Reserves a name that comes from elsewhere (a known key of the secretEnv Secret). Only a ConfigMap setting
   * (`inConfigMap`) may replace a replaceable default, which lives in the same ConfigMap: a variable from any other
   * source would leave the default in the ConfigMap beside it, and Kubernetes would silently drop one of the two.
   */
  public claim(name: string, source: string, replaceable = false, inConfigMap = false): void {
    const existing = this.sources.get(name);
    if (existing && !(existing.replaceable && inConfigMap)) {
      this.check.fail(`environment variable ${name}`, `is set by both ${existing.source} and ${source} (Kubernetes keeps one and silently drops the other)`, name,
        'Set it in one place only.');
    }
    this.sources.set(name, { source, replaceable });
  }

  /** The ConfigMap data, sorted by key. */
  public sortedConfig(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.config).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The `env` entries of every container: the construct's own, then the ones given as EnvVar objects (read at synth, so later additions appear). */
  public get env(): k8s.EnvVar[] {
    return [...this.variables, ...this.extraVariables];
  }
}
