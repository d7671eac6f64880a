import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../lib/pod-security';

describe('Pod Security "restricted" contexts', () => {
  test('the pod context runs as the given non-root user and group, with fsGroup and RuntimeDefault seccomp', () => {
    expect(restrictedPodSecurityContext({ user: 1000, group: 2000 })).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 2000,
      fsGroup: 2000,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('the container context drops every capability, forbids escalation and keeps the root filesystem read-only', () => {
    expect(restrictedContainerSecurityContext({ user: 101, group: 101 })).toEqual({
      runAsNonRoot: true,
      runAsUser: 101,
      runAsGroup: 101,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });
});
