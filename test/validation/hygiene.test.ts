import { ValidationOptions, validateManifests } from '../../lib/validation';
import { imageTagProblem } from '../../lib/image-reference';
import { Manifest, baseOutput, container, deployment, errors, namespace, service, violation, warnings, workload } from './helpers';

const C0 = 'spec.template.spec.containers[0]';
const OBJECT = 'Deployment app/backend';

function validate(objects: Manifest[], options: ValidationOptions = {}) {
  return validateManifests(objects, options);
}

function withDeployment(mutate: (deployment: Manifest) => void, options: ValidationOptions = {}) {
  return errors(validate([namespace(), deployment(mutate), service()], options));
}

describe('hygiene: containers', () => {
  test('resources: a container without any resources', () => {
    expect(withDeployment((d) => delete d.spec.template.spec.containers[0].resources)).toEqual([
      violation('hygiene/resources', OBJECT, `${C0}.resources`),
    ]);
  });

  test('resources: each missing cpu/memory request/limit is named', () => {
    expect(withDeployment((d) => {
      d.spec.template.spec.containers[0].resources = { requests: { cpu: '100m' }, limits: { memory: '128Mi' } };
    })).toEqual([
      violation('hygiene/resources', OBJECT, `${C0}.resources.requests.memory`),
      violation('hygiene/resources', OBJECT, `${C0}.resources.limits.cpu`),
    ]);
  });

  test('resources: init containers need them too', () => {
    const init = container('migrate');
    delete init.resources.limits;
    expect(withDeployment((d) => {
      d.spec.template.spec.initContainers = [init];
    })).toEqual([
      violation('hygiene/resources', OBJECT, 'spec.template.spec.initContainers[0].resources.limits.cpu'),
      violation('hygiene/resources', OBJECT, 'spec.template.spec.initContainers[0].resources.limits.memory'),
    ]);
  });

  test('readiness-probe and liveness-probe: required on long-running containers', () => {
    expect(withDeployment((d) => {
      delete d.spec.template.spec.containers[0].readinessProbe;
      delete d.spec.template.spec.containers[0].livenessProbe;
    })).toEqual([
      violation('hygiene/readiness-probe', OBJECT, `${C0}.readinessProbe`),
      violation('hygiene/liveness-probe', OBJECT, `${C0}.livenessProbe`),
    ]);
  });

  test('probes: not required on init containers, Jobs and CronJobs', () => {
    const noProbes = (pod: Manifest) => {
      delete pod.containers[0].readinessProbe;
      delete pod.containers[0].livenessProbe;
    };
    const init = container('migrate');
    delete init.readinessProbe;
    delete init.livenessProbe;
    const objects = [namespace(), deployment((d) => (d.spec.template.spec.initContainers = [init])), service(), workload('Job', noProbes), workload('CronJob', noProbes)];
    expect(errors(validate(objects))).toEqual([]);
  });

  test('image-tag: :latest and untagged images are errors', () => {
    expect(withDeployment((d) => {
      d.spec.template.spec.containers[0].image = 'ghcr.io/example/backend:latest';
      d.spec.template.spec.initContainers = [{ ...container('migrate'), image: 'localhost:5000/backend' }];
    })).toEqual([
      violation('hygiene/image-tag', OBJECT, `${C0}.image`),
      violation('hygiene/image-tag', OBJECT, 'spec.template.spec.initContainers[0].image'),
    ]);
  });

  test('image-tag: allowed where allowLatestImages is set (local environments)', () => {
    expect(withDeployment((d) => (d.spec.template.spec.containers[0].image = 'backend:latest'), { allowLatestImages: true })).toEqual([]);
  });

  test('image-tag: tags and digests count as pinned, registry ports do not', () => {
    expect(imageTagProblem('nginx:1.27')).toBeUndefined();
    expect(imageTagProblem('localhost:5000/app:1.0')).toBeUndefined();
    expect(imageTagProblem('ghcr.io/x/app@sha256:0123456789abcdef')).toBeUndefined();
    expect(imageTagProblem('localhost:5000/app')).toBe('untagged');
    expect(imageTagProblem('nginx')).toBe('untagged');
    expect(imageTagProblem('nginx:latest')).toBe('latest');
  });
});

describe('hygiene: Secrets', () => {
  test('secret-data: a Secret with data or stringData', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'app' }, data: { password: 'c2VjcmV0' }, stringData: { user: 'admin' } };
    expect(errors(validate([...baseOutput(), secret]))).toEqual([
      violation('hygiene/secret-data', 'Secret app/db', 'data'),
      violation('hygiene/secret-data', 'Secret app/db', 'stringData'),
    ]);
  });

  test('secret-data: an empty Secret is fine', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'app' }, type: 'Opaque', data: {} };
    expect(validate([...baseOutput(), secret])).toEqual([]);
  });
});

describe('hygiene: namespaces', () => {
  test('namespace-exists: a namespace the output does not create', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'other' }, data: { a: 'b' } };
    expect(validate([...baseOutput(), configMap])).toEqual([violation('hygiene/namespace-exists', 'ConfigMap other/c', 'metadata.namespace')]);
  });

  test('namespace-exists: documented external namespaces are accepted', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'istio-system' }, data: { a: 'b' } };
    expect(validate([...baseOutput(), configMap], { externalNamespaces: ['istio-system'] })).toEqual([]);
  });

  test('namespace-set: a namespaced object without metadata.namespace; cluster-scoped objects need none', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    const clusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [] };
    expect(validate([...baseOutput(), configMap, clusterRole])).toEqual([violation('hygiene/namespace-set', 'ConfigMap c', 'metadata.namespace')]);
  });

  test('namespace-set: custom resources of the bundled CRDs know their scope', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: {} };
    expect(validate([...baseOutput(), route])).toEqual([violation('hygiene/namespace-set', 'HTTPRoute r', 'metadata.namespace')]);
  });
});

describe('hygiene: Service selectors', () => {
  test('service-selector: a selector that matches no pod template', () => {
    const objects = [namespace(), deployment(), service((s) => (s.spec.selector = { 'app.kubernetes.io/name': 'frontend' }))];
    expect(validate(objects)).toEqual([violation('hygiene/service-selector', 'Service app/backend', 'spec.selector')]);
  });

  test('service-selector: pods in another namespace do not count', () => {
    const objects = [namespace(), namespace('other'), deployment(), service((s) => (s.metadata.namespace = 'other'))];
    expect(validate(objects)).toEqual([violation('hygiene/service-selector', 'Service other/backend', 'spec.selector')]);
  });

  test('service-selector: Services without a selector are not checked', () => {
    expect(validate([...baseOutput(), service((s) => delete s.spec.selector, 'external-db')])).toEqual([]);
  });
});

describe('hygiene: routes point at existing Service ports', () => {
  const ingress = (backend: Manifest): Manifest => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'app' },
    spec: { rules: [{ host: 'app.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: backend } }] } }] },
  });
  const virtualService = (destination: Manifest): Manifest => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: 'app' },
    spec: { hosts: ['app.example.com'], http: [{ route: [{ destination }] }] },
  });
  const httpRoute = (backendRef: Manifest): Manifest => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: 'app' },
    spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [backendRef] }] },
  });
  const PATH = 'spec.rules[0].http.paths[0].backend.service';
  const DEST = 'spec.http[0].route[0].destination';

  test('ingress-backend: existing Service by port number and by port name', () => {
    expect(validate([...baseOutput(), ingress({ name: 'backend', port: { number: 80 } })])).toEqual([]);
    expect(validate([...baseOutput(), ingress({ name: 'backend', port: { name: 'http' } })])).toEqual([]);
  });

  test('ingress-backend: missing Service, wrong port number, wrong port name', () => {
    expect(validate([...baseOutput(), ingress({ name: 'frontend', port: { number: 80 } })])).toEqual([violation('hygiene/ingress-backend', 'Ingress app/web', PATH)]);
    expect(validate([...baseOutput(), ingress({ name: 'backend', port: { number: 8080 } })])).toEqual([violation('hygiene/ingress-backend', 'Ingress app/web', `${PATH}.port.number`)]);
    expect(validate([...baseOutput(), ingress({ name: 'backend', port: { name: 'grpc' } })])).toEqual([violation('hygiene/ingress-backend', 'Ingress app/web', `${PATH}.port.name`)]);
  });

  test.each(['backend', 'backend.app', 'backend.app.svc', 'backend.app.svc.cluster.local'])('virtualservice-destination: host %s resolves to Service app/backend', (host) => {
    expect(validate([...baseOutput(), virtualService({ host, port: { number: 80 } })])).toEqual([]);
    expect(validate([...baseOutput(), virtualService({ host, port: { number: 81 } })])).toEqual([
      violation('hygiene/virtualservice-destination', 'VirtualService app/web', `${DEST}.port.number`),
    ]);
  });

  test('virtualservice-destination: a host naming a missing Service', () => {
    expect(validate([...baseOutput(), virtualService({ host: 'frontend.app.svc.cluster.local', port: { number: 80 } })])).toEqual([
      violation('hygiene/virtualservice-destination', 'VirtualService app/web', `${DEST}.host`),
    ]);
  });

  test('virtualservice-destination: the port may be omitted only for single-port Services', () => {
    expect(validate([...baseOutput(), virtualService({ host: 'backend' })])).toEqual([]);
    const twoPorts = service((s) => s.spec.ports.push({ name: 'metrics', port: 9090, targetPort: 9090 }));
    expect(validate([namespace(), deployment(), twoPorts, virtualService({ host: 'backend' })])).toEqual([
      violation('hygiene/virtualservice-destination', 'VirtualService app/web', `${DEST}.port.number`),
    ]);
  });

  test('virtualservice-external-host: an external host is a warning, not silence', () => {
    const result = validate([...baseOutput(), virtualService({ host: 'api.example.com', port: { number: 443 } })]);
    expect(result).toEqual([violation('hygiene/virtualservice-external-host', 'VirtualService app/web', `${DEST}.host`, 'warning')]);
  });

  test('httproute-backend: existing Service port passes; missing Service and wrong port fail', () => {
    expect(validate([...baseOutput(), httpRoute({ name: 'backend', port: 80 })])).toEqual([]);
    expect(validate([...baseOutput(), httpRoute({ name: 'frontend', port: 80 })])).toEqual([
      violation('hygiene/httproute-backend', 'HTTPRoute app/web', 'spec.rules[0].backendRefs[0]'),
    ]);
    expect(validate([...baseOutput(), httpRoute({ name: 'backend', port: 8080 })])).toEqual([
      violation('hygiene/httproute-backend', 'HTTPRoute app/web', 'spec.rules[0].backendRefs[0].port'),
    ]);
  });

  test('httproute-backend: namespace of the backendRef is honoured', () => {
    const objects = [...baseOutput(), namespace('edge')];
    const route = httpRoute({ name: 'backend', namespace: 'app', port: 80 });
    route.metadata.namespace = 'edge';
    expect(validate([...objects, route])).toEqual([]);
    const wrong = httpRoute({ name: 'backend', port: 80 });
    wrong.metadata.namespace = 'edge';
    expect(validate([...objects, wrong])).toEqual([violation('hygiene/httproute-backend', 'HTTPRoute edge/web', 'spec.rules[0].backendRefs[0]')]);
  });

  test('routes into documented external namespaces are not checked', () => {
    expect(validate([...baseOutput(), virtualService({ host: 'istiod.istio-system.svc.cluster.local', port: { number: 15012 } })], { externalNamespaces: ['istio-system'] })).toEqual([]);
  });
});

describe('options', () => {
  test('skipRules skips a rule by id or a family with /*', () => {
    const bad = [namespace(), deployment((d) => {
      delete d.spec.template.spec.containers[0].readinessProbe;
      d.spec.template.spec.containers[0].image = 'backend:latest';
    }), service()];
    expect(validate(bad, { skipRules: ['hygiene/readiness-probe'] })).toEqual([violation('hygiene/image-tag', OBJECT, `${C0}.image`)]);
    expect(validate(bad, { skipRules: ['hygiene/*'] })).toEqual([]);
  });

  test('warnings are reported with severity warning', () => {
    const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'tls', namespace: 'app' }, spec: {} };
    expect(warnings(validate([...baseOutput(), certificate]))).toHaveLength(1);
  });
});

describe('hygiene/image-reference', () => {
  const withImage = (image: string) => deployment((d) => { d.spec.template.spec.containers[0].image = image; });

  test.each(['UPPER/case:tag', 'ghcr.io/Acme/api:v1', 'api:v1 ', 'https://ghcr.io/acme/api:v1', 'api@sha256:abc'])('%s is refused in every environment, local ones included', (image) => {
    const found = validateManifests([namespace(), withImage(image), service()], { allowLatestImages: true }).filter((v) => v.rule === 'hygiene/image-reference');
    expect(found).toEqual([expect.objectContaining({ field: 'spec.template.spec.containers[0].image', severity: 'error' })]);
    expect(found[0].message).toContain('InvalidImageName');
  });

  test.each(['ghcr.io/acme/api:v1.2.3', 'localhost:5000/team/app:1.0', `registry.example.com/app@sha256:${'a'.repeat(64)}`, 'nginx'])('%s is an image reference', (image) => {
    expect(validateManifests([namespace(), withImage(image), service()], { allowLatestImages: true }).filter((v) => v.rule === 'hygiene/image-reference')).toEqual([]);
  });
});
