import { TemplateNode } from './merge';
import { Probe } from './probes';

/** A string that stands for "the checksum of this ConfigMap's data" until the template is written. @internal */
export const CHECKSUM_SENTINEL = '\u0000checksum:';

/** YAML 1.1 words (Helm reads values and templates with YAML 1.1 rules) that a plain scalar must not be. */
const YAML11_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;

/** A string that reads back as itself without quotes. */
function isPlainSafe(text: string): boolean {
  return /^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(text) && !YAML11_WORDS.test(text);
}

/** A literal scalar as YAML (JSON quoting is valid YAML). */
export function yamlScalar(value: unknown): string {
  if (typeof value === 'string') return isPlainSafe(value) ? value : JSON.stringify(value);
  return JSON.stringify(value ?? null);
}

/** A map key as YAML. */
export function yamlKey(key: string): string {
  return isPlainSafe(key) ? key : JSON.stringify(key);
}

/** Writes template nodes as YAML with Go template actions, turning probes into value expressions. @internal */
export class TemplateWriter {
  private readonly probePattern: RegExp;
  private readonly byProbe: Map<string, Probe>;

  constructor(probes: Probe[], private readonly checksumInclude: (configMap: string) => string) {
    this.byProbe = new Map(probes.map((probe) => [String(probe.probe), probe]));
    const alternatives = [...probes]
      .sort((a, b) => String(b.probe).length - String(a.probe).length)
      .map((probe) => (probe.integer ? `(?<![0-9])${probe.probe}(?![0-9])` : String(probe.probe).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    this.probePattern = new RegExp(alternatives.join('|'), 'g');
  }

  /** The lines of a node written as a block at this indentation. */
  public block(node: TemplateNode, indent: number): string[] {
    const pad = ' '.repeat(indent);
    switch (node.t) {
      case 'map':
        if (node.entries.length === 0) return [`${pad}{}`];
        return node.entries.flatMap((entry) => this.guarded(entry.cond, pad, this.entry(yamlKey(entry.key), entry.node, indent)));
      case 'list':
        if (node.items.length === 0) return [`${pad}[]`];
        return node.items.flatMap((item) => this.guarded(item.cond, pad, this.item(item.node, indent)));
      case 'alt':
        return [
          ...node.branches.flatMap((branch, index) => [
            `${pad}{{- ${index === 0 ? `if ${branch.cond}` : branch.cond ? `else if ${branch.cond}` : 'else'} }}`,
            ...(this.inline(branch.node) !== undefined ? [`${pad}${this.inline(branch.node)}`] : this.block(branch.node, indent)),
          ]),
          `${pad}{{- end }}`,
        ];
      default:
        return [`${pad}${this.inline(node)}`];
    }
  }

  /** `key: value` lines. */
  public entry(key: string, node: TemplateNode, indent: number): string[] {
    const pad = ' '.repeat(indent);
    const inline = this.inline(node);
    if (inline !== undefined) return [`${pad}${key}: ${inline}`];
    return [`${pad}${key}:`, ...this.block(node, indent + 2)];
  }

  /** The node on one line, when it fits there: scalars, empty collections, if/else between those. */
  public inline(node: TemplateNode): string | undefined {
    if (node.t === 'scalar') return this.scalar(node.value);
    if (node.t === 'map' && node.entries.length === 0) return '{}';
    if (node.t === 'list' && node.items.length === 0) return '[]';
    if (node.t === 'alt') {
      const parts = node.branches.map((branch) => this.inline(branch.node));
      if (parts.some((part) => part === undefined)) return undefined;
      return `${node.branches.map((branch, index) =>
        `{{ ${index === 0 ? `if ${branch.cond}` : branch.cond ? `else if ${branch.cond}` : 'else'} }}${parts[index]}`).join('')}{{ end }}`;
    }
    return undefined;
  }

  /** A scalar: a literal, or a template expression where probes landed in it. */
  public scalar(value: unknown): string {
    if (typeof value === 'number') {
      const probe = this.byProbe.get(String(value));
      return probe?.integer ? `{{ ${probe.expression} | int }}` : yamlScalar(value);
    }
    if (typeof value !== 'string') return yamlScalar(value);
    if (value.startsWith(CHECKSUM_SENTINEL)) return this.checksumInclude(value.substring(CHECKSUM_SENTINEL.length));
    const whole = this.byProbe.get(value);
    if (whole && !whole.integer) return `{{ ${whole.expression} | toJson }}`;
    let format = '';
    const args: string[] = [];
    let last = 0;
    for (const match of value.matchAll(this.probePattern)) {
      const probe = this.byProbe.get(match[0])!;
      format += value.substring(last, match.index).replace(/%/g, '%%') + (probe.integer ? '%d' : '%s');
      args.push(probe.integer ? `(${probe.expression} | int)` : probe.expression);
      last = match.index! + match[0].length;
    }
    if (args.length === 0) return yamlScalar(value);
    format += value.substring(last).replace(/%/g, '%%');
    return `{{ printf ${JSON.stringify(format)} ${args.join(' ')} | toJson }}`;
  }

  /** Turns the probes in a message into the names of their values, for `fail`. */
  public describe(text: string): string {
    return text.replace(this.probePattern, (match) => `<${this.byProbe.get(match)!.name}>`);
  }

  private item(node: TemplateNode, indent: number): string[] {
    const pad = ' '.repeat(indent);
    const inline = this.inline(node);
    if (inline !== undefined) return [`${pad}- ${inline}`];
    const lines = this.block(node, indent + 2);
    // The first line joins the dash unless it is a template action (whose "{{-" would swallow the dash).
    if (!lines[0].trimStart().startsWith('{{')) return [`${pad}- ${lines[0].trimStart()}`, ...lines.slice(1)];
    return [`${pad}-`, ...lines];
  }

  private guarded(cond: string | undefined, pad: string, lines: string[]): string[] {
    return cond === undefined ? lines : [`${pad}{{- if ${cond} }}`, ...lines, `${pad}{{- end }}`];
  }
}
