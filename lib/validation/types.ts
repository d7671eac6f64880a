/** How serious a violation is: only `error` fails `cdk8s synth` and the tests. */
export type Severity = 'error' | 'warning';

/** One broken rule on one object. */
export interface Violation {
  /** The manifest file the object came from, when it was read from a file. */
  readonly file?: string;
  /** The object, as `Kind namespace/name` (or `Kind name` for objects without a namespace). */
  readonly object: string;
  /** Path of the offending field from the object root, e.g. `spec.template.spec.containers[0].image`. */
  readonly field: string;
  /** Stable rule id, e.g. `pss-restricted/allow-privilege-escalation`. */
  readonly rule: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** `error` fails synth; `warning` is reported but does not. */
  readonly severity: Severity;
}

/** Options for {@link validateManifests} and {@link validateYamlFiles}. */
export interface ValidationOptions {
  /**
   * Allow `:latest` and untagged container images (meant for a local environment such as
   * kind or minikube, where images are built and loaded on the spot).
   * @default false
   */
  readonly allowLatestImages?: boolean;
  /**
   * Namespaces that exist in the target cluster without being created by the validated output
   * (for example `istio-system` or `default`). Objects may live in them, and routes may point at them.
   * @default []
   */
  readonly externalNamespaces?: string[];
  /**
   * Rule ids to skip, e.g. `hygiene/liveness-probe`. A trailing `/*` skips a whole family,
   * e.g. `hygiene/*`.
   * @default []
   */
  readonly skipRules?: string[];
}

/** A manifest object as parsed from YAML/JSON: only the type meta is known. */
export interface KubeObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: {
    readonly name?: unknown;
    readonly namespace?: unknown;
    readonly labels?: unknown;
    readonly annotations?: unknown;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** A manifest document as read: possibly not an object at all. */
export interface SourcedDocument {
  readonly document: unknown;
  readonly file?: string;
  /** 0-based position of the document in its file (or in the input list). */
  readonly position: number;
}

/** An object to validate, with the file it came from. */
export interface SourcedObject {
  readonly object: KubeObject;
  readonly file?: string;
}

/** A rule of the catalog: stable id, severity and a one-line summary. */
export interface RuleDefinition {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
}

/** A violation before the object description and file are attached. */
export interface Finding {
  readonly rule: RuleDefinition;
  readonly field: string;
  readonly message: string;
  readonly fix: string;
}
