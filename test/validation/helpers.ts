/* Builders for compliant manifest objects; tests break exactly one thing and assert the violation. */
import { Violation } from '../../lib/validation';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Manifest = Record<string, any>;

export const NAMESPACE = 'app';
export const LABELS = { 'app.kubernetes.io/name': 'backend' };

export function namespace(name = NAMESPACE): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** A container that satisfies every rule. */
export function container(name = 'api'): Manifest {
  return {
    name,
    image: 'ghcr.io/example/backend:1.2.3',
    ports: [{ name: 'http', containerPort: 8000 }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  };
}

/** A pod spec that satisfies the restricted profile. */
export function podSpec(): Manifest {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container()],
  };
}

/** A compliant Deployment; `mutate` receives it to break one thing. */
export function deployment(mutate: (deployment: Manifest) => void = () => undefined, name = 'backend'): Manifest {
  const object: Manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE, labels: { ...LABELS } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { ...LABELS } },
      template: { metadata: { labels: { ...LABELS } }, spec: podSpec() },
    },
  };
  mutate(object);
  return object;
}

/** A compliant workload of another kind (StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod). */
export function workload(kind: 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | 'Pod', mutatePodSpec: (spec: Manifest) => void = () => undefined): Manifest {
  const spec = podSpec();
  mutatePodSpec(spec);
  const metadata = { name: kind.toLowerCase(), namespace: NAMESPACE };
  const template = { metadata: { labels: { ...LABELS } }, spec };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: { ...metadata, labels: { ...LABELS } }, spec };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template: { ...template, spec: { ...spec, restartPolicy: 'Never' } } } };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { ...template, spec: { ...spec, restartPolicy: 'OnFailure' } } } } } };
    case 'StatefulSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: { serviceName: 'backend', selector: { matchLabels: { ...LABELS } }, template } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: { ...LABELS } }, template } };
  }
}

export function service(mutate: (service: Manifest) => void = () => undefined, name = 'backend'): Manifest {
  const object: Manifest = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NAMESPACE },
    spec: { selector: { ...LABELS }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
  mutate(object);
  return object;
}

/** Namespace + Deployment + Service: the base output every test breaks one thing in. */
export function baseOutput(): Manifest[] {
  return [namespace(), deployment(), service()];
}

export function errors(violations: readonly Violation[]): Violation[] {
  return violations.filter((violation) => violation.severity === 'error');
}

export function warnings(violations: readonly Violation[]): Violation[] {
  return violations.filter((violation) => violation.severity === 'warning');
}

/** Matches a violation by rule, object and field (message and fix are free text). */
export function violation(rule: string, object: string, field: string, severity: 'error' | 'warning' = 'error'): Violation {
  return expect.objectContaining({ rule, object, field, severity }) as unknown as Violation;
}
