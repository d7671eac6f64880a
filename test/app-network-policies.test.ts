import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppNetworkPolicies, AppNetworkPoliciesProps, FastApiBackend, IngressRoutes, NextFrontend, PolicyTarget, RouteTarget, RoutingMode, ServiceType,
} from '../lib';
import { k8s } from '../lib/k8s';
import { Manifest, chartWithoutNamespace, exactError, findObject, objectsOfKind, synth, testChart } from './util';

/** Backend `api` (8000), frontend `web` (3000) and routes `/api` and `/` in chart `test` (namespace `test`). */
function app(mode: RoutingMode = RoutingMode.ingress()) {
  const chart = testChart();
  const api = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1' });
  const web = new NextFrontend(chart, 'web', { image: 'todo-frontend:v1' });
  const routes = new IngressRoutes(chart, 'routes', { mode, routes: [{ path: '/', target: web }, { path: '/api', target: api }] });
  return { chart, api, web, routes };
}

/** The NetworkPolicies in the output, by name. */
function policiesOf(objects: Manifest[]): Record<string, Manifest> {
  return Object.fromEntries(objectsOfKind(objects, 'NetworkPolicy').map((policy) => [policy.metadata.name, policy]));
}

const LABELS = {
  'app.kubernetes.io/name': 'network-policies',
  'app.kubernetes.io/instance': 'test',
  'app.kubernetes.io/component': 'network-policy',
  'app.kubernetes.io/part-of': 'network-policies',
  'app.kubernetes.io/managed-by': 'cdk8s',
  'app.kubernetes.io/version': 'v1',
};
const API_PODS = { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'test' } };
const WEB_PODS = { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'test' } };
const namespaceNamed = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
const tcp = (port: number) => ({ protocol: 'TCP', port });

describe('AppNetworkPolicies', () => {
  test('deny by default, allow DNS, and admit the ingress controller to each routed workload on its container port', () => {
    const { chart, api, web, routes } = app();
    const policies = new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web] });
    expect(policies.namespace).toBe('test');
    const output = policiesOf(synth(chart));
    expect(Object.keys(output)).toEqual(['default-deny', 'allow-dns', 'api-from-routing', 'web-from-routing']);
    for (const policy of Object.values(output)) {
      expect(policy.apiVersion).toBe('networking.k8s.io/v1');
      expect(policy.metadata).toEqual({ name: policy.metadata.name, namespace: 'test', labels: LABELS });
    }
    expect(output['default-deny'].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(output['allow-dns'].spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ ...namespaceNamed('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, tcp(53)],
      }],
    });
    expect(output['api-from-routing'].spec).toEqual({
      podSelector: API_PODS, policyTypes: ['Ingress'], ingress: [{ from: [namespaceNamed('ingress-nginx')], ports: [tcp(8000)] }],
    });
    expect(output['web-from-routing'].spec).toEqual({
      podSelector: WEB_PODS, policyTypes: ['Ingress'], ingress: [{ from: [namespaceNamed('ingress-nginx')], ports: [tcp(3000)] }],
    });
  });

  test('connections allow ingress to the callee and egress from the caller on the callee container port', () => {
    const { chart, api, web, routes } = app();
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web], connections: [{ from: web, to: api }] });
    const output = policiesOf(synth(chart));
    expect(output['api-from-web'].spec).toEqual({
      podSelector: API_PODS, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: WEB_PODS }], ports: [tcp(8000)] }],
    });
    expect(output['web-to-api'].spec).toEqual({
      podSelector: WEB_PODS, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: API_PODS }], ports: [tcp(8000)] }],
    });
  });

  test('external egress to the internet without the private ranges by default', () => {
    const { chart, api, web, routes } = app();
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web], externalEgress: [{ from: api, ports: [443, 5432] }] });
    expect(policiesOf(synth(chart))['api-to-external'].spec).toEqual({
      podSelector: API_PODS,
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [tcp(443), tcp(5432)] }],
    });
  });

  test('external egress to a custom CIDR', () => {
    const { chart, api, web, routes } = app();
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web], externalEgress: [{ from: api, ports: [5432], cidr: '10.20.0.0/16' }] });
    expect(policiesOf(synth(chart))['api-to-external'].spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [tcp(5432)] }]);
  });

  test('Istio routing: sidecars may reach istiod, and the gateway namespace is the routing source', () => {
    const { chart, api, web, routes } = app(RoutingMode.istio());
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web] });
    const output = policiesOf(synth(chart));
    expect(Object.keys(output)).toEqual(['default-deny', 'allow-dns', 'allow-istiod', 'api-from-routing', 'web-from-routing']);
    expect(output['allow-istiod'].spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [namespaceNamed('istio-system')], ports: [tcp(15012)] }] });
    expect(output['web-from-routing'].spec.ingress[0].from).toEqual([namespaceNamed('istio-system')]);
  });

  test('Istio routing with a custom gateway namespace', () => {
    const { chart, api, web, routes } = app(RoutingMode.istio({ gatewayNamespace: 'istio-ingress' }));
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web] });
    const output = policiesOf(synth(chart));
    expect(output['allow-istiod'].spec.egress[0].to).toEqual([namespaceNamed('istio-ingress')]);
    expect(output['api-from-routing'].spec.ingress[0].from).toEqual([namespaceNamed('istio-ingress')]);
  });

  test('Gateway API routing: traffic comes from the Gateway namespace, or the routes namespace by default; no istiod', () => {
    const shared = app(RoutingMode.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system' }));
    new AppNetworkPolicies(shared.chart, 'policies', { routes: shared.routes, workloads: [shared.api, shared.web] });
    const sharedOutput = policiesOf(synth(shared.chart));
    expect(sharedOutput['api-from-routing'].spec.ingress[0].from).toEqual([namespaceNamed('gateway-system')]);
    expect(sharedOutput['allow-istiod']).toBeUndefined();

    const local = app(RoutingMode.gatewayApi({ gatewayName: 'public' }));
    new AppNetworkPolicies(local.chart, 'policies', { routes: local.routes, workloads: [local.api, local.web] });
    expect(policiesOf(synth(local.chart))['web-from-routing'].spec.ingress[0].from).toEqual([namespaceNamed('test')]);
  });

  test('Gateway API routing: proxies that run elsewhere (Envoy Gateway) are admitted from their own namespace', () => {
    const { chart, api, web, routes } = app(RoutingMode.gatewayApi({
      gatewayName: 'public', gatewayNamespace: 'gateway-system', dataPlaneNamespace: 'envoy-gateway-system',
    }));
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web] });
    const output = policiesOf(synth(chart));
    expect(output['api-from-routing'].spec.ingress[0].from).toEqual([namespaceNamed('envoy-gateway-system')]);
    expect(findObject(synth(chart), 'HTTPRoute').spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system' }]);
  });

  test('a custom ingress controller namespace', () => {
    const { chart, api, web, routes } = app(RoutingMode.ingress({ controllerNamespace: 'traefik' }));
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web] });
    expect(policiesOf(synth(chart))['api-from-routing'].spec.ingress[0].from).toEqual([namespaceNamed('traefik')]);
  });

  test('a Service routed twice gets one policy', () => {
    const { chart, api, web, routes } = app();
    routes.addRoute('/health', api);
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web] });
    expect(Object.keys(policiesOf(synth(chart)))).toEqual(['default-deny', 'allow-dns', 'api-from-routing', 'web-from-routing']);
  });

  test('namespace prop and partOf', () => {
    const chart = chartWithoutNamespace();
    const api = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1', namespace: 'todo' });
    const routes = new IngressRoutes(chart, 'routes', { namespace: 'todo', routes: [{ path: '/', target: api }] });
    const policies = new AppNetworkPolicies(chart, 'policies', { namespace: 'todo', partOf: 'todo', routes, workloads: [api] });
    expect(policies.namespace).toBe('todo');
    const output = policiesOf(synth(chart));
    expect(output['default-deny'].metadata).toEqual({
      name: 'default-deny', namespace: 'todo', labels: { ...LABELS, 'app.kubernetes.io/instance': 'todo', 'app.kubernetes.io/part-of': 'todo' },
    });
    expect(output['api-from-routing'].spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'todo' } });
  });

  // The policies are made from the routes that exist when they are created; a later route must not be silently blocked.
  test('namePrefix names the namespace-wide policies for their installation, so two releases in one namespace do not clash', () => {
    const { chart, api, web, routes } = app(RoutingMode.istio());
    const policies = new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web], namePrefix: 'shop-' });
    // The others are named after their workloads, which are unique in the namespace already.
    expect(Object.keys(policiesOf(synth(chart)))).toEqual(['shop-default-deny', 'shop-allow-dns', 'shop-allow-istiod', 'api-from-routing', 'web-from-routing']);
    expect(Object.keys(policies.policies)).toEqual(['default-deny', 'allow-dns', 'allow-istiod', 'api-from-routing', 'web-from-routing']);
  });

  test('without routes (an app reached only inside the cluster): deny, DNS and the connections, nothing from a routing layer', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1' });
    const web = new NextFrontend(chart, 'web', { image: 'todo-frontend:v1' });
    new AppNetworkPolicies(chart, 'policies', { workloads: [api, web], connections: [{ from: web, to: api }] });
    expect(Object.keys(policiesOf(synth(chart)))).toEqual(['default-deny', 'allow-dns', 'api-from-web', 'web-to-api']);
  });

  test('a route added after the policies fails synth instead of being silently blocked', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1' });
    const web = new NextFrontend(chart, 'web', { image: 'todo-frontend:v1' });
    const routes = new IngressRoutes(chart, 'routes', { routes: [{ path: '/api', target: api }] });
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web] });
    routes.addRoute('/', web);
    expect(() => synth(chart)).toThrow(`AppNetworkPolicies 'test/policies': route "/" to Service "web" was added after the policies were created, `
      + 'so no policy admits its traffic. Create AppNetworkPolicies after the last addRoute call.');
  });
});

describe('AppNetworkPolicies children', () => {
  test('policies holds every NetworkPolicy by name, and they can be modified', () => {
    const { chart, api, web, routes } = app();
    const policies = new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web], connections: [{ from: web, to: api }] });
    expect(Object.keys(policies.policies)).toEqual(['default-deny', 'allow-dns', 'api-from-routing', 'web-from-routing', 'api-from-web', 'web-to-api']);
    for (const [name, policy] of Object.entries(policies.policies)) {
      expect(ApiObject.of(policy)).toBe(policy);
      expect(`${policy.kind}/${policy.name}`).toBe(`NetworkPolicy/${name}`);
    }
    policies.policies['allow-dns'].addJsonPatch(JsonPatch.add('/spec/egress/0/to/-', { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } } }));
    expect(policiesOf(synth(chart))['allow-dns'].spec.egress[0].to[1]).toEqual(namespaceNamed('dns'));
  });
});

describe('AppNetworkPolicies errors', () => {
  test('a routed workload missing from workloads', () => {
    const { chart, api, routes } = app();
    expect(() => new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api] })).toThrow(exactError(
      `AppNetworkPolicies 'test/policies': workloads must include the workload behind routed Service "test/web"; got ["api"]. Pass every workload the routes point at (PolicyTarget.fromDeployment or fromLabels for pods of other constructs).`));
  });

  test('a route to a Service that is not a workload', () => {
    const { chart, api, web, routes } = app();
    const legacy = new k8s.KubeService(chart, 'legacy', { metadata: { name: 'legacy' }, spec: { ports: [{ port: 80 }] } });
    routes.addRoute('/legacy', RouteTarget.fromService(legacy, 80));
    expect(() => new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web] }))
      .toThrow(/^AppNetworkPolicies 'test\/policies': workloads must include the workload behind routed Service "test\/legacy"; got \["api","web"\]\./);
  });

  test('a connection listed twice', () => {
    const { chart, api, web, routes } = app();
    expect(() => new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web], connections: [{ from: web, to: api }, { from: web, to: api }] }))
      .toThrow(exactError(`AppNetworkPolicies 'test/policies': policy is defined twice; got "api-from-web". List each connection once.`));
  });

  test('external egress without ports', () => {
    const { chart, api, web, routes } = app();
    expect(() => new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web], externalEgress: [{ from: api, ports: [] }] }))
      .toThrow(exactError(`AppNetworkPolicies 'test/policies': externalEgress.ports must not be empty; got []. List the TCP ports, e.g. [443, 5432].`));
  });

  test.each<[string, (parts: ReturnType<typeof app>) => Partial<AppNetworkPoliciesProps>, RegExp]>([
    ['external egress port 0', ({ api }) => ({ externalEgress: [{ from: api, ports: [443, 0] }] }),
      /^AppNetworkPolicies 'test\/policies': externalEgress\.ports must be a port number from 1 to 65535; got 0\. Use a whole number in 1-65535, e\.g\. 8000\.$/],
    ['external egress port 70000', ({ api }) => ({ externalEgress: [{ from: api, ports: [70000] }] }), /externalEgress\.ports must be a port number from 1 to 65535; got 70000\./],
    ['external egress listed twice for one workload', ({ api }) => ({ externalEgress: [{ from: api, ports: [443] }, { from: api, ports: [5432] }] }),
      /^AppNetworkPolicies 'test\/policies': policy is defined twice; got "api-to-external"\./],
    ['namespace', () => ({ namespace: 'Todo' }), /^AppNetworkPolicies 'test\/policies': namespace must be a DNS-1123 label .*; got "Todo"\./],
  ])('%s', (_, extra, message) => {
    const parts = app();
    expect(() => new AppNetworkPolicies(parts.chart, 'policies', { routes: parts.routes, workloads: [parts.api, parts.web], ...extra(parts) })).toThrow(message);
  });

  test('no namespace in the prop or the chart', () => {
    const { routes, api, web } = app();
    expect(() => new AppNetworkPolicies(chartWithoutNamespace(), 'policies', { routes, workloads: [api, web] }))
      .toThrow(/^AppNetworkPolicies 'test\/policies': namespace is required \(neither the prop nor the chart sets one\); got undefined\./);
  });
});

describe('AppNetworkPolicies for real apps (issue 11)', () => {
  test('admits a monitoring namespace to the metrics port, so scraping is not silently blocked', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: 'api:v1', prometheus: { port: 9000 }, ports: [{ name: 'metrics', containerPort: 9000 }] });
    const routes = new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: api }] });
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api], ingressFrom: [{ to: api, namespaces: ['monitoring'], podLabels: { app: 'prometheus' }, ports: [9000] }] });
    expect(policiesOf(synth(chart))['api-from-monitoring-prometheus'].spec).toEqual({
      podSelector: API_PODS, policyTypes: ['Ingress'],
      ingress: [{ from: [{ ...namespaceNamed('monitoring'), podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [tcp(9000)] }],
    });
  });

  test('egress to in-cluster namespaces and to a workload of the app', () => {
    const { chart, api, web, routes } = app();
    new AppNetworkPolicies(chart, 'policies', {
      routes, workloads: [api, web],
      internalEgress: [{ from: api, namespaces: ['observability'], podLabels: { app: 'otel-collector' }, ports: [4317] }, { from: web, to: api }],
    });
    const output = policiesOf(synth(chart));
    expect(output['api-to-observability-otel-collector'].spec.egress).toEqual([{
      to: [{ ...namespaceNamed('observability'), podSelector: { matchLabels: { app: 'otel-collector' } } }], ports: [tcp(4317)],
    }]);
    expect(output['web-to-api'].spec.egress).toEqual([{ to: [{ podSelector: API_PODS }], ports: [tcp(8000)] }]);
  });

  test('more than one routes object: each routed workload admits every routing source', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: 'api:v1' });
    const publicRoutes = new IngressRoutes(chart, 'public', { routes: [{ path: '/', target: api }] });
    const internalRoutes = new IngressRoutes(chart, 'internal', { mode: RoutingMode.ingress({ className: 'internal', controllerNamespace: 'ingress-internal' }), routes: [{ path: '/', target: api }] });
    new AppNetworkPolicies(chart, 'policies', { routes: [publicRoutes, internalRoutes], workloads: [api] });
    expect(policiesOf(synth(chart))['api-from-routing'].spec.ingress).toEqual([{ from: [namespaceNamed('ingress-nginx'), namespaceNamed('ingress-internal')], ports: [tcp(8000)] }]);
  });

  test('workloads that are not ours: a cdk8s-plus Deployment behind a routed Service, and a label selector', () => {
    const chart = testChart();
    const legacy = new kplus.Deployment(chart, 'legacy', { containers: [{ image: 'legacy:v1', portNumber: 8080, securityContext: { ensureNonRoot: false } }] });
    const legacyService = legacy.exposeViaService({ name: 'legacy', ports: [{ port: 80, targetPort: 8080 }] });
    const worker = PolicyTarget.fromLabels({ name: 'worker', namespace: 'test', selectorLabels: { app: 'worker' }, containerPort: 9090 });
    const routes = new IngressRoutes(chart, 'routes');
    routes.addRoute('/', legacyService);
    const legacyTarget = PolicyTarget.fromDeployment(legacy, { containerPort: 8080, serviceName: 'legacy' });
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [legacyTarget], connections: [{ from: worker, to: legacyTarget }] });
    const output = policiesOf(synth(chart));
    expect(output[`${legacy.name}-from-routing`].spec).toEqual({
      podSelector: { matchLabels: legacy.matchLabels }, policyTypes: ['Ingress'], ingress: [{ from: [namespaceNamed('ingress-nginx')], ports: [tcp(8080)] }],
    });
    expect(output[`${legacy.name}-from-worker`].spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { app: 'worker' } } }]);
  });

  test('a NodePort or LoadBalancer workload admits its outside clients (the source ranges when given)', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: 'api:v1', serviceType: ServiceType.NODE_PORT, nodePort: 30080 });
    const web = new NextFrontend(chart, 'web', { image: 'web:v1', serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['203.0.113.0/24'] });
    const routes = new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: web }, { path: '/api', target: api }] });
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api, web] });
    const output = policiesOf(synth(chart));
    expect(output['api-from-outside'].spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [tcp(8000)] }]);
    expect(output['web-from-outside'].spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [tcp(3000)] }]);
  });
});
