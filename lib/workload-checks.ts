import { PropChecker } from './checks';
import { STARTUP_PROBE_PERIOD_SECONDS, withDefaults } from './container-spec';
import { RunAsOptions } from './pod-security';
import { WebWorkloadProps, WorkloadDefaults } from './web-workload-props';
import { ServiceType } from './workload-options';

/** The replica count (undefined when an autoscaler owns it), after checking replicas and autoscaling. */
export function resolveReplicas(check: PropChecker, props: WebWorkloadProps): number | undefined {
  check.integerAtLeast('replicas', props.replicas, 1);
  const autoscaling = props.autoscaling;
  if (!autoscaling) return props.replicas ?? 1;
  if (props.replicas !== undefined) {
    check.fail('replicas', 'must not be set together with autoscaling (the autoscaler owns the count)', props.replicas,
      'Remove replicas, or remove autoscaling.');
  }
  check.integerAtLeast('autoscaling.minReplicas', autoscaling.minReplicas, 1);
  check.integerAtLeast('autoscaling.maxReplicas', autoscaling.maxReplicas, 1);
  if (autoscaling.minReplicas > autoscaling.maxReplicas) {
    check.fail('autoscaling', 'minReplicas must not exceed maxReplicas', { minReplicas: autoscaling.minReplicas, maxReplicas: autoscaling.maxReplicas },
      'Lower minReplicas or raise maxReplicas.');
  }
  const target = autoscaling.targetCpuUtilization;
  if (target !== undefined && (!Number.isInteger(target) || target < 1 || target > 100)) {
    check.fail('autoscaling.targetCpuUtilization', 'must be a whole percentage from 1 to 100', target, 'Use e.g. 80.');
  }
  return undefined;
}

/** The user and group the containers run as, never root. */
export function resolveRunAs(check: PropChecker, props: WebWorkloadProps, defaultUser: number): RunAsOptions {
  const user = props.runAsUser ?? defaultUser;
  const group = props.runAsGroup ?? user;
  check.integerAtLeast('runAsUser', user, 1, 'Use the numeric non-root user of the image, e.g. 1000 (root, 0, is not allowed by Pod Security "restricted").');
  check.integerAtLeast('runAsGroup', group, 1, 'Use a numeric non-root group, e.g. 1000.');
  return { user, group };
}

/** A node port needs a NodePort or LoadBalancer Service and a port in the node port range. */
export function checkNodePort(check: PropChecker, props: WebWorkloadProps): void {
  if (props.nodePort === undefined) return;
  const type = props.serviceType ?? ServiceType.CLUSTER_IP;
  if (type === ServiceType.CLUSTER_IP) {
    check.fail('nodePort', 'needs serviceType NODE_PORT or LOAD_BALANCER', props.nodePort, 'Set serviceType: ServiceType.NODE_PORT, or remove nodePort.');
  }
  if (!Number.isInteger(props.nodePort) || props.nodePort < 30000 || props.nodePort > 32767) {
    check.fail('nodePort', 'must be in the node port range 30000-32767', props.nodePort, 'Pick a port such as 30080.');
  }
}

/** Probe and metrics paths, resources, the Secret name and the disruption budget. */
export function checkPodProps(check: PropChecker, props: WebWorkloadProps, defaults: WorkloadDefaults): void {
  check.absolutePath('livenessPath', props.livenessPath);
  check.absolutePath('readinessPath', props.readinessPath);
  check.absolutePath('prometheus.path', props.prometheus?.path);
  check.port('prometheus.port', props.prometheus?.port);
  check.integerAtLeast('startupTimeoutSeconds', props.startupTimeoutSeconds, STARTUP_PROBE_PERIOD_SECONDS);
  if (props.secretEnv) check.dnsSubdomain('secretEnv.name', props.secretEnv.name);
  for (const kind of ['cpu', 'memory'] as const) {
    const requested = props.resources?.[kind];
    check.quantity(`resources.${kind}.request`, requested?.request, kind);
    check.quantity(`resources.${kind}.limit`, requested?.limit, kind);
    const effective = withDefaults(requested, defaults[kind]);
    check.requestWithinLimit(`resources.${kind}`, effective.request, effective.limit);
  }
  if (props.disruptionBudget) {
    check.integerAtLeast('disruptionBudget.maxUnavailable', props.disruptionBudget.maxUnavailable, 1);
    const mostReplicas = props.autoscaling?.maxReplicas ?? props.replicas ?? 1;
    if (mostReplicas < 2) {
      check.fail('disruptionBudget', 'needs more than one replica (with one, a drain must either break the budget or the app)', { replicas: mostReplicas },
        'Raise replicas (or autoscaling.maxReplicas) to 2 or more, or remove disruptionBudget.');
    }
  }
}
