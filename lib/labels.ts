import type { PropChecker } from './checks';

/** The tool recorded in `app.kubernetes.io/managed-by` on every object the constructs create. */
export const MANAGED_BY = 'cdk8s';

/**
 * What an object is, in the terms of the Kubernetes recommended labels.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
export interface StandardLabelValues {
  /** `app.kubernetes.io/name`: the application component's name, e.g. `todo-backend`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: what tells this installation apart from others, e.g. `todo-local`. */
  readonly instance: string;
  /** `app.kubernetes.io/component`: the role in the architecture, e.g. `backend`. */
  readonly component: string;
  /** `app.kubernetes.io/part-of`: the application this belongs to, e.g. `todo`. */
  readonly partOf: string;
  /** `app.kubernetes.io/version`: the version of what runs, e.g. `v0.1.0`. */
  readonly version: string;
}

/** All six standard `app.kubernetes.io/*` labels. */
export function standardLabels(values: StandardLabelValues): Record<string, string> {
  return {
    'app.kubernetes.io/name': values.name,
    'app.kubernetes.io/instance': values.instance,
    'app.kubernetes.io/component': values.component,
    'app.kubernetes.io/part-of': values.partOf,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/version': values.version,
  };
}

/**
 * The small, stable subset used in selectors. It never includes the version, so a new
 * release does not change a Deployment's immutable selector.
 */
export function selectorLabels(values: Pick<StandardLabelValues, 'name' | 'instance'>): Record<string, string> {
  return {
    'app.kubernetes.io/name': values.name,
    'app.kubernetes.io/instance': values.instance,
  };
}

/**
 * The identity labels a construct's props may set. Every construct takes them; the other standard labels
 * (name, component, managed-by) are the construct's own.
 */
export interface LabelProps {
  /**
   * `app.kubernetes.io/part-of`: the application the objects belong to, e.g. `todo`.
   * @default - the construct's name (the workload, claim, namespace or routes name; "network-policies" for AppNetworkPolicies)
   */
  readonly partOf?: string;
  /**
   * `app.kubernetes.io/instance`: what tells this installation apart from others, e.g. `todo-local`. Workloads also select their pods by it.
   * @default - the namespace
   */
  readonly instance?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the image tag for workloads, "v1" for the other constructs
   */
  readonly version?: string;
}

/** What a construct decides about its labels; {@link LabelProps} may replace instance, version and partOf (which defaults to the name). */
export interface LabelDefaults {
  readonly name: string;
  readonly component: string;
  readonly instance: string;
  readonly version: string;
}

/**
 * The label steps every construct takes: the props' values (checked) over the construct's defaults.
 * @returns the values of the standard labels, for {@link standardLabels} and {@link selectorLabels}
 */
export function resolveLabelValues(check: PropChecker, props: LabelProps, defaults: LabelDefaults): StandardLabelValues {
  const values = {
    name: defaults.name,
    instance: props.instance ?? defaults.instance,
    component: defaults.component,
    partOf: props.partOf ?? defaults.name,
    version: props.version ?? defaults.version,
  };
  check.labelValue('partOf', props.partOf);
  check.labelValue('instance', values.instance);
  check.labelValue('version', values.version);
  return values;
}
