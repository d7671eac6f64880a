import { flattenValues, HelmValue, HelmValueTree } from './helm-value';

/** A substituted value and the probe that stands for it in the output. @internal */
export interface Probe {
  /** `.Values.a.b` or `.Release.Namespace`. */
  readonly expression: string;
  /** The path in values.yaml (`a.b`), or `<namespace>` for the release namespace. */
  readonly name: string;
  readonly probe: string | number;
  readonly integer: boolean;
}

/** A value the generator builds the app with several times (a boolean, a choice, or whether an optional string is set). @internal */
export interface Switch {
  readonly name: string;
  readonly expression: string;
  readonly alternatives: Array<string | boolean>;
  readonly default: string | boolean;
  /** An optional string: `true` means set (to its probe), `false` means "". */
  readonly presence: boolean;
}

/** The leaves of a values tree, split into substituted probes and switches. @internal */
export interface ValuePlan {
  readonly leaves: Array<{ path: string[]; value: HelmValue }>;
  readonly probes: Map<string, Probe>;
  readonly switches: Switch[];
  readonly namespaceProbe: Probe;
}

/** Go template access to a value: `.Values.a.b`, or `(index .Values "a-b")` style never needed (keys are identifiers). */
export function valueExpression(path: string[]): string {
  return `.Values.${path.join('.')}`;
}

/**
 * Chooses a probe per substituted value: unique, accepted by the constructs' checks (see `HelmStringOptions.probe`),
 * increasing in declaration order (so a request declared before its limit, or a minimum before its maximum, stays
 * in order), and absent from `forbidden` (the default output), so every occurrence in the output is the value's.
 */
export function planValues(tree: HelmValueTree, forbidden: string): ValuePlan {
  const leaves = flattenValues(tree);
  const probes = new Map<string, Probe>();
  const taken = (candidate: string | number) => new RegExp(`(?<![0-9A-Za-z])${String(candidate).replace(/[/]/g, '\\/')}(?![0-9A-Za-z])`).test(forbidden)
    || [...probes.values()].some((probe) => String(probe.probe) === String(candidate));
  let counter = 0;
  const next = <T extends string | number>(make: (n: number) => T): T => {
    for (;;) {
      const candidate = make(counter++);
      if (!taken(candidate)) return candidate;
    }
  };
  const namespaceProbe: Probe = { expression: '.Release.Namespace', name: '<namespace>', probe: next((n) => `hvns${n}q`), integer: false };
  const switches: Switch[] = [];
  for (const { path, value } of leaves) {
    const name = path.join('.');
    const expression = valueExpression(path);
    const alternatives = value._alternatives();
    if (alternatives.length > 0) {
      switches.push({ name, expression, alternatives, default: value._default as string | boolean, presence: false });
      continue;
    }
    if (value._kind === 'integer') {
      probes.set(name, { expression, name, integer: true, probe: next((n) => integerProbe(value, n)) });
      continue;
    }
    const probe = next((n) => stringProbe(value._probe, n));
    probes.set(name, { expression, name, integer: false, probe });
    if (value._optional) switches.push({ name, expression, alternatives: [true, false], default: value._default !== '', presence: true });
  }
  return { leaves, probes, switches, namespaceProbe };
}

function stringProbe(kind: 'token' | 'path' | 'url' | 'cpu' | 'memory', n: number): string {
  switch (kind) {
    case 'path': return `/hv${n}q`;
    case 'url': return `http://hv${n}q`;
    case 'cpu': return `${41000 + n}m`;
    case 'memory': return `${43000 + n}Mi`;
    default: return `hv${n}q`;
  }
}

/** Large distinctive numbers, or the top of a small range (e.g. a percentage up to 100). */
function integerProbe(value: HelmValue, n: number): number {
  const minimum = value._minimum ?? 0;
  const maximum = value._maximum ?? Number.MAX_SAFE_INTEGER;
  if (maximum - minimum < 2000) return Math.max(minimum, maximum - (n % (maximum - minimum + 1)));
  return Math.min(maximum, Math.max(minimum, 7000 + n));
}
