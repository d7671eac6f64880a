import { PropChecker } from './checks';
import { STARTUP_PROBE_PERIOD_SECONDS, withDefaults } from './container-spec';
import { RunAsOptions } from './pod-security';
import { WebWorkloadProps, WorkloadDefaults } from './web-workload-props';
import { ProbeTimingOptions, ServiceType } from './workload-options';

// Volume types the Pod Security "restricted" profile allows.
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CONSTRUCT_ANNOTATIONS = ['checksum/config'];

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
  for (const prop of ['targetCpuUtilization', 'targetMemoryUtilization'] as const) {
    const target = autoscaling[prop];
    // Above 100 is valid: a target of 150 lets the pods use half as much again as they request before it scales.
    if (target !== undefined && (!Number.isInteger(target) || target < 1)) {
      check.fail(`autoscaling.${prop}`, 'must be a whole percentage of 1 or more', target, 'Use e.g. 80.');
    }
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

/** The Service type and the options that only some types take. */
export function checkServiceProps(check: PropChecker, props: WebWorkloadProps, type: string): void {
  const types: string[] = [ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER];
  if (!types.includes(type)) {
    check.fail('serviceType', 'must be ClusterIP, NodePort or LoadBalancer (the Service selects the workload\'s pods)', type,
      'Use ServiceType.CLUSTER_IP, NODE_PORT or LOAD_BALANCER; create an ExternalName Service yourself.');
  }
  if (props.externalTrafficPolicy !== undefined && type === ServiceType.CLUSTER_IP) {
    check.fail('externalTrafficPolicy', 'needs serviceType NODE_PORT or LOAD_BALANCER', props.externalTrafficPolicy,
      'Set serviceType, or remove externalTrafficPolicy.');
  }
  if (props.loadBalancerSourceRanges !== undefined) {
    check.array('loadBalancerSourceRanges', props.loadBalancerSourceRanges);
    if (type !== ServiceType.LOAD_BALANCER) {
      check.fail('loadBalancerSourceRanges', 'needs serviceType LOAD_BALANCER', props.loadBalancerSourceRanges, 'Set serviceType: ServiceType.LOAD_BALANCER, or remove it.');
    }
    props.loadBalancerSourceRanges.forEach((cidr, index) => check.cidr(`loadBalancerSourceRanges[${index}]`, cidr));
  }
  check.record('serviceAnnotations', props.serviceAnnotations);
}

/** Scheduling, identity and lifecycle props of the pod. */
export function checkScheduling(check: PropChecker, props: WebWorkloadProps): void {
  check.record('nodeSelector', props.nodeSelector);
  check.array('tolerations', props.tolerations);
  check.array('topologySpreadConstraints', props.topologySpreadConstraints);
  check.dnsSubdomain('priorityClassName', props.priorityClassName);
  check.dnsSubdomain('serviceAccountName', props.serviceAccountName);
  check.array('imagePullSecrets', props.imagePullSecrets);
  (props.imagePullSecrets ?? []).forEach((name, index) => check.dnsSubdomain(`imagePullSecrets[${index}]`, name));
  for (const prop of ['command', 'args'] as const) {
    check.array(prop, props[prop]);
    (props[prop] ?? []).forEach((part, index) => check.string(`${prop}[${index}]`, part));
  }
  if (props.command !== undefined && props.command.length === 0) {
    check.fail('command', 'must not be empty', props.command, 'Leave command unset to use the image\'s entrypoint.');
  }
  check.integerAtLeast('preStopDelaySeconds', props.preStopDelaySeconds, 1);
  check.integerAtLeast('terminationGracePeriodSeconds', props.terminationGracePeriodSeconds, 0);
  const grace = props.terminationGracePeriodSeconds ?? 30;
  if (props.preStopDelaySeconds !== undefined && props.preStopDelaySeconds >= grace) {
    check.fail('preStopDelaySeconds', `must be shorter than terminationGracePeriodSeconds (${grace}), or the app is killed before it can shut down`, props.preStopDelaySeconds,
      `Raise terminationGracePeriodSeconds to at least ${props.preStopDelaySeconds + 10}, or lower the delay.`);
  }
  check.record('podAnnotations', props.podAnnotations);
  for (const key of Object.keys(props.podAnnotations ?? {})) {
    if (CONSTRUCT_ANNOTATIONS.includes(key) || (props.prometheus && key.startsWith('prometheus.io/'))) {
      check.fail('podAnnotations', 'sets an annotation the construct writes itself', key,
        key.startsWith('prometheus.io/') ? 'Configure scraping with the prometheus prop only.' : 'Remove it; the construct computes it.');
    }
  }
}

/** Extra ports, volumes and the writable paths' size limit. */
export function checkVolumes(check: PropChecker, props: WebWorkloadProps): void {
  check.array('volumes', props.volumes);
  check.array('volumeMounts', props.volumeMounts);
  for (const volume of props.volumes ?? []) {
    const types = Object.keys(volume).filter((key) => key !== 'name');
    const forbidden = types.find((type) => !RESTRICTED_VOLUME_TYPES.has(type));
    if (forbidden) {
      check.fail(`volumes["${volume.name}"]`, `is a ${forbidden} volume, which Pod Security "restricted" forbids`, forbidden,
        `Use one of ${[...RESTRICTED_VOLUME_TYPES].join(', ')} (a PersistentVolumeClaim for node storage).`);
    }
  }
  check.positiveQuantity('writablePathSizeLimit', props.writablePathSizeLimit, 'storage');
  check.array('ports', props.ports);
  const names = new Set(['http']);
  for (const port of props.ports ?? []) {
    check.string('ports[].name', port.name);
    if (port.name.length > 15 || !PORT_NAME.test(port.name)) {
      check.fail('ports[].name', 'must be an IANA service name (lowercase letters, digits and "-", at least one letter, at most 15 characters)', port.name, 'Use a name like "metrics".');
    }
    if (names.has(port.name)) check.fail('ports[].name', 'is used twice (the main port is "http")', port.name, 'Give each port its own name.');
    names.add(port.name);
    check.port(`ports["${port.name}"].containerPort`, port.containerPort);
    check.port(`ports["${port.name}"].servicePort`, port.servicePort);
  }
  if (props.probePort !== undefined && !names.has(props.probePort)) {
    check.fail('probePort', 'must name a container port', props.probePort, `Use one of ${[...names].map((name) => `"${name}"`).join(', ')}.`);
  }
}

function checkProbeTimings(check: PropChecker, prop: string, timings: ProbeTimingOptions | undefined, liveness: boolean): void {
  if (timings === undefined) return;
  check.integerAtLeast(`${prop}.periodSeconds`, timings.periodSeconds, 1);
  check.integerAtLeast(`${prop}.timeoutSeconds`, timings.timeoutSeconds, 1);
  check.integerAtLeast(`${prop}.failureThreshold`, timings.failureThreshold, 1);
  check.integerAtLeast(`${prop}.successThreshold`, timings.successThreshold, 1);
  if (liveness && timings.successThreshold !== undefined && timings.successThreshold !== 1) {
    check.fail(`${prop}.successThreshold`, 'must be 1 for a liveness probe (Kubernetes requires it)', timings.successThreshold, 'Remove it.');
  }
}

/** Probe and metrics paths, resources, the Secret name and the disruption budget. */
export function checkPodProps(check: PropChecker, props: WebWorkloadProps, defaults: WorkloadDefaults): void {
  check.httpPath('livenessPath', props.livenessPath);
  check.httpPath('readinessPath', props.readinessPath);
  check.httpPath('prometheus.path', props.prometheus?.path);
  checkProbeTimings(check, 'livenessProbe', props.livenessProbe, true);
  checkProbeTimings(check, 'readinessProbe', props.readinessProbe, false);
  check.port('prometheus.port', props.prometheus?.port);
  check.integerAtLeast('startupTimeoutSeconds', props.startupTimeoutSeconds, STARTUP_PROBE_PERIOD_SECONDS);
  if (props.secretEnv) {
    check.dnsSubdomain('secretEnv.name', props.secretEnv.name);
    check.array('secretEnv.keys', props.secretEnv.keys);
  }
  const storage = props.resources?.ephemeralStorage;
  check.positiveQuantity('resources.ephemeralStorage.request', storage?.request, 'storage');
  check.positiveQuantity('resources.ephemeralStorage.limit', storage?.limit, 'storage');
  check.requestWithinLimit('resources.ephemeralStorage', storage?.request, storage?.limit);
  for (const kind of ['cpu', 'memory'] as const) {
    const requested = props.resources?.[kind];
    check.quantity(`resources.${kind}.request`, requested?.request, kind);
    check.quantity(`resources.${kind}.limit`, requested?.limit, kind);
    const effective = withDefaults(requested, defaults[kind]);
    check.requestWithinLimit(`resources.${kind}`, effective.request, effective.limit);
  }
  if (props.disruptionBudget) checkDisruptionBudget(check, props);
}

/** A budget that lets some pods go, but never all of them. */
function checkDisruptionBudget(check: PropChecker, props: WebWorkloadProps): void {
  const budget = props.disruptionBudget!;
  check.integerAtLeast('disruptionBudget.maxUnavailable', budget.maxUnavailable, 1);
  check.integerAtLeast('disruptionBudget.minAvailable', budget.minAvailable, 1, 'Set minAvailable to 1 or more (0 lets every pod go at once), or use maxUnavailable.');
  if (budget.maxUnavailable !== undefined && budget.minAvailable !== undefined) {
    check.fail('disruptionBudget', 'maxUnavailable and minAvailable are exclusive', budget, 'Set one of them.');
  }
  const mostReplicas = props.autoscaling?.maxReplicas ?? props.replicas ?? 1;
  if (mostReplicas < 2) {
    check.fail('disruptionBudget', 'needs more than one replica (with one, a drain must either break the budget or the app)', { replicas: mostReplicas },
      'Raise replicas (or autoscaling.maxReplicas) to 2 or more, or remove disruptionBudget.');
  }
  const fewestReplicas = props.autoscaling?.minReplicas ?? props.replicas ?? 1;
  const maxUnavailable = budget.minAvailable === undefined ? budget.maxUnavailable ?? 1 : undefined;
  if (maxUnavailable !== undefined && maxUnavailable >= fewestReplicas) {
    check.fail('disruptionBudget.maxUnavailable', `must be lower than the fewest replicas (${fewestReplicas}), or a drain may take every pod at once`, maxUnavailable,
      `Set it to ${Math.max(1, fewestReplicas - 1)} or raise the replicas.`);
  }
  if (budget.minAvailable !== undefined && budget.minAvailable >= fewestReplicas) {
    check.fail('disruptionBudget.minAvailable', `must be lower than the fewest replicas (${fewestReplicas}), or no pod can ever be evicted and node drains hang`, budget.minAvailable,
      `Set it to ${Math.max(1, fewestReplicas - 1)} or raise the replicas.`);
  }
}

/** Pod labels are checked labels, and never one the construct writes itself (a silent override would be a bug). */
export function checkPodLabels(check: PropChecker, podLabels: Record<string, string> | undefined, constructLabels: Record<string, string>): void {
  check.labels('podLabels', podLabels);
  for (const key of Object.keys(podLabels ?? {})) {
    if (key in constructLabels) check.fail('podLabels', 'sets a label the construct writes itself', key, 'Remove it; the pods carry the construct\'s value.');
  }
}

/** Extra envFrom sources name one ConfigMap or one Secret each; ServiceAccount annotations need the ServiceAccount to be created. */
export function checkEnvFromAndServiceAccount(check: PropChecker, props: WebWorkloadProps): void {
  check.array('env', props.env);
  check.array('envFrom', props.envFrom);
  (props.envFrom ?? []).forEach((source, index) => {
    const refs = source === null || typeof source !== 'object' ? [] : (['configMapRef', 'secretRef'] as const).filter((key) => source[key] !== undefined);
    if (refs.length !== 1 || Object.keys(source).some((key) => !['configMapRef', 'secretRef', 'prefix'].includes(key))) {
      check.fail(`envFrom[${index}]`, 'must name one ConfigMap (configMapRef) or one Secret (secretRef)', source, 'Pass e.g. { secretRef: { name: "extra-env" } }.');
    }
    check.dnsSubdomain(`envFrom[${index}].${refs[0]}.name`, source[refs[0]]!.name);
  });
  check.record('serviceAccountAnnotations', props.serviceAccountAnnotations);
  if (props.serviceAccountAnnotations && Object.keys(props.serviceAccountAnnotations).length > 0 && !props.createServiceAccount) {
    check.fail('serviceAccountAnnotations', 'need createServiceAccount (the construct annotates only a ServiceAccount it creates)', Object.keys(props.serviceAccountAnnotations),
      'Set createServiceAccount: true, or annotate your own ServiceAccount and name it in serviceAccountName.');
  }
}
