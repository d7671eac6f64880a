/**
 * Pod Security Standards, profile "restricted" (which includes "baseline"), field by field as
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ defines it, for a
 * Kubernetes 1.28 cluster. Every control checks the pod-level fields, containers,
 * initContainers and ephemeralContainers.
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
const ALLOWED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** Safe sysctls as of Kubernetes 1.28 (the tcp_keepalive/fin_timeout ones only from 1.29). */
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports'];
/** SELinux types allowed as of Kubernetes 1.28 (container_engine_t only from 1.31). */
const ALLOWED_SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t'];
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
}

/** A container's securityContext (empty when absent) and its path. */
interface ContainerContext {
  readonly ref: ContainerRef;
  readonly context: Record<string, unknown>;
  readonly path: string;
}

type Control = (scope: PodSecurityScope) => Finding[];

const CONTROLS: readonly Control[] = [
  checkHostProcess,
  checkHostNamespaces,
  checkPrivileged,
  checkCapabilitiesAdd,
  checkCapabilitiesDropAll,
  checkHostPathVolumes,
  checkVolumeTypes,
  checkHostPorts,
  checkAppArmor,
  checkSeLinux,
  checkProcMount,
  checkSeccomp,
  checkSysctls,
  checkAllowPrivilegeEscalation,
  checkRunAsNonRoot,
  checkRunAsUser,
];

/** Checks the pod template of a workload (or a Pod) against the restricted Pod Security Standard. */
export function checkPodSecurity(object: KubeObject): Finding[] {
  const pod = findPodTemplate(object);
  if (pod === undefined) return [];
  const scope: PodSecurityScope = {
    pod,
    podContext: asRecord(pod.spec.securityContext),
    podContextPath: fieldPath(pod.specPath, 'securityContext'),
    containers: listContainers(pod),
    linux: asString(asRecord(pod.spec.os).name) !== 'windows',
  };
  return CONTROLS.flatMap((control) => control(scope));
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
  const allowed = scope.linux ? RESTRICTED_CAPABILITIES : BASELINE_CAPABILITIES;
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
    if (type !== undefined && !ALLOWED_SELINUX_TYPES.includes(type)) {
      findings.push(finding(RULES.pssSeLinux, `${path}.seLinuxOptions.type`, `${label} sets SELinux type ${type}`,
        `Use one of ${ALLOWED_SELINUX_TYPES.join(', ')} or remove seLinuxOptions.type.`));
    }
    for (const field of ['user', 'role']) {
      if (asString(options[field]) === undefined) continue;
      findings.push(finding(RULES.pssSeLinux, `${path}.seLinuxOptions.${field}`, `${label} sets a custom SELinux ${field}`, `Remove seLinuxOptions.${field}.`));
    }
  }
  return findings;
}

function checkProcMount(scope: PodSecurityScope): Finding[] {
  return containerContexts(scope).filter(({ context }) => context.procMount !== undefined && context.procMount !== 'Default').map(({ ref, context, path }) =>
    finding(RULES.pssProcMount, `${path}.procMount`, `${ref.label} sets procMount ${String(context.procMount)}`, `Remove procMount from ${ref.label} or set it to Default.`));
}

function checkSeccomp(scope: PodSecurityScope): Finding[] {
  const isAllowed = (type: unknown): boolean => (scope.linux ? ALLOWED_PROFILE_TYPES.includes(String(type)) : type !== 'Unconfined');
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
    } else if (type === undefined && !podCovers && scope.linux) {
      findings.push(finding(RULES.pssSeccomp, `${path}.seccompProfile.type`, `neither the pod nor ${ref.label} sets a RuntimeDefault or Localhost seccomp profile`, fix));
    }
  }
  return findings;
}

function checkSysctls(scope: PodSecurityScope): Finding[] {
  const findings: Finding[] = [];
  asList(scope.podContext.sysctls).forEach((sysctl, index) => {
    const name = asRecord(sysctl).name;
    if (typeof name === 'string' && SAFE_SYSCTLS.includes(name)) return;
    findings.push(finding(RULES.pssSysctls, `${indexPath(`${scope.podContextPath}.sysctls`, index)}.name`, `sysctl ${String(name)} is not in the safe set`,
      `Remove it; only ${SAFE_SYSCTLS.join(', ')} are allowed.`));
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
