import { validateManifests } from '../../lib/validation';
import { Manifest, container, deployment, errors, namespace, service, violation, workload } from './helpers';

const POD = 'spec.template.spec';
const C0 = `${POD}.containers[0]`;
const OBJECT = 'Deployment app/backend';

/** Validates a Deployment whose pod spec `mutate` breaks, and returns only the pss-restricted errors. */
function pssErrors(mutate: (pod: Manifest) => void) {
  return pssOf([namespace(), deployment((d) => mutate(d.spec.template.spec)), service()]);
}

function pssOf(objects: Manifest[]) {
  return errors(validateManifests(objects)).filter((v) => v.rule.startsWith('pss-restricted/'));
}

describe('Pod Security Standards (restricted), one control at a time', () => {
  test('compliant pods of every workload kind pass', () => {
    const kinds = ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'] as const;
    expect(errors(validateManifests([namespace(), deployment(), service(), ...kinds.map((kind) => workload(kind))]))).toEqual([]);
  });

  test('host-process: Windows HostProcess at pod and container level', () => {
    expect(pssErrors((pod) => {
      pod.securityContext.windowsOptions = { hostProcess: true };
      pod.containers[0].securityContext.windowsOptions = { hostProcess: true };
    })).toEqual([
      violation('pss-restricted/host-process', OBJECT, `${POD}.securityContext.windowsOptions.hostProcess`),
      violation('pss-restricted/host-process', OBJECT, `${C0}.securityContext.windowsOptions.hostProcess`),
    ]);
  });

  test('host-namespaces: hostNetwork, hostPID, hostIPC', () => {
    expect(pssErrors((pod) => {
      pod.hostNetwork = true;
      pod.hostPID = true;
      pod.hostIPC = false;
    })).toEqual([
      violation('pss-restricted/host-namespaces', OBJECT, `${POD}.hostNetwork`),
      violation('pss-restricted/host-namespaces', OBJECT, `${POD}.hostPID`),
    ]);
  });

  test('privileged: a privileged container', () => {
    expect(pssErrors((pod) => {
      pod.containers[0].securityContext.privileged = true;
    })).toEqual([violation('pss-restricted/privileged', OBJECT, `${C0}.securityContext.privileged`)]);
  });

  test('capabilities-add: only NET_BIND_SERVICE may be added back', () => {
    expect(pssErrors((pod) => {
      pod.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'CHOWN', 'SYS_ADMIN'];
    })).toEqual([
      violation('pss-restricted/capabilities-add', OBJECT, `${C0}.securityContext.capabilities.add[1]`),
      violation('pss-restricted/capabilities-add', OBJECT, `${C0}.securityContext.capabilities.add[2]`),
    ]);
  });

  test('capabilities-drop-all: capabilities.drop must include ALL', () => {
    expect(pssErrors((pod) => {
      pod.containers[0].securityContext.capabilities.drop = ['NET_RAW'];
    })).toEqual([violation('pss-restricted/capabilities-drop-all', OBJECT, `${C0}.securityContext.capabilities.drop`)]);
  });

  test('host-path-volumes: hostPath volumes are forbidden', () => {
    expect(pssErrors((pod) => {
      pod.volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }];
    })).toEqual([violation('pss-restricted/host-path-volumes', OBJECT, `${POD}.volumes[0].hostPath`)]);
  });

  test('volume-types: only the restricted allow-list of volume types', () => {
    expect(pssErrors((pod) => {
      pod.volumes = [
        { name: 'ok', emptyDir: {} },
        { name: 'ok2', projected: { sources: [] } },
        { name: 'share', nfs: { server: 'nfs.example.com', path: '/export' } },
        { name: 'repo', gitRepo: { repository: 'https://example.com/repo.git' } },
      ];
    })).toEqual([
      violation('pss-restricted/volume-types', OBJECT, `${POD}.volumes[2].nfs`),
      violation('pss-restricted/volume-types', OBJECT, `${POD}.volumes[3].gitRepo`),
    ]);
  });

  test('host-ports: hostPort must be unset or 0', () => {
    expect(pssErrors((pod) => {
      pod.containers[0].ports = [{ containerPort: 8000, hostPort: 0 }, { containerPort: 9000, hostPort: 9000 }];
    })).toEqual([violation('pss-restricted/host-ports', OBJECT, `${C0}.ports[1].hostPort`)]);
  });

  test('apparmor: annotation and appArmorProfile may not be unconfined', () => {
    const result = pssOf([namespace(), deployment((d) => {
      d.spec.template.metadata.annotations = {
        'container.apparmor.security.beta.kubernetes.io/api': 'unconfined',
        'container.apparmor.security.beta.kubernetes.io/other': 'localhost/my-profile',
      };
      d.spec.template.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' };
    })]);
    expect(result).toEqual([
      violation('pss-restricted/apparmor', OBJECT, 'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/api"]'),
      violation('pss-restricted/apparmor', OBJECT, `${C0}.securityContext.appArmorProfile.type`),
    ]);
  });

  test('selinux: restricted type, no custom user or role', () => {
    expect(pssErrors((pod) => {
      pod.securityContext.seLinuxOptions = { type: 'spc_t', level: 's0:c123,c456' };
      pod.containers[0].securityContext.seLinuxOptions = { type: 'container_t', user: 'system_u', role: 'system_r' };
    })).toEqual([
      violation('pss-restricted/selinux', OBJECT, `${POD}.securityContext.seLinuxOptions.type`),
      violation('pss-restricted/selinux', OBJECT, `${C0}.securityContext.seLinuxOptions.user`),
      violation('pss-restricted/selinux', OBJECT, `${C0}.securityContext.seLinuxOptions.role`),
    ]);
  });

  test('proc-mount: procMount must be Default', () => {
    expect(pssErrors((pod) => {
      pod.containers[0].securityContext.procMount = 'Unmasked';
    })).toEqual([violation('pss-restricted/proc-mount', OBJECT, `${C0}.securityContext.procMount`)]);
  });

  test('seccomp: missing at both pod and container level', () => {
    expect(pssErrors((pod) => {
      delete pod.securityContext.seccompProfile;
    })).toEqual([violation('pss-restricted/seccomp', OBJECT, `${C0}.securityContext.seccompProfile.type`)]);
  });

  test('seccomp: container-level RuntimeDefault/Localhost is enough; Unconfined is not', () => {
    expect(pssErrors((pod) => {
      delete pod.securityContext.seccompProfile;
      pod.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/app.json' };
    })).toEqual([]);
    expect(pssErrors((pod) => {
      pod.containers[0].securityContext.seccompProfile = { type: 'Unconfined' };
    })).toEqual([violation('pss-restricted/seccomp', OBJECT, `${C0}.securityContext.seccompProfile.type`)]);
  });

  test('sysctls: only the safe set', () => {
    expect(pssErrors((pod) => {
      pod.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'kernel.msgmax', value: '65536' }];
    })).toEqual([violation('pss-restricted/sysctls', OBJECT, `${POD}.securityContext.sysctls[1].name`)]);
  });

  test('allow-privilege-escalation: must be explicitly false', () => {
    expect(pssErrors((pod) => {
      delete pod.containers[0].securityContext.allowPrivilegeEscalation;
    })).toEqual([violation('pss-restricted/allow-privilege-escalation', OBJECT, `${C0}.securityContext.allowPrivilegeEscalation`)]);
  });

  test('run-as-non-root: pod-level true covers containers; container false is a violation', () => {
    expect(pssErrors((pod) => {
      delete pod.securityContext.runAsNonRoot;
    })).toEqual([violation('pss-restricted/run-as-non-root', OBJECT, `${C0}.securityContext.runAsNonRoot`)]);
    expect(pssErrors((pod) => {
      pod.containers[0].securityContext.runAsNonRoot = false;
    })).toEqual([violation('pss-restricted/run-as-non-root', OBJECT, `${C0}.securityContext.runAsNonRoot`)]);
  });

  test('run-as-user: UID 0 at pod or container level', () => {
    expect(pssErrors((pod) => {
      pod.securityContext.runAsUser = 0;
      pod.containers[0].securityContext.runAsUser = 0;
    })).toEqual([
      violation('pss-restricted/run-as-user', OBJECT, `${POD}.securityContext.runAsUser`),
      violation('pss-restricted/run-as-user', OBJECT, `${C0}.securityContext.runAsUser`),
    ]);
  });

  test('Windows pods are exempt from the Linux-only controls, not from the others', () => {
    expect(pssErrors((pod) => {
      pod.os = { name: 'windows' };
      delete pod.securityContext.seccompProfile;
      pod.containers[0].securityContext = { runAsNonRoot: true, privileged: true };
    })).toEqual([violation('pss-restricted/privileged', OBJECT, `${C0}.securityContext.privileged`)]);
  });
});

describe('Pod Security Standards cover every container list and workload kind', () => {
  test('initContainers are checked', () => {
    const init = container('migrate');
    init.securityContext.allowPrivilegeEscalation = true;
    expect(pssErrors((pod) => {
      pod.initContainers = [init];
    })).toEqual([violation('pss-restricted/allow-privilege-escalation', OBJECT, `${POD}.initContainers[0].securityContext.allowPrivilegeEscalation`)]);
  });

  test('ephemeralContainers are checked', () => {
    expect(pssErrors((pod) => {
      pod.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] } } }];
    })).toEqual([violation('pss-restricted/capabilities-add', OBJECT, `${POD}.ephemeralContainers[0].securityContext.capabilities.add[0]`)]);
  });

  test.each([
    ['CronJob', 'CronJob app/cronjob', 'spec.jobTemplate.spec.template.spec'],
    ['Job', 'Job app/job', 'spec.template.spec'],
    ['StatefulSet', 'StatefulSet app/statefulset', 'spec.template.spec'],
    ['DaemonSet', 'DaemonSet app/daemonset', 'spec.template.spec'],
    ['ReplicaSet', 'ReplicaSet app/replicaset', 'spec.template.spec'],
    ['Pod', 'Pod app/pod', 'spec'],
  ] as const)('%s: privileged container is found at its own path', (kind, object, podPath) => {
    const bad = workload(kind, (pod) => {
      pod.containers[0].securityContext.privileged = true;
    });
    expect(pssOf([namespace(), bad])).toEqual([violation('pss-restricted/privileged', object, `${podPath}.containers[0].securityContext.privileged`)]);
  });
});
