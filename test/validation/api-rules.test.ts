/**
 * Checks the API server makes beyond the OpenAPI schema (names, port ranges, Ingress hosts). Each was found
 * missing by sending the same bad manifest to a real API server (test/cluster/admission.test.ts), which
 * runs these cases against kube-apiserver too.
 */
import { validateManifests } from '../../lib/validation';
import { Manifest, baseOutput, deployment, errors, service, violation } from './helpers';

function ingress(host: string): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'app' },
    spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'backend', port: { number: 80 } } } }] } }] },
  };
}

const ruleErrors = (objects: Manifest[], rule: string) => errors(validateManifests(objects)).filter((v) => v.rule === rule);

describe('schema/object-name', () => {
  test.each([
    ['upper case and an underscore in a Deployment', deployment((d) => { d.metadata.name = 'Web_1'; }), 'Deployment app/Web_1'],
    ['a dot in a Service (a DNS label)', service((s) => { s.metadata.name = 'web.v1'; }), 'Service app/web.v1'],
  ])('%s is refused', (_name, object, description) => {
    expect(ruleErrors([...baseOutput(), object], 'schema/object-name')).toEqual([violation('schema/object-name', description, 'metadata.name')]);
  });

  test('a Service name may start with a digit (RelaxedServiceNameValidation, on by default since 1.36), a Deployment may have dots', () => {
    expect(ruleErrors([...baseOutput(), service((s) => { s.metadata.name = '1web'; }), deployment(() => undefined, 'web.v1')], 'schema/object-name')).toEqual([]);
  });
});

describe('schema/port-range', () => {
  test('container and Service ports outside 1-65535 are refused, named ports are not ports', () => {
    const bad = [deployment((d) => { d.spec.template.spec.containers[0].ports[0].containerPort = 70000; }), service((s) => { s.spec.ports[0].port = 0; })];
    expect(ruleErrors([baseOutput()[0], ...bad], 'schema/port-range').map((v) => v.field)).toEqual([
      'spec.template.spec.containers[0].ports[0].containerPort', 'spec.ports[0].port',
    ]);
    expect(ruleErrors(baseOutput(), 'schema/port-range')).toEqual([]);
  });
});

describe('schema/ingress-host', () => {
  test.each(['10.0.0.1', 'fe80::1', 'Todo.Example.com', 'todo_app.example.com'])('%s is refused', (host) => {
    expect(ruleErrors([...baseOutput(), ingress(host)], 'schema/ingress-host')).toEqual([violation('schema/ingress-host', 'Ingress app/web', 'spec.rules[0].host')]);
  });

  test.each(['todo.example.com', '*.example.com', 'localhost'])('%s is accepted', (host) => {
    expect(ruleErrors([...baseOutput(), ingress(host)], 'schema/ingress-host')).toEqual([]);
  });
});
