/**
 * Deliberately bad manifests, sent both to our validation and to the real API server (server-side
 * dry run: schema, strict field validation, CRD rules with CEL, Pod Security admission), which must
 * agree on every one.
 */
import { validateManifests } from '../../lib/validation';
import { ControlPlane } from './control-plane';

const NAMESPACE = 'admission-test';
let cluster: ControlPlane;

const namespace = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: NAMESPACE,
    labels: {
      'app.kubernetes.io/name': NAMESPACE,
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    },
  },
};

/** A Pod that passes both: restricted security context, resources, probes, a pinned image. */
function goodPod(): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'web',
        image: 'registry.example/web:v1.2.3',
        ports: [{ name: 'http', containerPort: 8080 }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        livenessProbe: { httpGet: { path: '/health', port: 'http' } },
        readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}

function goodHttpRoute(): any {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'gateway-system' }],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'web', port: 8080 }] }],
    },
  };
}

function goodVirtualService(): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      hosts: ['*'],
      gateways: ['web'],
      http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'web', port: { number: 8080 } } }] }],
    },
  };
}

function container(pod: any): any {
  return pod.spec.containers[0];
}

/** Each case: a name and the one bad object. */
const BAD: ReadonlyArray<[string, () => any]> = [
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
  ['a Service name with a dot', () => ({ ...service, metadata: { ...service.metadata, name: 'web.v1' } })],
  ['an Ingress whose host is an IP address', () => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'web' } },
    spec: { rules: [{ host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } }] },
  })],
  ['a Service port out of range', () => ({ ...service, spec: { ...service.spec, ports: [{ name: 'http', port: 0, targetPort: 'http' }] } })],
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

const GOOD: ReadonlyArray<[string, () => any]> = [
  ['the restricted Pod', goodPod],
  ['the HTTPRoute', goodHttpRoute],
  ['the VirtualService', goodVirtualService],
];

/** What the API server says of an object: accepted, or rejected with its message. */
function serverVerdict(object: any): { accepted: boolean; message: string } {
  const result = cluster.kubectl(['apply', '--dry-run=server', '--validate=strict', '-f', '-'], { input: JSON.stringify(object) });
  return { accepted: result.status === 0 && !result.stderr.includes('Warning'), message: `${result.stdout}${result.stderr}`.trim() };
}

/** What the routes point at, so that our cross-object checks see a complete output. */
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': 'web' } },
  spec: { selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
};

function ourErrors(object: any): string[] {
  const context = object.kind === 'Pod' ? [namespace] : [namespace, service, goodPod()];
  return validateManifests([...context, object], { externalNamespaces: ['gateway-system'] })
    .filter((violation) => violation.severity === 'error')
    .map((violation) => `${violation.rule}: ${violation.message}`);
}

beforeAll(() => {
  cluster = ControlPlane.start();
  cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(namespace) });
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
