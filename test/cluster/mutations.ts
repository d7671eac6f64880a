/**
 * The differential corpus: the objects every environment synthesizes (plus the other workload kinds a consumer
 * emits, built from the app's own pod template), each mutated by every mutation that applies to its kind. Each
 * mutation belongs to one class of what the API server checks (the classes issue 19 measured). An object that is
 * left unchanged is a mutation too ("unchanged"), so every base object is also checked as accepted.
 */
import { Testing } from 'cdk8s';
import { buildApp } from '../../app';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Manifest = Record<string, any>;

/** One mutated object. */
export interface Mutant {
  /** `class/mutation`, e.g. `numeric-bounds/negative-replicas`. */
  readonly mutation: string;
  /** The object it was made from: `Kind name (environment)`. */
  readonly base: string;
  readonly object: Manifest;
}

interface Mutation {
  readonly name: string;
  /** Kinds it applies to; `*` for every kind. */
  readonly kinds: readonly string[] | '*';
  /** Mutates the copy; returning false means "does not apply to this object" (e.g. it has no ports). */
  readonly apply: (object: Manifest) => boolean | void;
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController', 'PodTemplate'];

/** The pod spec of a workload (any kind above). */
export function podSpec(object: Manifest): Manifest {
  switch (object.kind) {
    case 'Pod': return object.spec;
    case 'PodTemplate': return object.template.spec;
    case 'CronJob': return object.spec.jobTemplate.spec.template.spec;
    default: return object.spec.template.spec;
  }
}

function container(object: Manifest): Manifest {
  return podSpec(object).containers[0];
}

function securityContext(object: Manifest): Manifest {
  const c = container(object);
  c.securityContext = c.securityContext ?? {};
  return c.securityContext;
}

function podSecurityContext(object: Manifest): Manifest {
  const spec = podSpec(object);
  spec.securityContext = spec.securityContext ?? {};
  return spec.securityContext;
}

function templateLabels(object: Manifest): Manifest | undefined {
  switch (object.kind) {
    case 'Pod': return object.metadata.labels;
    case 'PodTemplate': return object.template.metadata?.labels;
    case 'CronJob': return object.spec.jobTemplate.spec.template.metadata?.labels;
    default: return object.spec.template?.metadata?.labels;
  }
}

const onWorkloads = (name: string, apply: (object: Manifest) => boolean | void): Mutation => ({ name, kinds: WORKLOADS, apply });
const onAll = (name: string, apply: (object: Manifest) => boolean | void): Mutation => ({ name, kinds: '*', apply });
const on = (kinds: string[], name: string, apply: (object: Manifest) => boolean | void): Mutation => ({ name, kinds, apply });

const MUTATIONS: readonly Mutation[] = [
  onAll('unchanged', () => true),

  // Labels, annotations and names.
  onAll('labels/key-with-space', (o) => { o.metadata.labels = { ...o.metadata.labels, 'bad key': 'x' }; }),
  onAll('labels/value-too-long', (o) => { o.metadata.labels = { ...o.metadata.labels, tier: 'x'.repeat(64) }; }),
  onAll('labels/value-leading-dash', (o) => { o.metadata.labels = { ...o.metadata.labels, tier: '-web' }; }),
  onAll('labels/prefix-not-dns', (o) => { o.metadata.labels = { ...o.metadata.labels, 'Example.com/tier': 'web' }; }),
  onAll('labels/valid-prefixed', (o) => { o.metadata.labels = { ...o.metadata.labels, 'example.com/tier': 'web_1.x' }; }),
  onAll('annotations/key-invalid', (o) => { o.metadata.annotations = { ...o.metadata.annotations, 'no/such/key': 'x' }; }),
  onAll('names/uppercase', (o) => { o.metadata.name = `${o.metadata.name}-X`; }),
  onAll('names/underscore', (o) => { o.metadata.name = `${o.metadata.name}_1`; }),
  onAll('names/with-dot', (o) => { o.metadata.name = `${o.metadata.name}.v1`; }),
  onAll('names/too-long', (o) => { o.metadata.name = `${o.metadata.name}-${'a'.repeat(250)}`.slice(0, 254); }),
  onAll('names/leading-digit', (o) => { o.metadata.name = `1${o.metadata.name}`; }),

  // Unknown fields and types.
  onAll('fields/unknown-top-level', (o) => { o.specification = {}; }),
  onAll('fields/unknown-in-metadata', (o) => { o.metadata.label = { a: 'b' }; }),
  onWorkloads('fields/unknown-in-container', (o) => { container(o).imagePullPolicyy = 'Always'; }),
  onWorkloads('fields/unknown-in-security-context', (o) => { securityContext(o).privilegd = true; }),
  on(['Deployment', 'StatefulSet', 'ReplicaSet'], 'fields/unknown-in-spec', (o) => { o.spec.replica = 2; }),
  on(['Service'], 'fields/unknown-in-port', (o) => { o.spec.ports[0].targetport = 80; }),
  on(['ConfigMap'], 'fields/data-not-string', (o) => { o.data = { ...o.data, COUNT: 3 }; }),
  on(['Deployment', 'StatefulSet', 'ReplicaSet'], 'fields/replicas-string', (o) => { o.spec.replicas = 'two'; }),
  onWorkloads('fields/label-value-number', (o) => { const labels = templateLabels(o); if (!labels) return false; labels.version = 2; return true; }),
  onWorkloads('fields/ports-not-list', (o) => { container(o).ports = { name: 'http', containerPort: 80 }; }),

  // Value syntax.
  onWorkloads('values/container-name-uppercase', (o) => { container(o).name = 'Web'; }),
  onWorkloads('values/image-empty', (o) => { container(o).image = ''; }),
  onWorkloads('values/image-whitespace', (o) => { container(o).image = ` ${container(o).image}`; }),
  onWorkloads('values/port-name-too-long', (o) => { const ports = container(o).ports; if (!ports?.length) return false; ports[0].name = 'http-port-number-one'; return true; }),
  onWorkloads('values/port-name-underscore', (o) => { const ports = container(o).ports; if (!ports?.length) return false; ports[0].name = 'http_1'; return true; }),
  onWorkloads('values/port-name-digits-only', (o) => { const ports = container(o).ports; if (!ports?.length) return false; ports[0].name = '8080'; return true; }),
  onWorkloads('values/env-name-invalid', (o) => { container(o).env = [...(container(o).env ?? []), { name: 'A=B', value: 'x' }]; }),
  onWorkloads('values/env-name-leading-digit-accepted', (o) => { container(o).env = [...(container(o).env ?? []), { name: '1ST', value: 'x' }]; }),
  onWorkloads('values/volume-name-invalid', (o) => {
    podSpec(o).volumes = [...(podSpec(o).volumes ?? []), { name: 'Tmp_Dir', emptyDir: {} }];
  }),
  onWorkloads('values/mount-path-relative', (o) => {
    podSpec(o).volumes = [...(podSpec(o).volumes ?? []), { name: 'scratch', emptyDir: {} }];
    container(o).volumeMounts = [...(container(o).volumeMounts ?? []), { name: 'scratch', mountPath: 'scratch' }];
  }),
  onWorkloads('values/sub-path-escapes', (o) => {
    podSpec(o).volumes = [...(podSpec(o).volumes ?? []), { name: 'scratch', emptyDir: {} }];
    container(o).volumeMounts = [...(container(o).volumeMounts ?? []), { name: 'scratch', mountPath: '/scratch', subPath: '../etc' }];
  }),
  onWorkloads('values/file-mode-too-large', (o) => {
    podSpec(o).volumes = [...(podSpec(o).volumes ?? []), { name: 'settings', configMap: { name: 'settings', defaultMode: 1024 } }];
  }),
  onWorkloads('values/memory-quantity-malformed', (o) => { const r = container(o).resources; if (!r?.limits) return false; r.limits.memory = '256MiB'; return true; }),
  onWorkloads('values/cpu-quantity-negative', (o) => { const r = container(o).resources; if (!r?.requests) return false; r.requests.cpu = '-100m'; return true; }),
  on(['ConfigMap'], 'values/config-key-invalid', (o) => { o.data = { ...o.data, 'bad key': 'x' }; }),
  on(['ConfigMap'], 'values/config-key-dotted-accepted', (o) => { o.data = { ...o.data, 'app.settings_1-x': 'x' }; }),
  on(['Deployment'], 'values/max-surge-bad-percent', (o) => { o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25 %', maxUnavailable: 0 } }; }),
  on(['Deployment'], 'values/max-unavailable-over-100', (o) => { o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '150%' } }; }),
  on(['PodDisruptionBudget'], 'values/min-available-over-100', (o) => { delete o.spec.maxUnavailable; o.spec.minAvailable = '120%'; }),
  on(['Service'], 'values/cluster-ip-invalid', (o) => { o.spec.clusterIP = '999.1.1.1'; }),
  on(['Service'], 'values/external-name-on-cluster-ip', (o) => { o.spec.externalName = 'db.example.com'; }),
  on(['Service'], 'values/port-name-uppercase', (o) => { o.spec.ports[0].name = 'HTTP'; }),
  on(['Service'], 'values/target-port-name-invalid', (o) => { o.spec.ports[0].targetPort = 'http_port'; }),
  on(['Service'], 'values/target-port-zero-accepted', (o) => { o.spec.ports[0].targetPort = 0; }),
  on(['Service'], 'values/load-balancer-range-not-cidr', (o) => { o.spec.type = 'LoadBalancer'; o.spec.loadBalancerSourceRanges = ['10.0.0.0']; }),
  on(['NetworkPolicy'], 'values/cidr-host-bits', (o) => networkPolicyPeer(o, { ipBlock: { cidr: '10.0.0.1/8' } })),
  on(['NetworkPolicy'], 'values/cidr-invalid', (o) => networkPolicyPeer(o, { ipBlock: { cidr: '10.0.0.0/33' } })),
  on(['NetworkPolicy'], 'cross-field/except-outside-cidr', (o) => networkPolicyPeer(o, { ipBlock: { cidr: '10.0.0.0/16', except: ['192.168.0.0/24'] } })),
  on(['NetworkPolicy'], 'cross-field/except-inside-cidr-accepted', (o) => networkPolicyPeer(o, { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } })),
  on(['Ingress'], 'values/ingress-host-ip', (o) => { if (!o.spec.rules?.length) return false; o.spec.rules[0].host = '10.0.0.1'; return true; }),
  on(['Ingress'], 'values/ingress-host-uppercase', (o) => { if (!o.spec.rules?.length) return false; o.spec.rules[0].host = 'Todo.Example.com'; return true; }),
  on(['Ingress'], 'values/ingress-path-relative', (o) => { const path = o.spec.rules?.[0]?.http?.paths?.[0]; if (!path) return false; path.path = 'api'; return true; }),
  on(['Ingress'], 'values/ingress-class-invalid', (o) => { o.spec.ingressClassName = 'Nginx_Class'; }),
  on(['PersistentVolumeClaim'], 'values/storage-class-invalid', (o) => { o.spec.storageClassName = 'Fast_SSD'; }),
  on(['PersistentVolumeClaim'], 'values/storage-request-malformed', (o) => { o.spec.resources.requests.storage = '1 Gi'; }),
  on(['StorageClass'], 'values/provisioner-invalid', (o) => { o.provisioner = 'not a provisioner'; }),
  on(['HorizontalPodAutoscaler'], 'values/target-kind-missing', (o) => { delete o.spec.scaleTargetRef.kind; }),
  on(['LimitRange'], 'values/limit-type-unknown', (o) => { o.spec.limits[0].type = 'Node'; }),
  on(['ResourceQuota'], 'values/quota-resource-invalid', (o) => { o.spec.hard = { ...o.spec.hard, 'bad resource': '1' }; }),

  // Cross-field rules.
  onWorkloads('cross-field/two-probe-handlers', (o) => {
    const c = container(o);
    if (!c.readinessProbe) return false;
    c.readinessProbe = { ...c.readinessProbe, tcpSocket: { port: 8080 }, exec: undefined };
    if (!c.readinessProbe.httpGet && !c.readinessProbe.grpc) c.readinessProbe.httpGet = { path: '/', port: 8080 };
    return true;
  }),
  onWorkloads('cross-field/two-volume-sources', (o) => {
    podSpec(o).volumes = [...(podSpec(o).volumes ?? []), { name: 'both', emptyDir: {}, configMap: { name: 'settings' } }];
  }),
  onWorkloads('cross-field/request-over-limit', (o) => {
    const r = container(o).resources;
    if (!r?.limits?.memory) return false;
    r.requests = { ...r.requests, memory: '64Gi' };
    return true;
  }),
  onWorkloads('cross-field/mount-without-volume', (o) => {
    container(o).volumeMounts = [...(container(o).volumeMounts ?? []), { name: 'missing', mountPath: '/missing' }];
  }),
  onWorkloads('cross-field/selector-mismatch', (o) => {
    if (!o.spec?.selector?.matchLabels) return false;
    o.spec.selector.matchLabels = { ...o.spec.selector.matchLabels, extra: 'label' };
    return true;
  }),
  on(['LimitRange'], 'cross-field/default-over-max', (o) => {
    const limit = o.spec.limits[0];
    limit.max = { cpu: '100m', memory: '64Mi' };
  }),
  on(['Deployment'], 'cross-field/recreate-with-rolling-params', (o) => { o.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }; }),
  on(['Service'], 'cross-field/node-port-on-cluster-ip', (o) => { o.spec.type = 'ClusterIP'; o.spec.ports[0].nodePort = 30080; }),
  on(['Service'], 'cross-field/node-port-out-of-range', (o) => { o.spec.type = 'NodePort'; o.spec.ports[0].nodePort = 80; }),
  on(['Service'], 'cross-field/node-port-in-range-accepted', (o) => { o.spec.type = 'NodePort'; o.spec.ports[0].nodePort = 30999; }),

  // Numeric bounds.
  on(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'], 'numeric-bounds/negative-replicas', (o) => { o.spec.replicas = -1; }),
  onWorkloads('numeric-bounds/liveness-success-threshold', (o) => { const p = container(o).livenessProbe; if (!p) return false; p.successThreshold = 2; return true; }),
  onWorkloads('numeric-bounds/probe-period-zero-defaulted', (o) => { const p = container(o).readinessProbe; if (!p) return false; p.periodSeconds = 0; return true; }),
  onWorkloads('numeric-bounds/probe-negative-delay', (o) => { const p = container(o).readinessProbe; if (!p) return false; p.initialDelaySeconds = -5; return true; }),
  onWorkloads('numeric-bounds/negative-grace-period', (o) => { podSpec(o).terminationGracePeriodSeconds = -1; }),
  onWorkloads('numeric-bounds/container-port-zero', (o) => { const ports = container(o).ports; if (!ports?.length) return false; ports[0].containerPort = 0; return true; }),
  onWorkloads('numeric-bounds/container-port-too-large', (o) => { const ports = container(o).ports; if (!ports?.length) return false; ports[0].containerPort = 70000; return true; }),
  on(['Deployment'], 'numeric-bounds/deadline-not-above-min-ready', (o) => { o.spec.minReadySeconds = 600; o.spec.progressDeadlineSeconds = 600; }),
  on(['Deployment', 'StatefulSet', 'DaemonSet'], 'numeric-bounds/negative-history-limit', (o) => { o.spec.revisionHistoryLimit = -1; }),
  on(['HorizontalPodAutoscaler'], 'numeric-bounds/max-below-min', (o) => { o.spec.minReplicas = 5; o.spec.maxReplicas = 2; }),
  on(['HorizontalPodAutoscaler'], 'numeric-bounds/min-zero', (o) => { o.spec.minReplicas = 0; }),
  on(['HorizontalPodAutoscaler'], 'numeric-bounds/utilization-zero', (o) => {
    const metric = o.spec.metrics?.[0]?.resource?.target;
    if (!metric) return false;
    metric.averageUtilization = 0;
    return true;
  }),
  on(['PodDisruptionBudget'], 'numeric-bounds/negative-min-available', (o) => { delete o.spec.maxUnavailable; o.spec.minAvailable = -1; }),
  on(['Service'], 'numeric-bounds/port-zero', (o) => { o.spec.ports[0].port = 0; }),
  on(['Service'], 'numeric-bounds/target-port-too-large', (o) => { o.spec.ports[0].targetPort = 65536; }),
  on(['Job'], 'numeric-bounds/negative-backoff', (o) => { o.spec.backoffLimit = -1; }),
  on(['CronJob'], 'values/schedule-invalid', (o) => { o.spec.schedule = 'every minute'; }),
  on(['CronJob'], 'values/time-zone-invalid', (o) => { o.spec.timeZone = 'Mars/Olympus'; }),
  on(['NetworkPolicy'], 'numeric-bounds/port-too-large', (o) => networkPolicyPort(o, { protocol: 'TCP', port: 70000 })),
  on(['NetworkPolicy'], 'cross-field/end-port-below-port', (o) => networkPolicyPort(o, { protocol: 'TCP', port: 8000, endPort: 7000 })),
  on(['NetworkPolicy'], 'values/named-port-with-end-port', (o) => networkPolicyPort(o, { protocol: 'TCP', port: 'http', endPort: 9000 })),

  // Fields the server requires.
  onWorkloads('required/container-image', (o) => { delete container(o).image; }),
  onWorkloads('required/containers-empty', (o) => { podSpec(o).containers = []; }),
  on(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], 'required/selector', (o) => { delete o.spec.selector; }),
  on(['Service'], 'required/ports-empty', (o) => { o.spec.ports = []; }),
  on(['PersistentVolumeClaim'], 'required/access-modes', (o) => { delete o.spec.accessModes; }),
  on(['PersistentVolumeClaim'], 'required/storage-request', (o) => { delete o.spec.resources.requests.storage; }),
  on(['Ingress'], 'required/backend-service-port', (o) => { const backend = o.spec.rules?.[0]?.http?.paths?.[0]?.backend?.service; if (!backend) return false; delete backend.port; return true; }),
  on(['Ingress'], 'required/path-type', (o) => { const path = o.spec.rules?.[0]?.http?.paths?.[0]; if (!path) return false; delete path.pathType; return true; }),
  on(['NetworkPolicy'], 'required/pod-selector-optional-accepted', (o) => { delete o.spec.podSelector; }),
  on(['HorizontalPodAutoscaler'], 'required/max-replicas', (o) => { delete o.spec.maxReplicas; }),
  on(['PersistentVolume'], 'required/capacity', (o) => { delete o.spec.capacity; }),
  on(['StorageClass'], 'required/provisioner', (o) => { delete o.provisioner; }),
  on(['ConfigMap'], 'required/name', (o) => { delete o.metadata.name; }),

  // Label selectors.
  on(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], 'selectors/operator-invalid', (o) => {
    o.spec.selector.matchExpressions = [{ key: 'tier', operator: 'Equals', values: ['web'] }];
  }),
  on(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], 'selectors/in-without-values', (o) => {
    o.spec.selector.matchExpressions = [{ key: 'tier', operator: 'In', values: [] }];
  }),
  on(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], 'selectors/empty', (o) => { o.spec.selector = {}; }),
  on(['NetworkPolicy'], 'selectors/exists-with-values', (o) => {
    o.spec.podSelector = { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['web'] }] };
  }),
  on(['PodDisruptionBudget'], 'selectors/key-invalid', (o) => { o.spec.selector = { matchLabels: { 'bad key': 'x' } }; }),
  on(['Service'], 'selectors/value-invalid', (o) => { o.spec.selector = { ...o.spec.selector, tier: 'a b' }; }),

  // Enums the schema lacks.
  onWorkloads('enums/image-pull-policy', (o) => { container(o).imagePullPolicy = 'Sometimes'; }),
  onWorkloads('enums/protocol-lowercase', (o) => { const ports = container(o).ports; if (!ports?.length) return false; ports[0].protocol = 'tcp'; return true; }),
  on(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], 'enums/restart-policy-never', (o) => { podSpec(o).restartPolicy = 'Never'; }),
  onWorkloads('enums/dns-policy', (o) => { podSpec(o).dnsPolicy = 'Public'; }),
  on(['Service'], 'enums/service-type', (o) => { o.spec.type = 'Internal'; }),
  on(['Service'], 'enums/session-affinity', (o) => { o.spec.sessionAffinity = 'Sticky'; }),
  on(['Ingress'], 'enums/path-type', (o) => { const path = o.spec.rules?.[0]?.http?.paths?.[0]; if (!path) return false; path.pathType = 'Regex'; return true; }),
  on(['Deployment'], 'enums/strategy-type', (o) => { o.spec.strategy = { type: 'BlueGreen' }; }),
  on(['PersistentVolumeClaim'], 'enums/access-mode', (o) => { o.spec.accessModes = ['ReadWriteAll']; }),
  on(['StorageClass'], 'enums/reclaim-policy', (o) => { o.reclaimPolicy = 'Keep'; }),

  // Duplicate list-map keys (server-side apply refuses them).
  onWorkloads('duplicates/env-name', (o) => { container(o).env = [...(container(o).env ?? []), { name: 'DUP', value: 'a' }, { name: 'DUP', value: 'b' }]; }),
  onWorkloads('duplicates/container-port', (o) => { const ports = container(o).ports; if (!ports?.length) return false; ports.push({ ...ports[0], name: 'again' }); return true; }),
  onWorkloads('duplicates/container-name', (o) => { podSpec(o).containers.push({ ...container(o) }); }),
  onWorkloads('duplicates/volume-name', (o) => { podSpec(o).volumes = [...(podSpec(o).volumes ?? []), { name: 'dup', emptyDir: {} }, { name: 'dup', emptyDir: {} }]; }),
  on(['Service'], 'duplicates/service-port', (o) => { o.spec.ports.push({ ...o.spec.ports[0], name: 'again' }); }),
  on(['Service'], 'duplicates/service-port-name', (o) => { o.spec.ports.push({ ...o.spec.ports[0], port: 9999 }); }),

  // Size limits.
  onAll('sizes/annotation-over-256k', (o) => { o.metadata.annotations = { ...o.metadata.annotations, big: 'x'.repeat(262_145) }; }),
  on(['ConfigMap'], 'sizes/configmap-over-1mib', (o) => { o.data = { ...o.data, BIG: 'x'.repeat(1_048_577) }; }),
  on(['Namespace', 'Service'], 'sizes/name-over-63', (o) => { o.metadata.name = `n${'a'.repeat(63)}`; }),

  // Probe and NetworkPolicy ports.
  onWorkloads('ports/probe-port-zero', (o) => { const p = container(o).readinessProbe; if (!p?.httpGet && !p?.tcpSocket) return false; (p.httpGet ?? p.tcpSocket).port = 0; return true; }),
  onWorkloads('ports/probe-port-name-invalid', (o) => { const p = container(o).livenessProbe; if (!p?.httpGet && !p?.tcpSocket) return false; (p.httpGet ?? p.tcpSocket).port = 'http_port'; return true; }),
  on(['NetworkPolicy'], 'ports/named-port-invalid', (o) => networkPolicyPort(o, { protocol: 'TCP', port: 'http_port' })),

  // Pod Security (the namespace enforces restricted at v1.36).
  onWorkloads('pod-security/privileged', (o) => { securityContext(o).privileged = true; }),
  onWorkloads('pod-security/host-network', (o) => { podSpec(o).hostNetwork = true; }),
  onWorkloads('pod-security/capability-added', (o) => { securityContext(o).capabilities = { drop: ['ALL'], add: ['NET_ADMIN'] }; }),
  onWorkloads('pod-security/net-bind-service-accepted', (o) => { securityContext(o).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }; }),
  onWorkloads('pod-security/run-as-root', (o) => { podSecurityContext(o).runAsUser = 0; }),
  onWorkloads('pod-security/seccomp-unconfined', (o) => { podSecurityContext(o).seccompProfile = { type: 'Unconfined' }; }),
  onWorkloads('pod-security/apparmor-unconfined', (o) => { podSecurityContext(o).appArmorProfile = { type: 'Unconfined' }; }),
  onWorkloads('pod-security/apparmor-runtime-default-accepted', (o) => { podSecurityContext(o).appArmorProfile = { type: 'RuntimeDefault' }; }),
  onWorkloads('pod-security/sysctl-unsafe', (o) => { podSecurityContext(o).sysctls = [{ name: 'kernel.msgmax', value: '65536' }]; }),
  onWorkloads('pod-security/sysctl-safe-since-1.29-accepted', (o) => { podSecurityContext(o).sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }]; }),
  onWorkloads('pod-security/selinux-container-engine-accepted', (o) => { podSecurityContext(o).seLinuxOptions = { type: 'container_engine_t' }; }),
  onWorkloads('pod-security/selinux-custom-type', (o) => { podSecurityContext(o).seLinuxOptions = { type: 'spc_t' }; }),
  onWorkloads('pod-security/proc-mount-unmasked', (o) => { securityContext(o).procMount = 'Unmasked'; podSpec(o).hostUsers = false; }),
  onWorkloads('pod-security/host-path', (o) => { podSpec(o).volumes = [...(podSpec(o).volumes ?? []), { name: 'host', hostPath: { path: '/var/run' } }]; }),
  onWorkloads('pod-security/host-port', (o) => { const ports = container(o).ports; if (!ports?.length) return false; ports[0].hostPort = ports[0].containerPort; return true; }),
  onWorkloads('pod-security/image-volume-accepted', (o) => { podSpec(o).volumes = [...(podSpec(o).volumes ?? []), { name: 'model', image: { reference: 'ghcr.io/example/model:1.0' } }]; }),
  onWorkloads('pod-security/escalation-allowed', (o) => { securityContext(o).allowPrivilegeEscalation = true; }),
  onWorkloads('pod-security/run-as-non-root-false', (o) => { securityContext(o).runAsNonRoot = false; }),

  // Unserved versions.
  on(['Deployment'], 'versions/apps-v1beta1', (o) => { o.apiVersion = 'apps/v1beta1'; }),
  on(['Ingress'], 'versions/extensions-v1beta1', (o) => { o.apiVersion = 'extensions/v1beta1'; }),
  on(['PodDisruptionBudget'], 'versions/policy-v1beta1', (o) => { o.apiVersion = 'policy/v1beta1'; }),
  on(['HorizontalPodAutoscaler'], 'versions/autoscaling-v2beta2', (o) => { o.apiVersion = 'autoscaling/v2beta2'; }),
  on(['CronJob'], 'versions/batch-v1beta1', (o) => { o.apiVersion = 'batch/v1beta1'; }),
  on(['HTTPRoute'], 'versions/gateway-v1alpha2-unserved', (o) => { o.apiVersion = 'gateway.networking.k8s.io/v1alpha2'; }),

  // Custom resources (Gateway API, Istio): schema and CEL rules.
  on(['HTTPRoute'], 'crd/path-not-absolute', (o) => { const match = o.spec.rules?.[0]?.matches?.[0]; if (!match?.path) return false; match.path.value = 'api'; return true; }),
  on(['HTTPRoute'], 'crd/backend-port-missing', (o) => { const ref = o.spec.rules?.[0]?.backendRefs?.[0]; if (!ref) return false; delete ref.port; return true; }),
  on(['HTTPRoute'], 'crd/hostname-invalid', (o) => { o.spec.hostnames = ['Todo_Example']; }),
  on(['HTTPRoute'], 'crd/unknown-field', (o) => { o.spec.rules[0].timeoutz = { request: '10s' }; }),
  on(['VirtualService'], 'crd/port-not-number', (o) => { const d = o.spec.http?.[0]?.route?.[0]?.destination; if (!d) return false; d.port = { number: 'http' }; return true; }),
  on(['VirtualService'], 'crd/unknown-field', (o) => { o.spec.http[0].retry = { attempts: 3 }; }),
  on(['Gateway'], 'crd/server-port-missing', (o) => { if (!o.spec.servers?.length) return false; delete o.spec.servers[0].port; return true; }),
];

function networkPolicyPeer(policy: Manifest, peer: Manifest): boolean {
  policy.spec.ingress = [{ from: [peer] }];
  policy.spec.policyTypes = ['Ingress'];
  return true;
}

function networkPolicyPort(policy: Manifest, port: Manifest): boolean {
  policy.spec.ingress = [{ ports: [port] }];
  policy.spec.policyTypes = ['Ingress'];
  return true;
}

/**
 * The base objects: every environment's synthesized objects, moved into `namespace` (cluster-scoped ones get a
 * name of their own), plus a StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, ReplicationController and
 * PodTemplate carrying the production backend's pod template.
 */
export function baseObjects(namespace: string): Array<{ base: string; object: Manifest }> {
  const app = buildApp({ environments: ['all'] });
  const bases: Array<{ base: string; object: Manifest }> = [];
  for (const chart of app.charts) {
    for (const object of Testing.synth(chart) as Manifest[]) {
      const copy = JSON.parse(JSON.stringify(object));
      if (copy.metadata.namespace !== undefined) copy.metadata.namespace = namespace;
      else copy.metadata.name = `${chart.node.id}-${copy.metadata.name}`;
      bases.push({ base: `${copy.kind} ${copy.metadata.name} (${chart.node.id})`, object: copy });
    }
  }
  const backend = bases.find(({ object }) => object.kind === 'Deployment' && /production/.test(JSON.stringify(object.metadata.labels ?? {})) && /backend/.test(object.metadata.name))
    ?? bases.find(({ object }) => object.kind === 'Deployment')!;
  const template = JSON.parse(JSON.stringify(backend.object.spec.template));
  const labels = template.metadata.labels;
  const metadata = (kind: string) => ({ name: `consumer-${kind.toLowerCase()}`, namespace, labels });
  const jobTemplate = () => { const t = JSON.parse(JSON.stringify(template)); t.spec.restartPolicy = 'Never'; return t; };
  const extra: Manifest[] = [
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: metadata('StatefulSet'), spec: { serviceName: 'backend', replicas: 1, selector: { matchLabels: labels }, template } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: metadata('DaemonSet'), spec: { selector: { matchLabels: labels }, template } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: metadata('ReplicaSet'), spec: { replicas: 1, selector: { matchLabels: labels }, template } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: metadata('Job'), spec: { backoffLimit: 2, template: jobTemplate() } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: metadata('CronJob'), spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: jobTemplate() } } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: metadata('Pod'), spec: JSON.parse(JSON.stringify(template.spec)) },
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: metadata('ReplicationController'), spec: { replicas: 1, selector: labels, template } },
    { apiVersion: 'v1', kind: 'PodTemplate', metadata: metadata('PodTemplate'), template },
  ];
  for (const object of extra) bases.push({ base: `${object.kind} ${object.metadata.name} (consumer)`, object });
  return bases;
}

/** Every mutation applied to every base object it fits. */
export function mutants(namespace: string): Mutant[] {
  const result: Mutant[] = [];
  for (const { base, object } of baseObjects(namespace)) {
    for (const mutation of MUTATIONS) {
      if (mutation.kinds !== '*' && !mutation.kinds.includes(object.kind)) continue;
      const copy = JSON.parse(JSON.stringify(object));
      if (mutation.apply(copy) === false) continue;
      result.push({ mutation: mutation.name, base, object: JSON.parse(JSON.stringify(copy)) });
    }
  }
  return result;
}
