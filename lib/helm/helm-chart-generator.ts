import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { HelmValue, HelmValueTree } from './helm-value';
import { Assignment, ConditionFinder, mergeSamples } from './merge';
import { planValues, Switch, ValuePlan } from './probes';
import { CHECKSUM_SENTINEL, TemplateWriter, yamlKey, yamlScalar } from './template-writer';

/** What a chart's `build` function is told about the Helm release. */
export interface HelmRelease {
  /** The namespace every namespaced object goes into: becomes `{{ .Release.Namespace }}`. */
  readonly namespace: string;
}

/** A check of the values that JSON schema cannot express (e.g. one value not above another), as a `fail` in the templates. */
export interface HelmTemplateCheck {
  /** A Go template condition that is true when the values are wrong, e.g. `gt (.Values.min | int) (.Values.max | int)`. */
  readonly condition: string;
  /** The message `helm` prints: name the value and the fix. */
  readonly message: string;
}

/** Properties of {@link HelmChartGenerator}. */
export interface HelmChartGeneratorProps<V> {
  /** The chart name (`Chart.yaml` `name`), a DNS label. */
  readonly name: string;
  /** The chart version (semver). */
  readonly version: string;
  /** The version of what the chart installs (`Chart.yaml` `appVersion`). */
  readonly appVersion: string;
  /** One sentence for `Chart.yaml`. */
  readonly description: string;
  /** The chart's values with their defaults, types and constraints (values.yaml and values.schema.json). */
  readonly values: HelmValueTree;
  /**
   * Builds the app from concrete values: the same constructs as the plain YAML, in a chart of `app` whose namespace
   * is `release.namespace`. Called many times with probe values; it must have no side effects.
   */
  readonly build: (app: App, values: V, release: HelmRelease) => Chart;
  /**
   * Extra values files, by name (`values-<name>.yaml`), each a complete values tree; only what differs from the
   * defaults is written.
   * @default - values.yaml only
   */
  readonly valuesFiles?: Record<string, V>;
  /**
   * JSON-schema rules between values (`if`/`then`), added to values.schema.json under `allOf`.
   * @default - the per-value constraints only
   */
  readonly schemaRules?: object[];
  /**
   * Checks JSON schema cannot express, written as `fail` calls.
   * @default - only the checks the generator derives from the constructs
   */
  readonly templateChecks?: HelmTemplateCheck[];
  /**
   * templates/NOTES.txt, printed after install and upgrade (a Go template).
   * @default - no NOTES.txt
   */
  readonly notes?: string;
  /**
   * `Chart.yaml` keywords.
   * @default - none
   */
  readonly keywords?: string[];
}

/** One build of the app with probe values. */
interface Build {
  readonly assignment: Assignment;
  readonly objects: any[];
  /** Substituted values that had to keep their default for the constructs to accept the build, with the reason. */
  readonly kept: Map<string, string>;
}

/** The identity of an object across builds. */
const identity = (object: any) => `${object.apiVersion} ${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;

/**
 * Generates a parameterized Helm chart from a cdk8s app, so the chart and the plain YAML come from the same
 * constructs. Strings and integers of the values tree are substituted: the app is built with a unique probe per
 * value and every place a probe lands becomes `{{ .Values.x }}` (also inside longer strings, such as the tag in
 * `image: repo:tag`). Booleans, choices and optional strings select structure: the app is built with each
 * alternative of every pair of them, and objects, fields and list items written only by some builds become
 * `{{- if }}` blocks, values that differ become if/else. Namespaced objects go into `{{ .Release.Namespace }}`;
 * the Namespace itself is never part of the chart. ConfigMap checksums (`sha256` of the data's JSON) are computed
 * by Helm from the templated data, so a changed setting rolls the pods. Combinations the constructs refuse, and
 * values they force (e.g. one replica with SQLite), become `fail` calls with the construct's message.
 *
 * Limits, by design: a probe is one value, so checks the constructs make on a substituted value's size (a request
 * above its limit, a budget over one pod) or structure that depends on it (topology spread once more than one pod
 * can run) are not seen; give those as `templateChecks` or keep them out of the values. Switches are built in
 * pairs, so an interaction of three switches is inferred, not seen. It suits charts whose values substitute text
 * that the schema checks (a tag, a host); for more, write the templates and prove them against the constructs
 * with a differential test, as this repository's todo chart does (docs/helm.md).
 */
export class HelmChartGenerator<V = any> {
  private readonly props: HelmChartGeneratorProps<V>;
  private readonly plan: ValuePlan;

  constructor(props: HelmChartGeneratorProps<V>) {
    this.props = props;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.name)) throw new Error(`HelmChartGenerator: name must be a DNS label; got "${props.name}"`);
    const defaults = this.buildObjects(this.defaultValues(), 'hvdefaultnamespace');
    this.plan = planValues(props.values, JSON.stringify(defaults));
  }

  /** Every file of the chart, by path relative to the chart directory. */
  public generate(): Record<string, string> {
    const builds = this.buildVariants();
    const valid = builds.filter((build): build is Build => !('error' in build));
    if (valid.length === 0) throw new Error(`Helm chart ${this.props.name}: the app refuses the default values: ${(builds[0] as { error: string }).error}`);
    const finder = new ConditionFinder(this.plan.switches);
    const among = valid.map((build) => build.assignment);
    const writer = new TemplateWriter([...this.plan.probes.values(), this.plan.namespaceProbe], (configMap) =>
      `{{ include ${JSON.stringify(this.dataTemplateName(configMap))} . | fromYaml | toJson | sha256sum | toJson }}`);
    this.checkEveryValueReachesTheOutput(valid);

    const files: Record<string, string> = {};
    const defines: string[] = [];
    const referencedConfigMaps = new Set(valid.flatMap((build) => build.objects.flatMap(checksumReferences)));
    for (const id of unionOfIdentities(valid)) {
      const having = valid.filter((build) => build.objects.some((object) => identity(object) === id));
      const where = writer.describe(id);
      const cond = having.length === valid.length ? undefined : finder.explain(having.map((build) => build.assignment), among, where);
      const node = mergeSamples(having.map((build) => ({ assignment: build.assignment, value: build.objects.find((object) => identity(object) === id) })), finder, where);
      let lines: string[];
      if (referencedConfigMaps.has(id) && node.t === 'map') {
        const data = node.entries.find((entry) => entry.key === 'data');
        if (!data || data.cond) throw new Error(`Helm chart: ${where} is checksummed but its data is not always written`);
        defines.push(`{{- define ${JSON.stringify(this.dataTemplateName(id))} -}}`, ...writer.block(data.node, 0), '{{- end }}', '');
        lines = node.entries.flatMap((entry) => (entry === data
          ? ['data:', `  {{- include ${JSON.stringify(this.dataTemplateName(id))} . | nindent 2 }}`]
          : writer.block({ t: 'map', entries: [entry] }, 0)));
      } else {
        lines = writer.block(node, 0);
      }
      const body = cond === undefined ? lines : [`{{- if ${cond} }}`, ...lines, '{{- end }}'];
      files[`templates/${templateFileName(writer.describe(id))}`] = `${body.join('\n')}\n`;
    }
    files['templates/_helpers.tpl'] = `{{/* Generated by HelmChartGenerator (${this.props.name}): the data of each checksummed ConfigMap, shared by the ConfigMap and the checksum annotation of the pods that load it. */}}\n${defines.join('\n')}`;
    files['templates/validate.yaml'] = this.validationTemplate(builds, valid, finder, writer);
    if (this.props.notes) files['templates/NOTES.txt'] = this.props.notes;
    files['Chart.yaml'] = this.chartYaml();
    files['values.yaml'] = `# Default values of the ${this.props.name} chart. Generated: edit the app's value definitions, not this file.\n${valuesYaml(this.props.values, this.defaultValues() as Record<string, unknown>, 0).join('\n')}\n`;
    files['values.schema.json'] = `${JSON.stringify(this.schema(), undefined, 2)}\n`;
    for (const [name, values] of Object.entries(this.props.valuesFiles ?? {})) {
      const difference = differenceFrom(values as Record<string, unknown>, this.defaultValues() as Record<string, unknown>);
      files[`values-${name}.yaml`] = `# ${name}: helm install ${this.props.name} ./<chart> -n <namespace> -f values-${name}.yaml. Generated.\n${valuesYaml(this.props.values, difference, 0).join('\n')}\n`;
    }
    return files;
  }

  /** Writes the chart into `directory`, replacing what a previous run wrote there. */
  public write(directory: string): string[] {
    const files = this.generate();
    fs.rmSync(directory, { recursive: true, force: true });
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
      fs.writeFileSync(path.join(directory, file), content);
    }
    return Object.keys(files).sort();
  }

  /** The defaults, as a values tree. */
  public defaultValues(): V {
    return this.valuesFor(() => undefined) as V;
  }

  private valuesFor(choose: (name: string, value: HelmValue) => unknown): unknown {
    const walk = (tree: HelmValueTree, prefix: string[]): Record<string, unknown> => Object.fromEntries(Object.entries(tree).map(([key, node]) => {
      const pathName = [...prefix, key];
      if (!(node instanceof HelmValue)) return [key, walk(node, pathName)];
      return [key, choose(pathName.join('.'), node) ?? node._default];
    }));
    return walk(this.props.values, []);
  }

  private buildObjects(values: unknown, namespace: string): any[] {
    const chart = this.props.build(new App(), values as V, { namespace });
    const errors = chart.node.findAll().flatMap((construct) => construct.node.validate().map((message) => `${construct.node.path}: ${message}`));
    if (errors.length > 0) throw new Error(errors.join('\n'));
    return chart.toJson().filter((object: any) => !(object.kind === 'Namespace' && object.metadata?.name === namespace));
  }

  /** The builds: the defaults, and every pair of alternatives of every two switches (the others at their defaults). */
  private buildVariants(): Array<Build | { assignment: Assignment; error: string }> {
    const switches = this.plan.switches;
    const base = new Map(switches.map((sw) => [sw.name, sw.default] as [string, string | boolean]));
    const assignments = new Map<string, Assignment>([[assignmentKey(base), base]]);
    const add = (changes: Array<[Switch, string | boolean]>) => {
      const assignment = new Map(base);
      for (const [sw, value] of changes) assignment.set(sw.name, value);
      assignments.set(assignmentKey(assignment), assignment);
    };
    switches.forEach((a, i) => {
      for (const x of a.alternatives) add([[a, x]]);
      for (const b of switches.slice(i + 1)) for (const x of a.alternatives) for (const y of b.alternatives) add([[a, x], [b, y]]);
    });
    const culprits: string[] = [];
    return [...assignments.values()].map((assignment) => this.buildWithProbes(assignment, culprits));
  }

  /**
   * Builds with every probe; when the constructs refuse a probe (a value they force, such as one replica with
   * SQLite), that value keeps its default in this build, and the template will `fail` on any other value there.
   */
  private buildWithProbes(assignment: Assignment, culprits: string[]): Build | { assignment: Assignment; error: string } {
    const attempt = (keep: Set<string>) => this.buildObjects(this.valuesFor((name, value) => {
      if (value._alternatives().length > 0) return assignment.get(name);
      if (value._optional && assignment.get(name) === false) return '';
      return keep.has(name) ? undefined : this.plan.probes.get(name)!.probe;
    }), String(this.plan.namespaceProbe.probe));
    let firstError: string;
    try {
      return { assignment, objects: withChecksumSentinels(attempt(new Set())), kept: new Map() };
    } catch (error) {
      firstError = (error as Error).message;
    }
    // Values refused before are the likely culprits again; their error is the one that names the real conflict.
    let culpritError: string | undefined;
    if (culprits.length > 0) {
      try {
        return { assignment, objects: withChecksumSentinels(attempt(new Set(culprits))), kept: new Map(culprits.map((name) => [name, firstError])) };
      } catch (error) {
        culpritError = (error as Error).message;
      }
    }
    // An optional string cannot keep its default (""): that would be the other side of its switch.
    const droppable = [...this.plan.probes.keys()].filter((name) => !this.plan.switches.some((sw) => sw.presence && sw.name === name));
    try {
      attempt(new Set(droppable));
    } catch {
      return { assignment, error: culpritError ?? firstError };
    }
    for (const name of droppable) {
      try {
        const objects = attempt(new Set([...culprits, name]));
        culprits.push(name);
        return { assignment, objects: withChecksumSentinels(objects), kept: new Map([...culprits].map((kept) => [kept, firstError])) };
      } catch {
        // not this one
      }
    }
    return { assignment, error: culpritError ?? firstError };
  }

  private checkEveryValueReachesTheOutput(valid: Build[]): void {
    const output = JSON.stringify(valid.map((build) => build.objects));
    const unused = [...this.plan.probes.values()].filter((probe) => !new RegExp(`(?<![0-9A-Za-z])${String(probe.probe).replace(/[/]/g, '\\/')}(?![0-9A-Za-z])`).test(output));
    if (unused.length > 0) {
      throw new Error(`Helm chart ${this.props.name}: these values never reach the output (check the build function): ${unused.map((probe) => probe.name).join(', ')}`);
    }
  }

  /** `fail` calls: combinations the constructs refuse, values they force, and the app's own checks. */
  private validationTemplate(builds: Array<Build | { assignment: Assignment; error: string }>, valid: Build[], finder: ConditionFinder, writer: TemplateWriter): string {
    const lines = [`{{- /* Generated by HelmChartGenerator: the checks the constructs make, for values a template would otherwise pass through. */ -}}`];
    const fail = (condition: string, message: string) => lines.push(`{{- if ${condition} }}{{- fail ${JSON.stringify(message)} }}{{- end }}`);
    const refused = new Map<string, Assignment[]>();
    for (const build of builds) {
      if (!('error' in build)) continue;
      const message = writer.describe(build.error);
      refused.set(message, [...(refused.get(message) ?? []), build.assignment]);
    }
    for (const [message, assignments] of refused) {
      fail(finder.explain(assignments, [...assignments, ...valid.map((build) => build.assignment)], `refused: ${message}`), `${this.props.name}: ${message}`);
    }
    for (const probe of this.plan.probes.values()) {
      const keeping = valid.filter((build) => build.kept.has(probe.name));
      if (keeping.length === 0) continue;
      const condition = keeping.length === valid.length ? 'true' : finder.explain(keeping.map((build) => build.assignment), valid.map((build) => build.assignment), probe.name);
      const defaultValue = this.leafDefault(probe.name);
      const differs = `ne (${probe.expression} | toString) ${JSON.stringify(String(defaultValue))}`;
      fail(condition === 'true' ? differs : `and (${condition}) (${differs})`,
        `${this.props.name}: ${probe.name} must be ${defaultValue} here: ${writer.describe(keeping[0].kept.get(probe.name)!)}`);
    }
    for (const check of this.props.templateChecks ?? []) fail(check.condition, check.message);
    return `${lines.join('\n')}\n`;
  }

  private leafDefault(name: string): unknown {
    return this.plan.leaves.find((leaf) => leaf.path.join('.') === name)!.value._default;
  }

  private dataTemplateName(configMapIdentity: string): string {
    const name = configMapIdentity.split('/').pop()!.replace(new RegExp(String(this.plan.namespaceProbe.probe), 'g'), 'namespace');
    return `${this.props.name}.${name}.data`;
  }

  private chartYaml(): string {
    const lines = [
      'apiVersion: v2',
      `name: ${this.props.name}`,
      `description: ${JSON.stringify(this.props.description)}`,
      'type: application',
      `version: ${JSON.stringify(this.props.version)}`,
      `appVersion: ${JSON.stringify(this.props.appVersion)}`,
    ];
    if (this.props.keywords?.length) lines.push('keywords:', ...this.props.keywords.map((keyword) => `  - ${yamlScalar(keyword)}`));
    return `${lines.join('\n')}\n`;
  }

  private schema(): object {
    const walk = (tree: HelmValueTree): object => ({
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(Object.entries(tree).map(([key, node]) => [key,
        node instanceof HelmValue ? { description: node._description, ...node._schema } : walk(node)])),
    });
    return {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: `Values of the ${this.props.name} chart`,
      ...walk(this.props.values),
      ...(this.props.schemaRules?.length ? { allOf: this.props.schemaRules } : {}),
    };
  }
}

function assignmentKey(assignment: Assignment): string {
  return JSON.stringify([...assignment.entries()]);
}

function unionOfIdentities(builds: Build[]): string[] {
  const ids: string[] = [];
  for (const build of builds) for (const object of build.objects) if (!ids.includes(identity(object))) ids.push(identity(object));
  return ids;
}

/** Replaces every string equal to the checksum of a ConfigMap's data (sha256 of its JSON) with a sentinel naming the ConfigMap. */
function withChecksumSentinels(objects: any[]): any[] {
  const checksums = new Map(objects.filter((object) => object.kind === 'ConfigMap')
    .map((configMap) => [createHash('sha256').update(JSON.stringify(configMap.data ?? {})).digest('hex'), identity(configMap)]));
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') return checksums.has(value) ? `${CHECKSUM_SENTINEL}${checksums.get(value)}` : value;
    if (Array.isArray(value)) return value.map(replace);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replace(item)]));
    return value;
  };
  return objects.map(replace);
}

function checksumReferences(object: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === 'string' && value.startsWith(CHECKSUM_SENTINEL)) found.push(value.substring(CHECKSUM_SENTINEL.length));
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
  };
  visit(object);
  return found;
}

function templateFileName(describedIdentity: string): string {
  const [, kind, name] = /^\S+ (\S+) \S*\/(.*)$/.exec(describedIdentity)!;
  // A value in the name (`<namespace>-<persistence.claimName>`) reads as its words: `namespace-persistence-claimname`.
  return `${kind.toLowerCase()}-${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase()}.yaml`;
}

/** values.yaml lines: each value under a comment with its description. */
function valuesYaml(tree: HelmValueTree, values: Record<string, unknown>, indent: number): string[] {
  const pad = ' '.repeat(indent);
  return Object.entries(tree).flatMap(([key, node]) => {
    if (!(key in values)) return [];
    if (node instanceof HelmValue) return [`${pad}# ${node._description}`, `${pad}${yamlKey(key)}: ${yamlScalar(values[key])}`];
    return [`${pad}${yamlKey(key)}:`, ...valuesYaml(node, values[key] as Record<string, unknown>, indent + 2)];
  });
}

/** The leaves of `values` that differ from `defaults`, as a tree. */
function differenceFrom(values: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'object' && value !== null) {
      const nested = differenceFrom(value as Record<string, unknown>, defaults[key] as Record<string, unknown>);
      if (Object.keys(nested).length > 0) result[key] = nested;
    } else if (value !== defaults[key]) {
      result[key] = value;
    }
  }
  return result;
}

