/**
 * The escape hatch (docs/consumer-guide.md, "Changing what the constructs write"): JSON patches on the exposed
 * objects apply to the final JSON. cdk8s's generated classes apply patches before converting their typed props, so
 * a replaced quantity lost its sibling fields and a misspelled path vanished; one test per documented form.
 */
import { JsonPatch, Testing } from 'cdk8s';
import { FastApiBackend, IngressRoutes, SqlitePersistence } from '../lib';
import { validateManifests } from '../lib/validation';
import { findObject, mainContainer, synth, testChart, thrownMessage } from './util';

function backend() {
  const chart = testChart();
  const api = new FastApiBackend(chart, 'api', { image: 'api:v1' });
  return { chart, api };
}

describe('JSON patches on the exposed objects', () => {
  test('replace keeps the sibling fields (the memory limit; the CPU limit and the requests stay)', () => {
    const { chart, api } = backend();
    api.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources/limits/memory', '1Gi'));
    expect(mainContainer(findObject(synth(chart), 'Deployment', 'api')).resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' },
    });
  });

  test('add writes a field the constructs do not set, where validation and schema checks see it', () => {
    const { chart, api } = backend();
    api.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/hostAliases', [{ ip: '10.0.0.5', hostnames: ['legacy.internal'] }]));
    api.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/resourcez', { typo: true }));
    const deployment = findObject(synth(chart), 'Deployment', 'api');
    expect(deployment.spec.template.spec.hostAliases).toEqual([{ ip: '10.0.0.5', hostnames: ['legacy.internal'] }]);
    expect(mainContainer(deployment).resourcez).toEqual({ typo: true });
    expect(validateManifests(synth(chart)).map((violation) => `${violation.rule} ${violation.field}`))
      .toContain('schema/unknown-field spec.template.spec.containers[0].resourcez');
  });

  test('remove drops a field', () => {
    const { chart, api } = backend();
    api.service.addJsonPatch(JsonPatch.remove('/spec/ports/0/protocol'));
    expect(findObject(synth(chart), 'Service').spec.ports[0]).toEqual({ name: 'http', port: 8000, targetPort: 'http' });
  });

  test('replace or remove at a misspelled path fails synth with the path, instead of vanishing', () => {
    const { chart, api } = backend();
    api.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resourcez/limits/memory', '1Gi'));
    expect(thrownMessage(() => synth(chart))).toContain(
      `Deployment 'test/api/deployment': JSON patch "replace /spec/template/spec/containers/0/resourcez/limits/memory" points at a field the object does not have.`);
  });

  test('add under a missing parent fails synth with the path', () => {
    const { chart, api } = backend();
    api.configMap.addJsonPatch(JsonPatch.add('/metadata/anotations/team', 'core'));
    expect(thrownMessage(() => synth(chart))).toMatch(/ConfigMap 'test\/api\/config': JSON patch "add \/metadata\/anotations\/team" cannot be applied/);
  });

  test('patches work on every construct\'s objects: the claim and the Ingress too', () => {
    const { chart, api } = backend();
    const data = new SqlitePersistence(chart, 'data');
    data.attachTo(api);
    const routes = new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: api }] });
    data.claim!.addJsonPatch(JsonPatch.replace('/spec/resources/requests/storage', '20Gi'));
    routes.ingress!.addJsonPatch(JsonPatch.add('/metadata/annotations', { 'nginx.ingress.kubernetes.io/proxy-body-size': '20m' }));
    const objects = Testing.synth(chart);
    expect(findObject(objects, 'PersistentVolumeClaim').spec.resources).toEqual({ requests: { storage: '20Gi' } });
    expect(findObject(objects, 'Ingress').metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '20m' });
  });
});
