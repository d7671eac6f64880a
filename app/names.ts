/**
 * Object names and labels of one installation (a Helm release, or an environment of the plain YAML, which is
 * release `todo` in its namespace): Bitnami's `common.names.fullname`, mirrored by the chart's `_helpers.tpl`.
 */
import { version as packageVersion } from '../package.json';
import { PART_OF, TodoValues } from './values-schema';

/** Where and as what the app is installed. */
export interface TodoRelease {
  /** The release name: `app.kubernetes.io/instance` of every object and part of their names. */
  readonly name: string;
  /** The namespace every namespaced object goes into. */
  readonly namespace: string;
}

/** The names of the objects an installation writes. */
export interface TodoNames {
  /** `<release>-<chart>` (just `<release>` when it contains the chart name), or fullnameOverride: the routes. */
  readonly fullname: string;
  readonly backend: string;
  readonly frontend: string;
  /** The SQLite claim. */
  readonly claim: string;
}

/** `helm.sh/chart` of every object. */
export const CHART_LABEL = `${PART_OF}-${packageVersion}`.replace(/\+/g, '_');

const DNS_LABEL_LENGTH = 63;

/** `text` cut to `length` characters without a trailing "-" (Helm's `trunc` and `trimSuffix "-"`). */
function truncate(text: string, length: number): string {
  return text.substring(0, length).replace(/-+$/, '');
}

/** The names of one installation's objects. */
export function todoNames(values: Pick<TodoValues, 'nameOverride' | 'fullnameOverride'>, release: TodoRelease): TodoNames {
  const chart = truncate(values.nameOverride || PART_OF, DNS_LABEL_LENGTH);
  const fullname = values.fullnameOverride
    ? truncate(values.fullnameOverride, DNS_LABEL_LENGTH)
    : truncate(release.name.includes(chart) ? release.name : `${release.name}-${chart}`, DNS_LABEL_LENGTH);
  // Workload and claim names are label values and Service names too: the suffix always fits in 63 characters.
  const withSuffix = (suffix: string) => `${truncate(fullname, DNS_LABEL_LENGTH - suffix.length - 1)}-${suffix}`;
  return { fullname, backend: withSuffix('backend'), frontend: withSuffix('frontend'), claim: withSuffix('data') };
}
