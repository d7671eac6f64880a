import { validateManifests } from '../../lib/validation';
import { Manifest, baseOutput, deployment, errors, namespace, violation, warnings } from './helpers';

const EXTERNAL = { externalNamespaces: ['istio-system'] };

function validate(objects: Manifest[]) {
  return validateManifests(objects, EXTERNAL);
}

describe('schema: Kubernetes kinds (kubernetes-models + Kubernetes 1.28 field names)', () => {
  test('the compliant base output has no violations at all', () => {
    expect(validate(baseOutput())).toEqual([]);
  });

  test('a misspelled field (spec.replica) is an unknown-field error with a suggestion', () => {
    const bad = deployment((d) => {
      d.spec.replica = d.spec.replicas;
      delete d.spec.replicas;
    });
    const result = errors(validate([namespace(), bad]));
    expect(result).toEqual([violation('schema/unknown-field', 'Deployment app/backend', 'spec.replica')]);
    expect(result[0].message).toContain('did you mean "replicas"?');
  });

  test('a misspelled nested field inside a container is reported with its full path', () => {
    const bad = deployment((d) => {
      d.spec.template.spec.containers[0].securityContext.runAsNonroot = true;
    });
    expect(errors(validate([namespace(), bad]))).toEqual([
      violation('schema/unknown-field', 'Deployment app/backend', 'spec.template.spec.containers[0].securityContext.runAsNonroot'),
    ]);
  });

  test('unknown keys inside label maps are allowed, unknown metadata fields are not', () => {
    const bad = deployment((d) => {
      d.metadata.labels['any.example.com/key'] = 'x';
      d.metadata.label = { a: 'b' };
    });
    expect(errors(validate([namespace(), bad]))).toEqual([violation('schema/unknown-field', 'Deployment app/backend', 'metadata.label')]);
  });

  test('a value of the wrong type is a schema/invalid error', () => {
    const bad = deployment((d) => {
      d.spec.template.spec.containers[0].ports[0].containerPort = '8000';
    });
    const result = errors(validate([namespace(), bad]));
    expect(result).toEqual([violation('schema/invalid', 'Deployment app/backend', 'spec.template.spec.containers[0].ports[0].containerPort')]);
    expect(result[0].message).toBe('must be integer (got "8000")');
  });

  test('a missing required field is reported at the field that is missing', () => {
    const bad = deployment((d) => {
      delete d.spec.selector;
    });
    expect(errors(validate([namespace(), bad]))).toEqual([violation('schema/invalid', 'Deployment app/backend', 'spec.selector')]);
  });

  test('an IntOrString of the wrong type gives one readable error', () => {
    const objects = baseOutput();
    objects[2].spec.ports[0].targetPort = true;
    const result = errors(validate(objects));
    expect(result).toEqual([violation('schema/invalid', 'Service app/backend', 'spec.ports[0].targetPort')]);
    expect(result[0].message).toBe('must be string or integer (got true)');
  });

  test('an enum value outside the allowed set is reported', () => {
    const objects = baseOutput();
    objects[2].spec.type = 'Loadbalancer';
    expect(errors(validate(objects))).toEqual([violation('schema/invalid', 'Service app/backend', 'spec.type')]);
  });

  test('a kind that does not exist in a built-in group is an error, not a warning', () => {
    const bad = deployment((d) => {
      d.kind = 'Deploymnet';
    });
    const result = validate([namespace(), bad]);
    expect(result).toEqual([violation('schema/unknown-kind', 'Deploymnet app/backend', 'kind')]);
  });

  test('a kind that Kubernetes 1.28 does not serve is an error', () => {
    const result = validate([{ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'old', namespace: 'app' }, spec: {} }, namespace()]);
    expect(result).toEqual([violation('schema/unknown-kind', 'Ingress app/old', 'apiVersion')]);
  });

  test('missing apiVersion, kind or metadata.name is an error', () => {
    expect(validate([{ kind: 'ConfigMap', metadata: { name: 'c', namespace: 'app' } }, namespace()])).toEqual([
      violation('schema/type-meta', 'ConfigMap app/c', 'apiVersion'),
    ]);
    expect(validate([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'app' } }, namespace()])).toEqual([
      violation('schema/type-meta', 'ConfigMap app/<unnamed>', 'metadata.name'),
    ]);
  });

  test('a document that is not an object is an error; empty documents are ignored', () => {
    expect(validateManifests([null, 'text', ...baseOutput()])).toEqual([violation('schema/not-an-object', '(document 2)', '')]);
  });
});

describe('schema: Istio and Gateway API (bundled CRD schemas)', () => {
  const virtualService = (): Manifest => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'backend', namespace: 'app' },
    spec: { hosts: ['app.example.com'], http: [{ route: [{ destination: { host: 'backend', port: { number: 80 } } }] }] },
  });
  const httpRoute = (): Manifest => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'backend', namespace: 'app' },
    spec: { parentRefs: [{ name: 'web', namespace: 'istio-system' }], rules: [{ backendRefs: [{ name: 'backend', port: 80 }] }] },
  });

  test('valid Istio and Gateway API objects pass', () => {
    expect(validate([...baseOutput(), virtualService(), httpRoute()])).toEqual([]);
  });

  test('an Istio VirtualService with a wrongly typed field is caught', () => {
    const bad = virtualService();
    bad.spec.http[0].route[0].destination.port.number = 'eighty';
    const result = errors(validate([...baseOutput(), bad]));
    expect(result).toContainEqual(violation('schema/invalid', 'VirtualService app/backend', 'spec.http[0].route[0].destination.port.number'));
  });

  test('an Istio VirtualService with an unknown field is caught (v1beta1 too)', () => {
    const bad = virtualService();
    bad.apiVersion = 'networking.istio.io/v1beta1';
    bad.spec.http[0].routes = bad.spec.http[0].route;
    expect(errors(validate([...baseOutput(), bad]))).toEqual([violation('schema/unknown-field', 'VirtualService app/backend', 'spec.http[0].routes')]);
  });

  test('an Istio DestinationRule and Gateway are schema-checked', () => {
    const destinationRule = {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'DestinationRule',
      metadata: { name: 'backend', namespace: 'app' },
      spec: { host: 'backend', trafficPolicy: { tls: { mode: 'ISTIO_MUTUALL' } } },
    };
    const gateway = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'web', namespace: 'app' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: '*' }] } };
    expect(errors(validate([...baseOutput(), destinationRule, gateway]))).toEqual([
      violation('schema/invalid', 'DestinationRule app/backend', 'spec.trafficPolicy.tls.mode'),
      violation('schema/invalid', 'Gateway app/web', 'spec.servers[0].hosts'),
    ]);
  });

  test('a Gateway API HTTPRoute with a schema error is caught', () => {
    const bad = httpRoute();
    bad.spec.rules[0].backendRefs[0].port = 70000;
    bad.spec.rules[0].matches = [{ path: { type: 'Prefix', value: '/' } }];
    expect(errors(validate([...baseOutput(), bad]))).toEqual([
      violation('schema/invalid', 'HTTPRoute app/backend', 'spec.rules[0].backendRefs[0].port'),
      violation('schema/invalid', 'HTTPRoute app/backend', 'spec.rules[0].matches[0].path.type'),
      violation('schema/cel-rule', 'HTTPRoute app/backend', 'spec.rules[0].matches[0].path'),
      violation('hygiene/httproute-backend', 'HTTPRoute app/backend', 'spec.rules[0].backendRefs[0].port'),
    ]);
  });

  test.each([
    ['a relative path', { type: 'PathPrefix', value: 'api' }, "value must be an absolute path and start with '/'"],
    ['a double slash', { type: 'Exact', value: '/api//v1' }, "must not contain '//'"],
    ['a fragment', { type: 'PathPrefix', value: '/api#top' }, "must not contain '#'"],
  ])('the CEL rules of the CRD are evaluated: %s in an HTTPRoute path is refused, as the API server does', (_name, path, message) => {
    const bad = httpRoute();
    bad.spec.rules[0].matches = [{ path }];
    const found = errors(validate([...baseOutput(), bad]));
    expect(new Set(found.map((v) => `${v.rule} ${v.field}`))).toEqual(new Set(['schema/cel-rule spec.rules[0].matches[0].path']));
    expect(found.some((v) => v.message.includes(message))).toBe(true);
  });

  test('CEL rules that hold report nothing, and update-only rules (oldSelf) are not applied to a new object', () => {
    expect(errors(validate([...baseOutput(), httpRoute()]))).toEqual([]);
  });

  test('a Gateway API Gateway and GatewayClass are schema-checked; GatewayClass is cluster-scoped', () => {
    const gatewayClass = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'istio' }, spec: { controllerName: 'istio.io/gateway-controller' } };
    const gateway = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'web', namespace: 'app' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', hostnam: 'x' }] },
    };
    expect(validate([...baseOutput(), gatewayClass, gateway])).toEqual([violation('schema/unknown-field', 'Gateway app/web', 'spec.listeners[0].hostnam')]);
  });

  test('metadata of custom resources is checked too', () => {
    const bad = virtualService();
    bad.metadata.labels = { team: 7 };
    expect(errors(validate([...baseOutput(), bad]))).toEqual([violation('schema/invalid', 'VirtualService app/backend', 'metadata.labels.team')]);
  });

  test('an unknown CRD kind yields a schema/not-checked warning, never silence', () => {
    const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'tls', namespace: 'app' }, spec: { secretName: 'tls' } };
    const result = validate([...baseOutput(), certificate]);
    expect(result).toEqual([violation('schema/not-checked', 'Certificate app/tls', 'apiVersion', 'warning')]);
    expect(errors(result)).toEqual([]);
  });

  test('a bundled CRD kind in a version its CRD does not serve is refused, as the API server does (no matches for kind)', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'HTTPRoute', metadata: { name: 'web', namespace: 'app' }, spec: {} };
    const result = validate([...baseOutput(), route]);
    expect(result).toEqual([violation('schema/unknown-kind', 'HTTPRoute app/web', 'apiVersion')]);
    expect(result[0].message).toBe('gateway.networking.k8s.io/v1alpha2 HTTPRoute is not served by the bundled CRDs (kubernetes-sigs/gateway-api v1.3.0)');
    expect(result[0].fix).toBe('Use an apiVersion the CRD serves: gateway.networking.k8s.io/v1 or gateway.networking.k8s.io/v1beta1.');
  });

  test('an Istio kind without a bundled schema (ServiceEntry) is reported as not checked', () => {
    const serviceEntry = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'ext', namespace: 'app' }, spec: { hosts: ['example.com'] } };
    const result = warnings(validate([...baseOutput(), serviceEntry]));
    expect(result).toEqual([violation('schema/not-checked', 'ServiceEntry app/ext', 'apiVersion', 'warning')]);
    expect(result[0].message).toContain('networking.istio.io/v1 VirtualService');
  });
});
