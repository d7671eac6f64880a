/**
 * The constructs' wider options on a real API server (strict field validation, admission, controllers):
 * an app of another team using them, the Istio routes with TLS, and the real-AI synth setting.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import {
  AppNamespace, AppNetworkPolicies, FastApiBackend, IngressRoutes, NextFrontend, NextFrontendMode, RoutingMode, UnhealthyPodEvictionPolicy,
} from '../../lib';
import { ENVIRONMENTS, TodoChart } from '../../main';
import { ControlPlane, synth } from './control-plane';

let cluster: ControlPlane;

beforeAll(() => {
  cluster = ControlPlane.start();
}, 1_800_000);

afterAll(() => cluster?.stop());

/** A shop with two backends and a static site, using the options a platform team needs. */
function shopChart(): Chart {
  const chart = new Chart(new App(), 'shop', { namespace: 'shop', disableResourceNameHashes: true });
  const common = { partOf: 'shop', version: 'v2.3.1' };
  new AppNamespace(chart, 'namespace', { name: 'shop', ...common });
  const api = new FastApiBackend(chart, 'api', {
    ...common,
    image: 'ghcr.io/acme/shop-api:v2.3.1',
    replicas: 2,
    disruptionBudget: { minAvailable: 1, unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW },
    secretKeys: { DATABASE_URL: { secretName: 'shop-database', key: 'url' } },
    serviceAccountName: 'shop-api',
    createServiceAccount: true,
    imagePullSecrets: ['ghcr-pull'],
    ports: [{ name: 'metrics', containerPort: 9000 }],
    prometheus: { port: 9000 },
    preStopDelaySeconds: 5,
    terminationGracePeriodSeconds: 40,
    readinessProbe: { periodSeconds: 3, failureThreshold: 2 },
    resources: { ephemeralStorage: { request: '256Mi', limit: '1Gi' } },
  });
  const worker = new FastApiBackend(chart, 'worker-api', {
    ...common,
    image: 'ghcr.io/acme/shop-worker-api:v2.3.1',
    command: ['uvicorn', 'worker.main:app', '--host', '0.0.0.0', '--port', '8000'],
    autoscaling: { minReplicas: 1, maxReplicas: 3, targetMemoryUtilization: 75, behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } },
  });
  const site = new NextFrontend(chart, 'site', { ...common, image: 'ghcr.io/acme/shop-site:v2.3.1', mode: NextFrontendMode.STATIC });
  const routes = new IngressRoutes(chart, 'shop', { ...common, host: 'shop.example.com', mode: RoutingMode.gatewayApi({ gatewayName: 'shared', gatewayNamespace: 'gateway-system' }) });
  routes.addRoute('/api', api);
  routes.addRoute('/jobs', worker);
  routes.addRoute('/', site);
  new AppNetworkPolicies(chart, 'network-policies', {
    partOf: 'shop',
    routes,
    workloads: [api, worker, site],
    connections: [{ from: worker, to: api }],
    externalEgress: [{ from: api, ports: [5432] }],
    ingressFrom: [{ to: api, namespaces: ['monitoring'], ports: [9000] }],
    internalEgress: [{ from: worker, namespaces: ['observability'], podLabels: { 'app.kubernetes.io/name': 'otel-collector' }, ports: [4317] }],
  });
  return chart;
}

test('an app using the wider options is applied with strict validation, no warning, and rolls out', () => {
  const applied = cluster.kubectl(['apply', '--validate=strict', '-f', '-'], { input: Yaml.stringify(...shopChart().toJson()) });
  expect(applied.stderr).toBe('');
  expect(applied.status).toBe(0);
  for (const deployment of ['api', 'worker-api', 'site']) {
    expect(cluster.kubectlOk(['-n', 'shop', 'rollout', 'status', `deployment/${deployment}`, '--timeout=120s'])).toContain('successfully rolled out');
  }
  const api = cluster.getJson(['deployment', 'api', '-n', 'shop']).spec.template.spec;
  expect(api.serviceAccountName).toBe('shop-api');
  expect(api.terminationGracePeriodSeconds).toBe(40);
  expect(api.topologySpreadConstraints).toHaveLength(1);
  expect(cluster.getJson(['pdb', 'api', '-n', 'shop']).spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
});

test('Istio routing with TLS: an HTTPS server with the credential and an HTTP server that only redirects', () => {
  const chart = new TodoChart(new App(), { ...ENVIRONMENTS['local-istio'], host: 'todo.localhost', tls: { secretName: 'todo-tls' } });
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
