import { isRecord } from '../json-access';
import { Switch } from './probes';

/** The values of the switches one build used. @internal */
export type Assignment = ReadonlyMap<string, string | boolean>;

/** A node of a template: what every build wrote at one place, with the conditions that tell the builds apart. @internal */
export type TemplateNode =
  | { readonly t: 'scalar'; readonly value: unknown }
  | { readonly t: 'map'; readonly entries: Array<{ key: string; cond?: string; node: TemplateNode }> }
  | { readonly t: 'list'; readonly items: Array<{ cond?: string; node: TemplateNode }> }
  | { readonly t: 'alt'; readonly branches: Array<{ cond?: string; node: TemplateNode }> };

interface Literal {
  readonly expression: string;
  readonly atomic: boolean;
  readonly holds: (assignment: Assignment) => boolean;
}

/**
 * Finds the simplest condition on the switches that holds for exactly the wanted builds among the given ones:
 * one switch (`.Values.x`, `not .Values.x`, `eq .Values.kind "istio"`), then two or three joined by `and` or `or`.
 */
export class ConditionFinder {
  private readonly literals: Literal[];

  constructor(switches: Switch[]) {
    this.literals = switches.flatMap((sw) => {
      if (sw.alternatives.every((alternative) => typeof alternative === 'boolean')) {
        return [
          { expression: sw.expression, atomic: true, holds: (a: Assignment) => a.get(sw.name) === true },
          { expression: `not ${sw.expression}`, atomic: false, holds: (a: Assignment) => a.get(sw.name) === false },
        ];
      }
      return sw.alternatives.flatMap((alternative) => [
        { expression: `eq ${sw.expression} ${JSON.stringify(alternative)}`, atomic: false, holds: (a: Assignment) => a.get(sw.name) === alternative },
        { expression: `ne ${sw.expression} ${JSON.stringify(alternative)}`, atomic: false, holds: (a: Assignment) => a.get(sw.name) !== alternative },
      ]);
    });
  }

  /** The condition, or throws naming the builds it could not tell apart. */
  public explain(wanted: Assignment[], among: Assignment[], where: string): string {
    const wantedSet = new Set(wanted);
    const matches = (holds: (a: Assignment) => boolean) => among.every((a) => holds(a) === wantedSet.has(a));
    for (const literal of this.literals) if (matches(literal.holds)) return literal.expression;
    const arg = (literal: Literal) => (literal.atomic ? literal.expression : `(${literal.expression})`);
    for (let i = 0; i < this.literals.length; i++) {
      for (let j = i + 1; j < this.literals.length; j++) {
        const [a, b] = [this.literals[i], this.literals[j]];
        if (matches((x) => a.holds(x) && b.holds(x))) return `and ${arg(a)} ${arg(b)}`;
        if (matches((x) => a.holds(x) || b.holds(x))) return `or ${arg(a)} ${arg(b)}`;
      }
    }
    for (let i = 0; i < this.literals.length; i++) {
      for (let j = i + 1; j < this.literals.length; j++) {
        for (let k = j + 1; k < this.literals.length; k++) {
          const [a, b, c] = [this.literals[i], this.literals[j], this.literals[k]];
          if (matches((x) => a.holds(x) || b.holds(x) || c.holds(x))) return `or ${arg(a)} ${arg(b)} ${arg(c)}`;
          if (matches((x) => a.holds(x) && b.holds(x) && c.holds(x))) return `and ${arg(a)} ${arg(b)} ${arg(c)}`;
        }
      }
    }
    const describe = (a: Assignment) => [...a.entries()].map(([k, v]) => `${k}=${v}`).join(' ');
    throw new Error(`Helm chart: ${where} depends on more than three switches at once; it is written by\n  ${wanted.map(describe).join('\n  ')}\nand not by\n  `
      + `${among.filter((a) => !wantedSet.has(a)).map(describe).join('\n  ')}`);
  }
}

/** One build's value at a place in the output. @internal */
export interface Sample {
  readonly assignment: Assignment;
  readonly value: unknown;
}

/**
 * Merges what every build wrote at one place into one template node: equal values stay literal, keys and list
 * items written by some builds only become conditional, and differing values become if/else branches.
 */
export function mergeSamples(samples: Sample[], finder: ConditionFinder, where: string): TemplateNode {
  const first = JSON.stringify(samples[0].value);
  if (samples.every((sample) => JSON.stringify(sample.value) === first)) return literalNode(samples[0].value);
  const among = samples.map((sample) => sample.assignment);
  const conditionFor = (having: Sample[], place: string) =>
    (having.length === samples.length ? undefined : finder.explain(having.map((sample) => sample.assignment), among, place));

  if (samples.every((sample) => isRecord(sample.value))) {
    const keys = unionInOrder(samples.map((sample) => Object.keys(sample.value as object)));
    return {
      t: 'map',
      entries: keys.map((key) => {
        const having = samples.filter((sample) => key in (sample.value as object));
        const place = `${where}.${key}`;
        return {
          key,
          cond: conditionFor(having, place),
          node: mergeSamples(having.map((sample) => ({ assignment: sample.assignment, value: (sample.value as Record<string, unknown>)[key] })), finder, place),
        };
      }),
    };
  }
  if (samples.every((sample) => Array.isArray(sample.value))) {
    const keyed = samples.map((sample) => keyItems(sample.value as unknown[]));
    const keys = unionInOrder(keyed.map((items) => [...items.keys()]));
    return {
      t: 'list',
      items: keys.map((key) => {
        const having = samples.filter((_, index) => keyed[index].has(key));
        const place = `${where}[${key.substring(0, 60)}]`;
        return {
          cond: conditionFor(having, place),
          node: mergeSamples(having.map((sample) => ({ assignment: sample.assignment, value: keyed[samples.indexOf(sample)].get(key) })), finder, place),
        };
      }),
    };
  }
  const groups = new Map<string, Sample[]>();
  for (const sample of samples) {
    const key = JSON.stringify(sample.value);
    groups.set(key, [...(groups.get(key) ?? []), sample]);
  }
  const ordered = [...groups.values()];
  return {
    t: 'alt',
    branches: ordered.map((group, index) => ({
      cond: index === ordered.length - 1 ? undefined : finder.explain(group.map((sample) => sample.assignment), among, where),
      node: mergeSamples(group, finder, where),
    })),
  };
}

function literalNode(value: unknown): TemplateNode {
  if (Array.isArray(value)) return { t: 'list', items: value.map((item) => ({ node: literalNode(item) })) };
  if (isRecord(value)) return { t: 'map', entries: Object.entries(value).map(([key, item]) => ({ key, node: literalNode(item) })) };
  return { t: 'scalar', value };
}

/**
 * List items by identity: their `name`, else their `path`, else the kind and name of what they reference
 * (`secretRef: {name}`), else their content; repeats are numbered.
 */
function keyItems(items: unknown[]): Map<string, unknown> {
  const keyed = new Map<string, unknown>();
  const reference = (item: Record<string, unknown>) => {
    const keys = Object.keys(item);
    const inner = item[keys[0]];
    return keys.length === 1 && isRecord(inner) && typeof inner.name === 'string' ? `${keys[0]}.name=${inner.name}` : undefined;
  };
  for (const item of items) {
    const base = isRecord(item) && typeof item.name === 'string' ? `name=${item.name}`
      : isRecord(item) && typeof item.path === 'string' ? `path=${item.path}`
        : (isRecord(item) && reference(item)) || JSON.stringify(item);
    let key = base;
    for (let n = 2; keyed.has(key); n++) key = `${base}#${n}`;
    keyed.set(key, item);
  }
  return keyed;
}

/** Every key of every sequence, each after the key it follows in the first sequence that has it. */
export function unionInOrder(sequences: string[][]): string[] {
  const result: string[] = [];
  for (const sequence of [...sequences].sort((a, b) => b.length - a.length)) {
    sequence.forEach((key, index) => {
      if (result.includes(key)) return;
      const previous = index === 0 ? -1 : result.indexOf(sequence[index - 1]);
      result.splice(previous + 1, 0, key);
    });
  }
  return result;
}
