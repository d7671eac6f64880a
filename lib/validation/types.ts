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
  /**
   * How the API server's own checks (schemas, field names, value formats, cross-field rules, Pod Security) are made:
   * - `exact`: by the API server's own validation code (Kubernetes 1.36, compiled to WebAssembly, in-process), with
   *   its messages; an error when the package was built without it;
   * - `fast`: by this library's TypeScript rules (schemas and a rule per check), which never report what the API
   *   server accepts but may miss what it refuses;
   * - `auto`: `exact` when it is installed, else `fast`.
   * The environment variable `CDK8S_VALIDATION` (`auto`, `exact` or `fast`) sets the default. The policy rules
   * (`hygiene/*`) run in every mode.
   * @default - `CDK8S_VALIDATION`, else `auto`
   */
  readonly mode?: ValidationMode;
  /**
   * The Pod Security levels of namespaces whose own labels do not set them (namespaces the output does not create,
   * and those it creates without `pod-security.kubernetes.io/*` labels): the cluster's PodSecurity admission
   * defaults. An API server without a PodSecurity configuration uses `privileged`.
   * @default { enforce: 'restricted', enforceVersion: 'latest' }
   */
  readonly podSecurityDefaults?: PodSecurityDefaults;
  /**
   * The API server's own settings the exact validator applies: `--service-node-port-range` and `--allow-privileged`.
   * @default { serviceNodePortRange: '30000-32767', allowPrivileged: true }
   */
  readonly apiServer?: ApiServerSettings;
}

/** Which validator checks what the API server checks; see {@link ValidationOptions.mode}. */
export type ValidationMode = 'auto' | 'exact' | 'fast';

/** A Pod Security Standards level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** The PodSecurity admission configuration's defaults (`defaults:` of a PodSecurityConfiguration). */
export interface PodSecurityDefaults {
  /** The enforced level. */
  readonly enforce: PodSecurityLevel;
  /** The version of the enforced level, `latest` or `v1.<minor>`. @default 'latest' */
  readonly enforceVersion?: string;
  /** The level whose violations are returned as warnings. @default 'privileged' */
  readonly warn?: PodSecurityLevel;
  /** The version of the warn level. @default 'latest' */
  readonly warnVersion?: string;
}

/** Flags of the API server that change what it accepts. */
export interface ApiServerSettings {
  /** `--service-node-port-range`. @default '30000-32767' */
  readonly serviceNodePortRange?: string;
  /** `--allow-privileged` (kind, minikube and kubeadm set it; the API server's own default is false). @default true */
  readonly allowPrivileged?: boolean;
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
  /** A fast-validator rule standing in for an API server check; in exact mode the API server's own code replaces it. */
  readonly modelsApiServer: boolean;
}

/** A violation before the object description and file are attached. */
export interface Finding {
  readonly rule: RuleDefinition;
  readonly field: string;
  readonly message: string;
  readonly fix: string;
}
