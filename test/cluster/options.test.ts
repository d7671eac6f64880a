/**
 * The constructs' wider options on a real API server (strict field validation, admission, controllers):
 * the consumer example (another team's app using them), the Istio routes with TLS, and the real-AI synth setting.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { STAGING, ShopChart } from '../../examples/consumer-app/main';
import { ENVIRONMENTS, environmentChart } from '../../app';
import { ControlPlane, synth } from './control-plane';

let cluster: ControlPlane;

beforeAll(() => {
  cluster = ControlPlane.start();
}, 1_800_000);

afterAll(() => cluster?.stop());

test('the consumer example, which uses the wider options, is applied with strict validation, no warning, and rolls out', () => {
  const namespace = STAGING.namespace;
  const applied = cluster.kubectl(['apply', '--validate=strict', '-f', '-'], { input: Yaml.stringify(...new ShopChart(new App(), STAGING).toJson()) });
  expect(applied.stderr).toBe('');
  expect(applied.status).toBe(0);
  for (const deployment of ['api', 'worker-api', 'site']) {
    expect(cluster.kubectlOk(['-n', namespace, 'rollout', 'status', `deployment/${deployment}`, '--timeout=120s'])).toContain('successfully rolled out');
  }
  const api = cluster.getJson(['deployment', 'api', '-n', namespace]).spec.template.spec;
  expect(api.serviceAccountName).toBe('shop-api');
  expect(api.terminationGracePeriodSeconds).toBe(40);
  expect(api.topologySpreadConstraints).toHaveLength(1);
  expect(cluster.getJson(['pdb', 'api', '-n', namespace]).spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
});

test('Istio routing with TLS: an HTTPS server with the credential and an HTTP server that only redirects', () => {
  const chart = environmentChart(new App(), ENVIRONMENTS['local-istio'], { ingress: { hostname: 'todo.localhost', tls: true, tlsSecretName: 'todo-tls' } });
  const applied = cluster.kubectl(['apply', '--validate=strict', '-f', '-'], { input: Yaml.stringify(...chart.toJson()) });
  expect(applied.stderr).toBe('');
  expect(applied.status).toBe(0);
  const servers = cluster.getJson(['gateways.networking.istio.io', '-n', 'todo-local-istio']).items[0].spec.servers;
  expect(servers.map((server: any) => [server.port.protocol, server.tls])).toEqual([
    ['HTTP', { httpsRedirect: true }],
    ['HTTPS', { mode: 'SIMPLE', credentialName: 'todo-tls' }],
  ]);
});

test('TODO_AI_MODE=real with MODEL_SERVER_URL: minikube calls a model server in the cluster', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-ai-'));
  try {
    const synthesized = synth(cluster, outdir, { TODO_ENV: 'minikube', TODO_AI_MODE: 'real', MODEL_SERVER_URL: 'http://model.todo-minikube.svc.cluster.local:8080/v1' });
    expect(synthesized.status).toBe(0);
    const applied = cluster.kubectl(['apply', '--validate=strict', '-f', outdir]);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
    const config = fs.readFileSync(path.join(outdir, 'minikube.k8s.yaml'), 'utf8');
    expect(config).toContain('MODE: real');
    expect(config).toContain('MODEL_SERVER_URL: http://model.todo-minikube.svc.cluster.local:8080/v1');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
