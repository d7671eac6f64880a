/**
 * Deliberately bad manifests, sent both to our validation and to the real API server (server-side
 * dry run: schema, strict field validation, CRD rules with CEL, Pod Security admission), which must
 * agree on every one.
 */
import { validateManifests } from '../../lib/validation';
import { LABELS, Manifest, NAMESPACE, namespace, service, workload } from '../validation/helpers';
import { ControlPlane } from './control-plane';

let cluster: ControlPlane;

/** The namespace on the API server enforces the restricted profile, as the app's namespaces do. */
const restrictedNamespace: Manifest = {
  ...namespace(),
  metadata: {
    name: NAMESPACE,
    labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
  },
};

/** A Pod that passes both (the validation tests' compliant one): restricted security context, resources, probes, a pinned image. */
const goodPod = (): Manifest => workload('Pod');

function goodHttpRoute(): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: NAMESPACE, labels: { ...LABELS } },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'gateway-system' }],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'backend', port: 80 }] }],
    },
  };
}

function goodVirtualService(): Manifest {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: NAMESPACE, labels: { ...LABELS } },
    spec: {
      hosts: ['*'],
      gateways: ['web'],
      http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'backend', port: { number: 80 } } }] }],
    },
  };
}

function container(pod: Manifest): Manifest {
  return pod.spec.containers[0];
}

/** Each case: a name and the one bad object. */
const BAD: ReadonlyArray<[string, () => Manifest]> = [
  ['a privileged container', () => { const pod = goodPod(); container(pod).securityContext.privileged = true; return pod; }],
  ['no seccomp profile', () => { const pod = goodPod(); delete pod.spec.securityContext.seccompProfile; return pod; }],
  ['a hostPath volume', () => {
    const pod = goodPod();
    pod.spec.volumes = [{ name: 'host', hostPath: { path: '/var/run' } }];
    container(pod).volumeMounts = [{ name: 'host', mountPath: '/host' }];
    return pod;
  }],
  ['hostNetwork', () => { const pod = goodPod(); pod.spec.hostNetwork = true; return pod; }],
  ['runAsUser 0', () => { const pod = goodPod(); pod.spec.securityContext.runAsUser = 0; return pod; }],
  ['privilege escalation allowed', () => { const pod = goodPod(); container(pod).securityContext.allowPrivilegeEscalation = true; return pod; }],
  ['an added capability', () => { const pod = goodPod(); container(pod).securityContext.capabilities.add = ['NET_ADMIN']; return pod; }],
  ['a host port', () => { const pod = goodPod(); container(pod).ports[0].hostPort = 8080; return pod; }],
  ['a name that is not a DNS label', () => { const pod = goodPod(); pod.metadata.name = 'Web_1'; return pod; }],
  ['an unknown field', () => { const pod = goodPod(); container(pod).imagePullPolicyy = 'Always'; return pod; }],
  ['a malformed quantity', () => { const pod = goodPod(); container(pod).resources.limits.memory = '256MiB'; return pod; }],
  ['a container port out of range', () => { const pod = goodPod(); container(pod).ports[0].containerPort = 70000; return pod; }],
  ['a Service name with a dot', () => service(() => undefined, 'web.v1')],
  ['an Ingress whose host is an IP address', () => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: NAMESPACE, labels: { ...LABELS } },
    spec: { rules: [{ host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'backend', port: { number: 80 } } } }] } }] },
  })],
  ['a Service port out of range', () => service((bad) => { bad.spec.ports[0].port = 0; })],
  ['an HTTPRoute path that is not absolute (CEL rule)', () => {
    const route = goodHttpRoute();
    route.spec.rules[0].matches[0].path.value = 'api';
    return route;
  }],
  ['an HTTPRoute backend port out of range', () => { const route = goodHttpRoute(); route.spec.rules[0].backendRefs[0].port = 0; return route; }],
  ['an HTTPRoute with an unknown field', () => { const route = goodHttpRoute(); route.spec.rules[0].timeout = { request: '10s' }; return route; }],
  ['a VirtualService with an unknown field', () => { const service = goodVirtualService(); service.spec.http[0].retry = { attempts: 3 }; return service; }],
  ['a VirtualService whose port is not a number', () => { const service = goodVirtualService(); service.spec.http[0].route[0].destination.port.number = 'http'; return service; }],
];

const GOOD: ReadonlyArray<[string, () => Manifest]> = [
  ['the restricted Pod', goodPod],
  ['the HTTPRoute', goodHttpRoute],
  ['the VirtualService', goodVirtualService],
];

/** What the API server says of an object: accepted, or rejected with its message. */
function serverVerdict(object: Manifest): { accepted: boolean; message: string } {
  const result = cluster.kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], { input: JSON.stringify(object) });
  return { accepted: result.status === 0 && !result.stderr.includes('Warning'), message: `${result.stdout}${result.stderr}`.trim() };
}

/** Our validation of one object, with what routes point at (a Service and its pods) so cross-object checks see a complete output. */
function ourErrors(object: Manifest): string[] {
  const context = object.kind === 'Pod' ? [restrictedNamespace] : [restrictedNamespace, service(), goodPod()];
  return validateManifests([...context, object], { externalNamespaces: ['gateway-system'] })
    .filter((violation) => violation.severity === 'error')
    .map((violation) => `${violation.rule}: ${violation.message}`);
}

beforeAll(async () => {
  cluster = ControlPlane.start();
  cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(restrictedNamespace) });
  // The ServiceAccount admission plugin refuses pods until the controller manager has created "default".
  await cluster.waitFor('the default ServiceAccount', () => (cluster.kubectl(['-n', NAMESPACE, 'get', 'serviceaccount', 'default']).status === 0 ? true : undefined));
}, 1_800_000);

afterAll(() => cluster?.stop());

test('there are at least 12 bad cases', () => {
  expect(BAD.length).toBeGreaterThanOrEqual(12);
});

test.each(GOOD)('%s: accepted by the API server and by our validation', (_name, make) => {
  expect(serverVerdict(make())).toEqual({ accepted: true, message: expect.any(String) });
  expect(ourErrors(make())).toEqual([]);
});

test.each(BAD)('%s: rejected by the API server and by our validation', (_name, make) => {
  const server = serverVerdict(make());
  expect(server.accepted).toBe(false);
  expect(ourErrors(make())).not.toEqual([]);
});
