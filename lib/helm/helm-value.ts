/** One value of a generated Helm chart: its type, default, JSON-schema constraints and how the generator probes it. */

/** Options every value takes. */
export interface HelmValueOptions {
  /** What the value does; written above it in values.yaml and into values.schema.json. */
  readonly description: string;
}

/** Options of {@link HelmValue.string}. */
export interface HelmStringOptions extends HelmValueOptions {
  /** The default, written to values.yaml. */
  readonly default: string;
  /**
   * An empty string means "not set": the generator also builds the app without it, and whatever only exists
   * with the value becomes `{{- if .Values.x }}`.
   * @default false
   */
  readonly optional?: boolean;
  /**
   * A regular expression (JSON schema `pattern`, ECMA syntax) every non-empty value must match.
   * @default - any string
   */
  readonly pattern?: string;
  /**
   * The allowed values (JSON schema `enum`).
   * @default - any string
   */
  readonly enum?: string[];
  /**
   * The longest value.
   * @default - no limit
   */
  readonly maxLength?: number;
  /**
   * The shape of the probe value the generator substitutes, so that the constructs' own checks accept it:
   * `token` (lowercase letters and digits: a DNS label, label value, image tag or host), `path` (an absolute
   * path), `url` (an http URL), `cpu` (a quantity in millicores) or `memory` (a quantity in Mi; also storage).
   * @default "token"
   */
  readonly probe?: 'token' | 'path' | 'url' | 'cpu' | 'memory';
}

/** Options of {@link HelmValue.integer}. */
export interface HelmIntegerOptions extends HelmValueOptions {
  /** The default, written to values.yaml. */
  readonly default: number;
  /**
   * The smallest value.
   * @default - no minimum
   */
  readonly minimum?: number;
  /**
   * The largest value.
   * @default - no maximum
   */
  readonly maximum?: number;
}

/** Options of {@link HelmValue.boolean}. */
export interface HelmBooleanOptions extends HelmValueOptions {
  /** The default, written to values.yaml. */
  readonly default: boolean;
}

/** Options of {@link HelmValue.choice}. */
export interface HelmChoiceOptions extends HelmValueOptions {
  /** The allowed values; the generator builds the app with each. */
  readonly values: string[];
  /** The default, one of `values`. */
  readonly default: string;
}

/** How a value enters the templates. @internal */
export type HelmValueKind = 'string' | 'integer' | 'boolean' | 'choice';

/**
 * A leaf of the values tree. Strings and integers are substituted: the generator builds the app with a unique
 * probe value and turns every place it lands into `{{ .Values.x }}`. Booleans and choices select structure: the
 * generator builds the app with each value and turns what differs into `{{- if }}` blocks.
 */
export class HelmValue {
  /** A string written into the output (a name, tag, host, quantity, setting). */
  public static string(options: HelmStringOptions): HelmValue {
    return new HelmValue('string', options.default, options.description, {
      type: 'string',
      ...(options.enum ? { enum: options.optional ? ['', ...options.enum] : options.enum } : {}),
      ...(options.pattern ? { pattern: options.optional ? `^$|${options.pattern}` : options.pattern } : {}),
      ...(options.maxLength !== undefined ? { maxLength: options.maxLength } : {}),
      ...(!options.optional && !options.pattern && !options.enum ? { minLength: 1 } : {}),
    }, options.optional ?? false, options.probe ?? 'token');
  }

  /** A whole number written into the output (a count, port, percentage). */
  public static integer(options: HelmIntegerOptions): HelmValue {
    return new HelmValue('integer', options.default, options.description, {
      type: 'integer',
      ...(options.minimum !== undefined ? { minimum: options.minimum } : {}),
      ...(options.maximum !== undefined ? { maximum: options.maximum } : {}),
    }, false, 'token', options.minimum, options.maximum);
  }

  /** A switch: objects, fields or list items that exist only with one side become `{{- if }}` blocks. */
  public static boolean(options: HelmBooleanOptions): HelmValue {
    return new HelmValue('boolean', options.default, options.description, { type: 'boolean' }, false, 'token');
  }

  /** One of a few named alternatives, each of which may write different objects (e.g. a routing kind). */
  public static choice(options: HelmChoiceOptions): HelmValue {
    if (!options.values.includes(options.default)) {
      throw new Error(`HelmValue.choice: default "${options.default}" is not one of ${options.values.join(', ')}`);
    }
    return new HelmValue('choice', options.default, options.description, { type: 'string', enum: options.values }, false, 'token');
  }

  private constructor(
    /** @internal */ public readonly _kind: HelmValueKind,
    /** @internal */ public readonly _default: string | number | boolean,
    /** @internal */ public readonly _description: string,
    /** @internal */ public readonly _schema: Record<string, unknown>,
    /** @internal */ public readonly _optional: boolean,
    /** @internal */ public readonly _probe: 'token' | 'path' | 'url' | 'cpu' | 'memory',
    /** @internal */ public readonly _minimum?: number,
    /** @internal */ public readonly _maximum?: number,
  ) {}

  /** The values this leaf is built with to find the structure it selects (empty: it is substituted). @internal */
  public _alternatives(): Array<string | boolean> {
    if (this._kind === 'boolean') return [true, false];
    if (this._kind === 'choice') return [...(this._schema.enum as string[])];
    return [];
  }
}

/** A tree of values: each key is a {@link HelmValue} or a nested group, as in values.yaml. */
export interface HelmValueTree {
  readonly [key: string]: HelmValue | HelmValueTree;
}

/** A value tree flattened to `a.b.c` paths, in declaration order. @internal */
export function flattenValues(tree: HelmValueTree, prefix: string[] = []): Array<{ path: string[]; value: HelmValue }> {
  return Object.entries(tree).flatMap(([key, node]) => {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) throw new Error(`Helm value "${[...prefix, key].join('.')}": keys must be identifiers (letters, digits, "_")`);
    return node instanceof HelmValue ? [{ path: [...prefix, key], value: node }] : flattenValues(node, [...prefix, key]);
  });
}
