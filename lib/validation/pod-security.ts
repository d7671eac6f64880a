/**
 * Pod Security Standards, field by field as https://kubernetes.io/docs/concepts/security/pod-security-standards/
 * and the PodSecurity admission plugin of Kubernetes 1.36 (k8s.io/pod-security-admission/policy) define them, at the
 * level and version the pod's namespace enforces: "baseline", or "restricted" (baseline plus its own controls);
 * "privileged" checks nothing. Every control checks the pod-level fields, containers, initContainers and
 * ephemeralContainers. Controls and allowed values that changed between versions follow the enforced version.
 */
import { asList, asRecord, asString, isRecord } from '../json-access';
import { fieldPath, indexPath } from './paths';
import { ContainerRef, PodTemplateRef, findPodTemplate, listContainers } from './pod-templates';
import { RULES } from './rules';
import { Finding, KubeObject, RuleDefinition } from './types';

/** Capabilities that "baseline" lets containers add (the restricted profile allows only NET_BIND_SERVICE). */
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const RESTRICTED_CAPABILITIES = ['NET_BIND_SERVICE'];
/** Volume sources the restricted profile allows; hostPath has its own control. */
const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
/** Safe sysctls, by the version that allowed them (check_sysctls.go). */
const SAFE_SYSCTLS_SINCE: ReadonlyArray<readonly [number, readonly string[]]> = [
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
];
/** SELinux types allowed, by version (check_seLinuxOptions.go). */
const SELINUX_TYPES_SINCE: ReadonlyArray<readonly [number, readonly string[]]> = [
  [0, ['container_t', 'container_init_t', 'container_kvm_t']],
  [31, ['container_engine_t']],
];
/** The latest Pod Security version this module implements (`latest` means this one). */
export const POD_SECURITY_LATEST_MINOR = 36;

function allowedSince(table: ReadonlyArray<readonly [number, readonly string[]]>, minor: number): string[] {
  return table.filter(([since]) => minor >= since).flatMap(([, values]) => values);
}
const ALLOWED_PROFILE_TYPES = ['RuntimeDefault', 'Localhost'];
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'];

/** What every control needs to know about one pod template. */
interface PodSecurityScope {
  readonly pod: PodTemplateRef;
  /** spec.securityContext (empty when absent) and its path. */
  readonly podContext: Record<string, unknown>;
  readonly podContextPath: string;
  readonly containers: readonly ContainerRef[];
  /** The restricted profile relaxes privilege escalation, seccomp and capabilities for `spec.os.name: windows`. */
  readonly linux: boolean;
  /** The enforced level. */
  readonly level: 'baseline' | 'restricted';
  /** The minor version of the enforced level (`latest` is {@link POD_SECURITY_LATEST_MINOR}). */
  readonly minor: number;
}

/** A container's securityContext (empty when absent) and its path. */
interface ContainerContext {
  readonly ref: ContainerRef;
  readonly context: Record<string, unknown>;
  readonly path: string;
}

type Control = (scope: PodSecurityScope) => Finding[];

/** Each control, the level that has it, and the version it appeared in (k8s.io/pod-security-admission/policy). */
const CONTROLS: ReadonlyArray<readonly [Control, 'baseline' | 'restricted', number]> = [
  [checkHostProcess, 'baseline', 0],
  [checkHostNamespaces, 'baseline', 0],
  [checkPrivileged, 'baseline', 0],
  [checkCapabilitiesAdd, 'baseline', 0],
  [checkCapabilitiesDropAll, 'restricted', 22],
  [checkHostPathVolumes, 'baseline', 0],
  [checkVolumeTypes, 'restricted', 0],
  [checkHostPorts, 'baseline', 0],
  [checkHostProbes, 'baseline', 34],
  [checkAppArmor, 'baseline', 0],
  [checkSeLinux, 'baseline', 0],
  [checkProcMount, 'baseline', 0],
  [checkSeccomp, 'baseline', 0],
  [checkSysctls, 'baseline', 0],
  [checkAllowPrivilegeEscalation, 'restricted', 8],
  [checkRunAsNonRoot, 'restricted', 0],
  [checkRunAsUser, 'restricted', 23],
];

/** The level and version a namespace enforces, from its labels (as PodSecurity admission reads them) or the defaults. */
export interface EnforcedPodSecurity {
  readonly level: 'privileged' | 'baseline' | 'restricted';
  /** `latest` or `v1.<minor>`. */
  readonly version: string;
}

/** Checks the pod template of a workload (or a Pod) against the Pod Security level its namespace enforces. */
export function checkPodSecurity(object: KubeObject, enforced: EnforcedPodSecurity = { level: 'restricted', version: 'latest' }): Finding[] {
  const pod = findPodTemplate(object);
  if (pod === undefined || enforced.level === 'privileged') return [];
  const versionMatch = /^v1\.(\d+)$/.exec(enforced.version);
  const scope: PodSecurityScope = {
    pod,
    podContext: asRecord(pod.spec.securityContext),
    podContextPath: fieldPath(pod.specPath, 'securityContext'),
    containers: listContainers(pod),
    linux: asString(asRecord(pod.spec.os).name) !== 'windows',
    level: enforced.level,
    minor: versionMatch ? Math.min(Number(versionMatch[1]), POD_SECURITY_LATEST_MINOR) : POD_SECURITY_LATEST_MINOR,
  };
  return CONTROLS.filter(([, level, since]) => (level === 'baseline' || scope.level === 'restricted') && scope.minor >= since)
    .flatMap(([control]) => control(scope));
}

function containerContexts(scope: PodSecurityScope): ContainerContext[] {
  return scope.containers.map((ref) => ({ ref, context: asRecord(ref.container.securityContext), path: fieldPath(ref.path, 'securityContext') }));
}

function finding(rule: RuleDefinition, field: string, message: string, fix: string): Finding {
  return { rule, field, message, fix };
}

function checkHostProcess(scope: PodSecurityScope): Finding[] {
  const fix = 'Remove windowsOptions.hostProcess or set it to false.';
  const findings: Finding[] = [];
  if (asRecord(scope.podContext.windowsOptions).hostProcess === true) {
    findings.push(finding(RULES.pssHostProcess, `${scope.podContextPath}.windowsOptions.hostProcess`, 'pod runs Windows HostProcess containers', fix));
  }
  for (const { ref, context, path } of containerContexts(scope)) {
    if (asRecord(context.windowsOptions).hostProcess === true) {
      findings.push(finding(RULES.pssHostProcess, `${path}.windowsOptions.hostProcess`, `${ref.label} is a Windows HostProcess container`, fix));
    }
  }
  return findings;
}

function checkHostNamespaces(scope: PodSecurityScope): Finding[] {
  return HOST_NAMESPACE_FIELDS.filter((field) => scope.pod.spec[field] === true).map((field) =>
    finding(RULES.pssHostNamespaces, fieldPath(scope.pod.specPath, field), `pod shares a host namespace (${field}: true)`, `Remove ${field} or set it to false.`));
}

function checkPrivileged(scope: PodSecurityScope): Finding[] {
  return containerContexts(scope).filter(({ context }) => context.privileged === true).map(({ ref, path }) =>
    finding(RULES.pssPrivileged, `${path}.privileged`, `${ref.label} is privileged`, `Remove securityContext.privileged from ${ref.label} or set it to false.`));
}

function checkCapabilitiesAdd(scope: PodSecurityScope): Finding[] {
  const allowed = scope.linux && scope.level === 'restricted' && scope.minor >= 22 ? RESTRICTED_CAPABILITIES : BASELINE_CAPABILITIES;
  const findings: Finding[] = [];
  for (const { ref, context, path } of containerContexts(scope)) {
    asList(asRecord(context.capabilities).add).forEach((capability, index) => {
      if (typeof capability === 'string' && allowed.includes(capability)) return;
      findings.push(finding(RULES.pssCapabilitiesAdd, indexPath(`${path}.capabilities.add`, index),
        `${ref.label} adds capability ${String(capability)}; only ${allowed.join(', ')} may be added`,
        `Remove ${String(capability)} from securityContext.capabilities.add of ${ref.label}.`));
    });
  }
  return findings;
}

function checkCapabilitiesDropAll(scope: PodSecurityScope): Finding[] {
  if (!scope.linux) return [];
  return containerContexts(scope).filter(({ context }) => !asList(asRecord(context.capabilities).drop).includes('ALL')).map(({ ref, path }) =>
    finding(RULES.pssCapabilitiesDropAll, `${path}.capabilities.drop`, `${ref.label} does not drop ALL capabilities`,
      `Set securityContext.capabilities.drop: ["ALL"] on ${ref.label}.`));
}

function volumes(scope: PodSecurityScope): Array<{ volume: Record<string, unknown>; path: string; name: string }> {
  const volumesPath = fieldPath(scope.pod.specPath, 'volumes');
  return asList(scope.pod.spec.volumes).flatMap((volume, index) =>
    isRecord(volume) ? [{ volume, path: indexPath(volumesPath, index), name: asString(volume.name) ?? `#${index}` }] : []);
}

function checkHostPathVolumes(scope: PodSecurityScope): Finding[] {
  return volumes(scope).filter(({ volume }) => volume.hostPath !== undefined && volume.hostPath !== null).map(({ path, name }) =>
    finding(RULES.pssHostPathVolumes, `${path}.hostPath`, `volume "${name}" mounts a host path`,
      `Replace hostPath in volume "${name}" with emptyDir, a configMap/secret, or a persistentVolumeClaim.`));
}

function checkVolumeTypes(scope: PodSecurityScope): Finding[] {
  const findings: Finding[] = [];
  for (const { volume, path, name } of volumes(scope)) {
    for (const [type, source] of Object.entries(volume)) {
      if (type === 'name' || type === 'hostPath' || source === null || source === undefined || ALLOWED_VOLUME_TYPES.includes(type)) continue;
      findings.push(finding(RULES.pssVolumeTypes, fieldPath(path, type), `volume "${name}" uses the ${type} volume type`,
        `Use one of ${ALLOWED_VOLUME_TYPES.join(', ')} for volume "${name}" (for network storage, a persistentVolumeClaim).`));
    }
  }
  return findings;
}

function checkHostPorts(scope: PodSecurityScope): Finding[] {
  const findings: Finding[] = [];
  for (const ref of scope.containers) {
    asList(ref.container.ports).forEach((port, index) => {
      const hostPort = asRecord(port).hostPort;
      if (hostPort === undefined || hostPort === null || hostPort === 0) return;
      findings.push(finding(RULES.pssHostPorts, `${indexPath(fieldPath(ref.path, 'ports'), index)}.hostPort`,
        `${ref.label} binds host port ${String(hostPort)}`, `Remove hostPort from ${ref.label}; expose the port through a Service instead.`));
    });
  }
  return findings;
}

function checkAppArmor(scope: PodSecurityScope): Finding[] {
  const fix = 'Use the RuntimeDefault or a Localhost AppArmor profile (or leave it unset).';
  const findings: Finding[] = [];
  for (const [key, value] of Object.entries(asRecord(scope.pod.metadata.annotations))) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX) || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'))) continue;
    findings.push(finding(RULES.pssAppArmor, fieldPath(fieldPath(scope.pod.metadataPath, 'annotations'), key),
      `AppArmor profile "${String(value)}" for container "${key.slice(APPARMOR_ANNOTATION_PREFIX.length)}" is not allowed`, 'Set the annotation to runtime/default or localhost/<profile>, or remove it.'));
  }
  const contexts = [{ label: 'pod', context: scope.podContext, path: scope.podContextPath }, ...containerContexts(scope).map(({ ref, context, path }) => ({ label: ref.label, context, path }))];
  for (const { label, context, path } of contexts) {
    const type = asRecord(context.appArmorProfile).type;
    if (type !== undefined && !ALLOWED_PROFILE_TYPES.includes(String(type))) {
      findings.push(finding(RULES.pssAppArmor, `${path}.appArmorProfile.type`, `${label} sets AppArmor profile type ${String(type)}`, fix));
    }
  }
  return findings;
}

function checkSeLinux(scope: PodSecurityScope): Finding[] {
  const contexts = [{ label: 'pod', context: scope.podContext, path: scope.podContextPath }, ...containerContexts(scope).map(({ ref, context, path }) => ({ label: ref.label, context, path }))];
  const findings: Finding[] = [];
  for (const { label, context, path } of contexts) {
    const options = asRecord(context.seLinuxOptions);
    const type = asString(options.type);
    const allowedTypes = allowedSince(SELINUX_TYPES_SINCE, scope.minor);
    if (type !== undefined && type !== '' && !allowedTypes.includes(type)) {
      findings.push(finding(RULES.pssSeLinux, `${path}.seLinuxOptions.type`, `${label} sets SELinux type ${type}`,
        `Use one of ${allowedTypes.join(', ')} or remove seLinuxOptions.type.`));
    }
    for (const field of ['user', 'role']) {
      if (asString(options[field]) === undefined) continue;
      findings.push(finding(RULES.pssSeLinux, `${path}.seLinuxOptions.${field}`, `${label} sets a custom SELinux ${field}`, `Remove seLinuxOptions.${field}.`));
    }
  }
  return findings;
}

/** Probes and lifecycle handlers may not target another host (httpGet.host, tcpSocket.host), since 1.34. */
function checkHostProbes(scope: PodSecurityScope): Finding[] {
  const findings: Finding[] = [];
  for (const ref of scope.containers) {
    const handlers: Array<[string, unknown]> = [
      ['livenessProbe', ref.container.livenessProbe], ['readinessProbe', ref.container.readinessProbe], ['startupProbe', ref.container.startupProbe],
      ['lifecycle.postStart', asRecord(ref.container.lifecycle).postStart], ['lifecycle.preStop', asRecord(ref.container.lifecycle).preStop],
    ];
    for (const [name, handler] of handlers) {
      for (const kind of ['httpGet', 'tcpSocket']) {
        const host = asRecord(asRecord(handler)[kind]).host;
        if (host === undefined || host === '') continue;
        findings.push(finding(RULES.pssHostProbes, `${ref.path}.${name}.${kind}.host`, `${ref.label} ${name} targets host ${String(host)}`,
          `Remove ${name}.${kind}.host from ${ref.label}: probes and lifecycle handlers target the pod itself.`));
      }
    }
  }
  return findings;
}

function checkProcMount(scope: PodSecurityScope): Finding[] {
  return containerContexts(scope).filter(({ context }) => context.procMount !== undefined && context.procMount !== 'Default').map(({ ref, context, path }) =>
    finding(RULES.pssProcMount, `${path}.procMount`, `${ref.label} sets procMount ${String(context.procMount)}`, `Remove procMount from ${ref.label} or set it to Default.`));
}

function checkSeccomp(scope: PodSecurityScope): Finding[] {
  const restricted = scope.level === 'restricted' && scope.minor >= 19 && scope.linux;
  const isAllowed = (type: unknown): boolean => (restricted ? ALLOWED_PROFILE_TYPES.includes(String(type)) : type !== 'Unconfined');
  const fix = 'Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a localhostProfile).';
  const findings: Finding[] = [];
  const podType = asRecord(scope.podContext.seccompProfile).type;
  if (podType !== undefined && !isAllowed(podType)) {
    findings.push(finding(RULES.pssSeccomp, `${scope.podContextPath}.seccompProfile.type`, `pod sets seccomp profile ${String(podType)}`, fix));
  }
  const podCovers = podType !== undefined && isAllowed(podType);
  for (const { ref, context, path } of containerContexts(scope)) {
    const type = asRecord(context.seccompProfile).type;
    if (type !== undefined && !isAllowed(type)) {
      findings.push(finding(RULES.pssSeccomp, `${path}.seccompProfile.type`, `${ref.label} sets seccomp profile ${String(type)}`, fix));
    } else if (type === undefined && !podCovers && restricted) {
      findings.push(finding(RULES.pssSeccomp, `${path}.seccompProfile.type`, `neither the pod nor ${ref.label} sets a RuntimeDefault or Localhost seccomp profile`, fix));
    }
  }
  return findings;
}

function checkSysctls(scope: PodSecurityScope): Finding[] {
  const findings: Finding[] = [];
  asList(scope.podContext.sysctls).forEach((sysctl, index) => {
    const name = asRecord(sysctl).name;
    const safe = allowedSince(SAFE_SYSCTLS_SINCE, scope.minor);
    if (typeof name === 'string' && safe.includes(name)) return;
    findings.push(finding(RULES.pssSysctls, `${indexPath(`${scope.podContextPath}.sysctls`, index)}.name`, `sysctl ${String(name)} is not in the safe set`,
      `Remove it; only ${safe.join(', ')} are allowed.`));
  });
  return findings;
}

function checkAllowPrivilegeEscalation(scope: PodSecurityScope): Finding[] {
  if (!scope.linux) return [];
  return containerContexts(scope).filter(({ context }) => context.allowPrivilegeEscalation !== false).map(({ ref, context, path }) =>
    finding(RULES.pssAllowPrivilegeEscalation, `${path}.allowPrivilegeEscalation`,
      `${ref.label} ${context.allowPrivilegeEscalation === true ? 'sets allowPrivilegeEscalation: true' : 'does not set allowPrivilegeEscalation: false'}`,
      `Set securityContext.allowPrivilegeEscalation: false on ${ref.label}.`));
}

function checkRunAsNonRoot(scope: PodSecurityScope): Finding[] {
  const fix = 'Set spec.securityContext.runAsNonRoot: true on the pod (and run the image as a non-root user).';
  const findings: Finding[] = [];
  const podValue = scope.podContext.runAsNonRoot;
  if (podValue === false) findings.push(finding(RULES.pssRunAsNonRoot, `${scope.podContextPath}.runAsNonRoot`, 'pod sets runAsNonRoot: false', fix));
  for (const { ref, context, path } of containerContexts(scope)) {
    if (context.runAsNonRoot === false) {
      findings.push(finding(RULES.pssRunAsNonRoot, `${path}.runAsNonRoot`, `${ref.label} sets runAsNonRoot: false`, fix));
    } else if (context.runAsNonRoot !== true && podValue !== true) {
      findings.push(finding(RULES.pssRunAsNonRoot, `${path}.runAsNonRoot`, `neither the pod nor ${ref.label} sets runAsNonRoot: true`, fix));
    }
  }
  return findings;
}

function checkRunAsUser(scope: PodSecurityScope): Finding[] {
  const fix = 'Set runAsUser to a non-zero UID (or leave it unset and run a non-root image).';
  const findings: Finding[] = [];
  if (scope.podContext.runAsUser === 0) findings.push(finding(RULES.pssRunAsUser, `${scope.podContextPath}.runAsUser`, 'pod runs as UID 0 (root)', fix));
  for (const { ref, context, path } of containerContexts(scope)) {
    if (context.runAsUser === 0) findings.push(finding(RULES.pssRunAsUser, `${path}.runAsUser`, `${ref.label} runs as UID 0 (root)`, fix));
  }
  return findings;
}
