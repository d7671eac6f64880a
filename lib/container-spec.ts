import { createHash } from 'crypto';
import { k8s } from './k8s';
import { WebWorkloadProps, WorkloadDefaults } from './web-workload-props';
import { PrometheusScrapeOptions, ResourceRange } from './workload-options';

/** How often the startup probe checks; startupTimeoutSeconds is a multiple of it. */
export const STARTUP_PROBE_PERIOD_SECONDS = 2;

/** CPU and memory requests and limits: the props' values over the construct's defaults. */
export function renderResources(props: WebWorkloadProps, defaults: WorkloadDefaults): k8s.ResourceRequirements {
  const cpu = withDefaults(props.resources?.cpu, defaults.cpu);
  const memory = withDefaults(props.resources?.memory, defaults.memory);
  const storage = props.resources?.ephemeralStorage;
  const requests: Record<string, k8s.Quantity> = { cpu: k8s.Quantity.fromString(cpu.request), memory: k8s.Quantity.fromString(memory.request) };
  const limits: Record<string, k8s.Quantity> = { cpu: k8s.Quantity.fromString(cpu.limit), memory: k8s.Quantity.fromString(memory.limit) };
  if (storage?.request !== undefined) requests['ephemeral-storage'] = k8s.Quantity.fromString(storage.request);
  if (storage?.limit !== undefined) limits['ephemeral-storage'] = k8s.Quantity.fromString(storage.limit);
  return { requests, limits };
}

/** Spread across nodes when more than one replica can run, so one node failure does not take every pod. */
export function renderTopologySpread(mostReplicas: number, selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
  if (mostReplicas < 2) return [];
  return [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }];
}

/** Startup, liveness and readiness probes on the container's `http` port (or `probePort`). */
export function renderProbes(props: WebWorkloadProps, defaults: WorkloadDefaults): Pick<k8s.Container, 'startupProbe' | 'livenessProbe' | 'readinessProbe'> {
  const port = k8s.IntOrString.fromString(props.probePort ?? 'http');
  const liveness = props.livenessProbe ?? {};
  const readiness = props.readinessProbe ?? {};
  const livenessPath = props.livenessPath ?? defaults.livenessPath;
  const readinessPath = props.readinessPath ?? defaults.readinessPath;
  const startupTimeout = props.startupTimeoutSeconds ?? 120;
  return {
    startupProbe: {
      httpGet: { path: livenessPath, port },
      periodSeconds: STARTUP_PROBE_PERIOD_SECONDS,
      timeoutSeconds: 2,
      failureThreshold: Math.ceil(startupTimeout / STARTUP_PROBE_PERIOD_SECONDS),
    },
    livenessProbe: {
      httpGet: { path: livenessPath, port },
      periodSeconds: liveness.periodSeconds ?? 10,
      timeoutSeconds: liveness.timeoutSeconds ?? 3,
      failureThreshold: liveness.failureThreshold ?? 3,
    },
    readinessProbe: {
      httpGet: { path: readinessPath, port },
      periodSeconds: readiness.periodSeconds ?? 5,
      timeoutSeconds: readiness.timeoutSeconds ?? 3,
      failureThreshold: readiness.failureThreshold ?? 3,
      successThreshold: readiness.successThreshold,
    },
  };
}

/**
 * The pod template annotations: a checksum of the ConfigMap data, so a config change rolls the pods, and the
 * Prometheus scrape annotations when asked for.
 */
export function renderPodAnnotations(config: Record<string, string>, prometheus: PrometheusScrapeOptions | undefined, containerPort: number): Record<string, string> {
  const annotations: Record<string, string> = { 'checksum/config': createHash('sha256').update(JSON.stringify(config)).digest('hex') };
  if (prometheus) {
    annotations['prometheus.io/scrape'] = 'true';
    annotations['prometheus.io/port'] = String(prometheus.port ?? containerPort);
    annotations['prometheus.io/path'] = prometheus.path ?? '/metrics';
  }
  return annotations;
}

/** `base`, or `base-2`, `base-3`, ... when a volume already has that name (e.g. /app/.cache and /app/cache). */
export function writableVolumeName(path: string, taken: (name: string) => boolean): string {
  const base = `writable${path.replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/-+$/, '')}`.substring(0, 60).replace(/-+$/, '');
  let name = base;
  for (let suffix = 2; taken(name); suffix++) name = `${base}-${suffix}`;
  return name;
}

/** A range with the construct's default for each unset end. */
export function withDefaults(range: ResourceRange | undefined, defaults: Required<ResourceRange>): Required<ResourceRange> {
  return { request: range?.request ?? defaults.request, limit: range?.limit ?? defaults.limit };
}

/** Kubernetes omits empty lists; so does the output. */
export function undefinedIfEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
