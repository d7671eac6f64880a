import { k8s } from './k8s';

/** The user and group a workload's containers run as. */
export interface RunAsOptions {
  /** Numeric user ID; must not be 0. */
  readonly user: number;
  /** Numeric group ID; also the pod's `fsGroup`, so mounted volumes are writable. */
  readonly group: number;
}

/** Pod-level settings that satisfy the Pod Security Standards "restricted" profile. */
export function restrictedPodSecurityContext(runAs: RunAsOptions): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    fsGroup: runAs.group,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level settings that satisfy the Pod Security Standards "restricted" profile. */
export function restrictedContainerSecurityContext(runAs: RunAsOptions): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: runAs.user,
    runAsGroup: runAs.group,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
