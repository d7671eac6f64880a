import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import { FastApiBackend, IngressRoutes, IngressRoutesProps, NextFrontend, PathMatch, RouteTarget, RoutingMode } from '../lib';
import { k8s } from '../lib/k8s';
import { chartWithoutNamespace, exactError, findObject, kinds, synth, testChart, validate } from './util';

const LABELS = {
  'app.kubernetes.io/name': 'routes',
  'app.kubernetes.io/instance': 'test',
  'app.kubernetes.io/component': 'routing',
  'app.kubernetes.io/part-of': 'routes',
  'app.kubernetes.io/managed-by': 'cdk8s',
  'app.kubernetes.io/version': 'v1',
};

/** A chart `test` (namespace `test`) with backend `api` (port 8000) and frontend `web` (port 3000). */
function workloads(chart: Chart = testChart()) {
  const api = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1' });
  const web = new NextFrontend(chart, 'web', { image: 'todo-frontend:v1' });
  return { chart, api, web };
}

/** IngressRoutes `routes` with `/api` to the backend and `/` to the frontend. */
function routed(props: IngressRoutesProps = {}) {
  const { chart, api, web } = workloads();
  const routes = new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: web }, { path: '/api', target: api }], ...props });
  return { chart, api, web, routes, objects: () => synth(chart) };
}

/** A Service `legacy` (port 8080) that no construct of this package created. */
function legacyService(chart: Chart): k8s.KubeService {
  return new k8s.KubeService(chart, 'legacy', { metadata: { name: 'legacy' }, spec: { ports: [{ port: 8080 }], selector: { app: 'legacy' } } });
}

/** Builds routes in a fresh chart with the two workloads; for error tests. */
function build(props: IngressRoutesProps): () => IngressRoutes {
  return () => routed(props).routes;
}

describe('IngressRoutes in ingress mode (default)', () => {
  test('writes one nginx Ingress with the routes, any host, no TLS and no annotations', () => {
    const { routes, objects } = routed();
    const ingress = findObject(objects(), 'Ingress', 'routes');
    expect(ingress).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'routes', namespace: 'test', labels: LABELS },
      spec: {
        ingressClassName: 'nginx',
        rules: [{
          http: {
            paths: [
              { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8000 } } } },
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 3000 } } } },
            ],
          },
        }],
      },
    });
    expect(kinds(objects()).filter((kind) => !['ConfigMap', 'Deployment', 'Service'].includes(kind))).toEqual(['Ingress']);
    expect(routes.name).toBe('routes');
    expect(routes.namespace).toBe('test');
    expect(routes.host).toBeUndefined();
    expect(routes.ingress).toBeDefined();
    expect([routes.istioGateway, routes.virtualService, routes.httpRoute]).toEqual([undefined, undefined, undefined]);
    expect(routes.mode.sidecarInjection).toBe(false);
    expect(routes.mode.sourceNamespace).toBe('ingress-nginx');
  });

  test('class name, host, TLS and annotations', () => {
    const { objects } = routed({
      mode: RoutingMode.ingress({ className: 'traefik', controllerNamespace: 'traefik', annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '10m' } }),
      host: 'todo.example.com',
      tls: { secretName: 'todo-tls' },
    });
    const ingress = findObject(objects(), 'Ingress');
    expect(ingress.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '10m' });
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(ingress.spec.tls).toEqual([{ hosts: ['todo.example.com'], secretName: 'todo-tls' }]);
    expect(ingress.spec.rules[0].host).toBe('todo.example.com');
  });

  test('a wildcard host is allowed', () => {
    expect(findObject(routed({ host: '*.example.com' }).objects(), 'Ingress').spec.rules[0].host).toBe('*.example.com');
  });

  test('the controller namespace is where routed traffic comes from', () => {
    expect(RoutingMode.ingress({ controllerNamespace: 'traefik' }).sourceNamespace).toBe('traefik');
  });

  test('name, namespace and labels', () => {
    const chart = chartWithoutNamespace();
    const backend = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1', namespace: 'todo' });
    const routes = new IngressRoutes(chart, 'routes', {
      name: 'todo', namespace: 'todo', partOf: 'todo', instance: 'blue', version: 'v2', routes: [{ path: '/', target: backend }],
    });
    const ingress = findObject(synth(chart), 'Ingress', 'todo');
    expect(ingress.metadata.namespace).toBe('todo');
    expect(ingress.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'todo',
      'app.kubernetes.io/instance': 'blue',
      'app.kubernetes.io/component': 'routing',
      'app.kubernetes.io/part-of': 'todo',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'app.kubernetes.io/version': 'v2',
    });
    expect(routes.namespace).toBe('todo');
  });
});

describe('route order and addRoute', () => {
  test('exact before prefix, then longer paths first, then alphabetical', () => {
    const { chart, api, web } = workloads();
    const routes = new IngressRoutes(chart, 'routes', {
      routes: [
        { path: '/', target: web },
        { path: '/api', target: api },
        { path: '/web', target: web },
        { path: '/health', target: api, match: PathMatch.EXACT },
        { path: '/docs', target: api },
        { path: '/openapi.json', target: api, match: PathMatch.EXACT },
      ],
    });
    const expected = ['Exact /openapi.json', 'Exact /health', 'Prefix /docs', 'Prefix /api', 'Prefix /web', 'Prefix /'];
    expect(routes.routes.map((route) => `${route.match} ${route.path}`)).toEqual(expected);
    const paths = findObject(synth(chart), 'Ingress').spec.rules[0].http.paths;
    expect(paths.map((path: any) => `${path.pathType} ${path.path}`)).toEqual(expected);
  });

  test('addRoute after construction appears in the output, sorted, prefix by default', () => {
    const { chart, api, web } = workloads();
    const routes = new IngressRoutes(chart, 'routes');
    expect(routes.routes).toEqual([]);
    routes.addRoute('/', web);
    routes.addRoute('/api', api);
    routes.addRoute('/health', api, { match: PathMatch.EXACT });
    expect(routes.routes).toEqual([
      { path: '/health', target: api, match: PathMatch.EXACT },
      { path: '/api', target: api, match: PathMatch.PREFIX },
      { path: '/', target: web, match: PathMatch.PREFIX },
    ]);
    const paths = findObject(synth(chart), 'Ingress').spec.rules[0].http.paths;
    expect(paths).toEqual([
      { path: '/health', pathType: 'Exact', backend: { service: { name: 'api', port: { number: 8000 } } } },
      { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8000 } } } },
      { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 3000 } } } },
    ]);
    expect(() => validate(App.of(chart) as App)).not.toThrow();
  });

  test('a route to a Service the constructs did not create', () => {
    const chart = testChart();
    const legacy = legacyService(chart);
    const routes = new IngressRoutes(chart, 'routes');
    routes.addRoute('/legacy', RouteTarget.fromService(legacy, 8080));
    expect(RouteTarget.fromService(legacy, 8080)).toEqual({ service: legacy, serviceName: 'legacy', servicePort: 8080, serviceNamespace: 'test' });
    expect(findObject(synth(chart), 'Ingress').spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'legacy', port: { number: 8080 } } });
    expect(() => validate(App.of(chart) as App)).not.toThrow();
  });

  test('RouteTarget.fromService takes a v1 Service with a namespace only', () => {
    const chart = testChart();
    const configMap = new k8s.KubeConfigMap(chart, 'settings', { metadata: { name: 'settings' } });
    expect(() => RouteTarget.fromService(configMap, 80)).toThrow(exactError(
      `RouteTarget.fromService: 'test/settings' must be a v1 Service; got v1 ConfigMap. Pass a KubeService, or the apiObject of a cdk8s-plus Service.`));
    const unplaced = new k8s.KubeService(chartWithoutNamespace(), 'legacy', { spec: { ports: [{ port: 80 }] } });
    expect(() => RouteTarget.fromService(unplaced, 80)).toThrow(
      /^RouteTarget\.fromService: 'test\/legacy' must have a namespace; got undefined\. Give the Service a namespace, or its chart one\.$/);
  });
});

describe('IngressRoutes in Istio mode', () => {
  test('writes a Gateway on port 80 for any host and a VirtualService bound to it, routing to Service FQDNs', () => {
    const { chart, api, web } = workloads();
    const routes = new IngressRoutes(chart, 'routes', { mode: RoutingMode.istio() });
    routes.addRoute('/', web);
    routes.addRoute('/api', api);
    routes.addRoute('/openapi.json', api, { match: PathMatch.EXACT });
    const objects = () => synth(chart);
    expect(kinds(objects())).not.toContain('Ingress');
    expect(findObject(objects(), 'Gateway')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'routes-gateway', namespace: 'test', labels: LABELS },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    });
    const virtualService = findObject(objects(), 'VirtualService');
    expect(virtualService.apiVersion).toBe('networking.istio.io/v1');
    expect(virtualService.metadata).toEqual({ name: 'routes', namespace: 'test', labels: LABELS });
    expect(virtualService.spec).toEqual({
      hosts: ['*'],
      gateways: ['test/routes-gateway'],
      http: [
        { name: 'openapi-json', match: [{ uri: { exact: '/openapi.json' } }], route: [{ destination: { host: 'api.test.svc.cluster.local', port: { number: 8000 } } }] },
        { name: 'api', match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: 'api.test.svc.cluster.local', port: { number: 8000 } } }] },
        { name: 'root', match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'web.test.svc.cluster.local', port: { number: 3000 } } }] },
      ],
    });
    expect([routes.ingress, routes.httpRoute]).toEqual([undefined, undefined]);
    expect(routes.mode.sidecarInjection).toBe(true);
    expect(routes.mode.sourceNamespace).toBe('istio-system');
  });

  test('with a host and TLS: an HTTPS server using the credential, plain HTTP only redirects, and a custom gateway selector and namespace', () => {
    const { routes, objects } = routed({
      mode: RoutingMode.istio({ gatewaySelector: { app: 'istio-ingress' }, gatewayNamespace: 'istio-ingress' }),
      host: 'todo.example.com',
      tls: { secretName: 'todo-tls' },
    });
    expect(findObject(objects(), 'Gateway').spec).toEqual({
      selector: { app: 'istio-ingress' },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['todo.example.com'], tls: { httpsRedirect: true } },
        { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['todo.example.com'], tls: { mode: 'SIMPLE', credentialName: 'todo-tls' } },
      ],
    });
    expect(findObject(objects(), 'VirtualService').spec.hosts).toEqual(['todo.example.com']);
    expect(routes.mode.sourceNamespace).toBe('istio-ingress');
  });
});

describe('IngressRoutes in Gateway API mode', () => {
  test('writes an HTTPRoute attached to the Gateway, with Exact and PathPrefix matches', () => {
    const { chart, api, web } = workloads();
    const routes = new IngressRoutes(chart, 'routes', {
      mode: RoutingMode.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', sectionName: 'https' }),
      host: 'todo.example.com',
      routes: [{ path: '/', target: web }, { path: '/api', target: api }, { path: '/health', target: api, match: PathMatch.EXACT }],
    });
    const objects = synth(chart);
    expect(kinds(objects)).not.toContain('Ingress');
    expect(kinds(objects)).not.toContain('VirtualService');
    const route = findObject(objects, 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata).toEqual({ name: 'routes', namespace: 'test', labels: LABELS });
    expect(route.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system', sectionName: 'https' }],
      hostnames: ['todo.example.com'],
      rules: [
        { matches: [{ path: { type: 'Exact', value: '/health' } }], backendRefs: [{ group: '', kind: 'Service', name: 'api', port: 8000, weight: 1 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ group: '', kind: 'Service', name: 'api', port: 8000, weight: 1 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: '', kind: 'Service', name: 'web', port: 3000, weight: 1 }] },
      ],
    });
    expect(routes.httpRoute).toBeDefined();
    expect([routes.ingress, routes.istioGateway, routes.virtualService]).toEqual([undefined, undefined, undefined]);
    expect(routes.mode.sidecarInjection).toBe(false);
    expect(routes.mode.sourceNamespace).toBe('gateway-system');
  });

  test('without host, namespace or section: only the Gateway name', () => {
    const { routes, objects } = routed({ mode: RoutingMode.gatewayApi({ gatewayName: 'public' }) });
    const route = findObject(objects(), 'HTTPRoute');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' }]);
    expect(route.spec.hostnames).toBeUndefined();
    expect(routes.mode.sourceNamespace).toBeUndefined();
  });
});

describe('IngressRoutes children', () => {
  test('ingress mode exposes the Ingress only', () => {
    const { routes, objects } = routed();
    expect(ApiObject.of(routes.ingress!)).toBe(routes.ingress);
    expect(`${routes.ingress!.apiVersion} ${routes.ingress!.kind}/${routes.ingress!.name}`).toBe('networking.k8s.io/v1 Ingress/routes');
    expect([routes.istioGateway, routes.virtualService, routes.httpRoute]).toEqual([undefined, undefined, undefined]);
    routes.ingress!.metadata.addAnnotation('cert-manager.io/cluster-issuer', 'letsencrypt');
    expect(findObject(objects(), 'Ingress').metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
  });

  test('Istio mode exposes the Gateway and the VirtualService', () => {
    const { routes, objects } = routed({ mode: RoutingMode.istio() });
    expect(`${routes.istioGateway!.kind}/${routes.istioGateway!.name}`).toBe('Gateway/routes-gateway');
    expect(`${routes.virtualService!.kind}/${routes.virtualService!.name}`).toBe('VirtualService/routes');
    expect([routes.ingress, routes.httpRoute]).toEqual([undefined, undefined]);
    routes.virtualService!.addJsonPatch(JsonPatch.add('/spec/http/0/timeout', '30s'));
    expect(findObject(objects(), 'VirtualService').spec.http[0].timeout).toBe('30s');
  });

  test('Gateway API mode exposes the HTTPRoute', () => {
    const { routes, objects } = routed({ mode: RoutingMode.gatewayApi({ gatewayName: 'public' }) });
    expect(`${routes.httpRoute!.apiVersion} ${routes.httpRoute!.kind}/${routes.httpRoute!.name}`).toBe('gateway.networking.k8s.io/v1 HTTPRoute/routes');
    expect([routes.ingress, routes.istioGateway, routes.virtualService]).toEqual([undefined, undefined, undefined]);
    routes.httpRoute!.addJsonPatch(JsonPatch.add('/spec/rules/0/timeouts', { request: '10s' }));
    expect(findObject(objects(), 'HTTPRoute').spec.rules[0].timeouts).toEqual({ request: '10s' });
  });
});

describe('IngressRoutes errors at construction', () => {
  test('a route path without a leading /', () => {
    const { routes, api } = routed();
    expect(() => routes.addRoute('api', api)).toThrow(exactError(
      `IngressRoutes 'test/routes': route path must start with "/" and contain only URL path characters; got "api". Write it as "/api".`));
  });

  test('a route path without a leading / in the props', () => {
    const { chart, api } = workloads();
    expect(() => new IngressRoutes(chart, 'routes', { routes: [{ path: 'api', target: api }] })).toThrow(exactError(
      `IngressRoutes 'test/routes': route path must start with "/" and contain only URL path characters; got "api". Write it as "/api".`));
  });

  test('a route path with characters a URL path cannot hold', () => {
    const { routes, api } = routed();
    expect(() => routes.addRoute('/api docs', api)).toThrow(/^IngressRoutes 'test\/routes': route path must start with "\/" and contain only URL path characters; got "\/api docs"\./);
    expect(() => routes.addRoute('/api?x=1', api)).toThrow(/got "\/api\?x=1"/);
  });

  test('a duplicate route', () => {
    const { routes, api } = routed();
    expect(() => routes.addRoute('/api', api)).toThrow(exactError(
      `IngressRoutes 'test/routes': route path is routed twice (to api:8000 and api:8000); got "/api". Keep one route per path.`));
    expect(() => routes.addRoute('/', api, { match: PathMatch.EXACT })).toThrow(exactError(
      `IngressRoutes 'test/routes': route path is routed twice (to web:3000 and api:8000); got "/". Keep one route per path.`));
  });

  test('TLS without a secret', () => {
    expect(build({ host: 'todo.example.com', tls: { secretName: '' } })).toThrow(exactError(
      `IngressRoutes 'test/routes': tls.secretName is required with tls; got "". Name the kubernetes.io/tls Secret that holds the certificate, or remove tls.`));
  });

  test('TLS without a host', () => {
    expect(build({ tls: { secretName: 'todo-tls' } })).toThrow(exactError(
      `IngressRoutes 'test/routes': host is required with tls (the certificate is for a host name); got undefined. Set host, e.g. "todo.example.com".`));
  });

  test('TLS with the Gateway API', () => {
    expect(build({ mode: RoutingMode.gatewayApi({ gatewayName: 'public' }), host: 'todo.example.com', tls: { secretName: 'todo-tls' } })).toThrow(exactError(
      `IngressRoutes 'test/routes': tls is set on the Gateway listener with the Gateway API, not on the route; got "todo-tls". Remove tls and add the certificate to the Gateway listener (certificateRefs).`));
  });

  test('a rewrite-target annotation', () => {
    expect(build({ mode: RoutingMode.ingress({ annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } }) })).toThrow(exactError(
      `IngressRoutes 'test/routes': mode.annotations must not set nginx.ingress.kubernetes.io/rewrite-target: it rewrites every matched path and breaks nested routes such as /api/todos; `
      + `got "nginx.ingress.kubernetes.io/rewrite-target". Serve the app under its public paths (FastAPI: root_path or an APIRouter prefix of "/api") and remove the annotation.`));
  });

  test('a route to a Service in another namespace', () => {
    const { routes } = routed();
    const chart = routes.node.scope as Chart;
    const other = new FastApiBackend(chart, 'other', { image: 'todo-backend:v1', namespace: 'other' });
    expect(() => routes.addRoute('/other', other)).toThrow(exactError(
      `IngressRoutes 'test/routes': route "/other" target must be in the routes' namespace "test"; got "other/other". Create the IngressRoutes in the namespace of the Services it routes to.`));
  });

  test.each<[string, IngressRoutesProps, RegExp]>([
    ['name', { name: 'My_Routes' }, /^IngressRoutes 'test\/routes': name must be a DNS-1123 label .*; got "My_Routes"\. Use a name like "my-routes"\.$/],
    ['namespace', { namespace: 'Todo' }, /^IngressRoutes 'test\/routes': namespace must be a DNS-1123 label .*; got "Todo"\./],
    ['host with a scheme', { host: 'https://todo.example.com' },
      /^IngressRoutes 'test\/routes': host must be a DNS host name such as "todo\.local" \(an optional leading "\*\." is allowed\); got "https:\/\/todo\.example\.com"\. Use lowercase letters, digits, "-" and dots; no scheme, port or path\.$/],
    ['host with a port', { host: 'todo.local:8080' }, /host must be a DNS host name .*; got "todo\.local:8080"\./],
    ['host in upper case', { host: 'Todo.Local' }, /host must be a DNS host name .*; got "Todo\.Local"\./],
    ['TLS secret name', { host: 'todo.local', tls: { secretName: 'Todo_TLS' } }, /^IngressRoutes 'test\/routes': tls\.secretName must be a DNS-1123 subdomain .*; got "Todo_TLS"\./],
    ['ingress class name', { mode: RoutingMode.ingress({ className: 'Nginx Public' }) }, /^IngressRoutes 'test\/routes': mode\.className must be a DNS-1123 subdomain .*; got "Nginx Public"\./],
    ['any rewrite-target annotation', { mode: RoutingMode.ingress({ annotations: { 'traefik.example.com/rewrite-target': '/' } }) }, /mode\.annotations must not set traefik\.example\.com\/rewrite-target/],
    ['ingress controller namespace', { mode: RoutingMode.ingress({ controllerNamespace: 'Ingress_Nginx' }) },
      /^IngressRoutes 'test\/routes': mode\.sourceNamespace must be a DNS-1123 label .*; got "Ingress_Nginx"\./],
    ['Istio gateway namespace', { mode: RoutingMode.istio({ gatewayNamespace: 'Istio System' }) }, /^IngressRoutes 'test\/routes': mode\.sourceNamespace must be a DNS-1123 label .*; got "Istio System"\./],
    ['Gateway name', { mode: RoutingMode.gatewayApi({ gatewayName: 'Public_GW' }) }, /^IngressRoutes 'test\/routes': mode\.gatewayName must be a DNS-1123 subdomain .*; got "Public_GW"\./],
    ['Gateway namespace', { mode: RoutingMode.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'Gateway.System' }) },
      /^IngressRoutes 'test\/routes': mode\.gatewayNamespace must be a DNS-1123 label .*; got "Gateway\.System"\./],
    ['instance', { instance: 'a b' }, /^IngressRoutes 'test\/routes': instance must be a valid label value .*; got "a b"\./],
    ['partOf', { partOf: '-todo' }, /^IngressRoutes 'test\/routes': partOf must be a valid label value .*; got "-todo"\./],
    ['version', { version: 'v1/2' }, /^IngressRoutes 'test\/routes': version must be a valid label value .*; got "v1\/2"\./],
  ])('%s', (_, props, message) => {
    expect(build(props)).toThrow(message);
  });

  test('a route to an invalid port', () => {
    const { routes, api } = routed();
    expect(() => routes.addRoute('/x', RouteTarget.fromService(api.service, 0))).toThrow(exactError(
      `IngressRoutes 'test/routes': route "/x" servicePort must be a port number from 1 to 65535; got 0. Use a whole number in 1-65535, e.g. 8000.`));
  });

  test('no namespace in the prop or the chart', () => {
    expect(() => new IngressRoutes(chartWithoutNamespace(), 'routes')).toThrow(/^IngressRoutes 'test\/routes': namespace is required \(neither the prop nor the chart sets one\); got undefined\./);
  });
});

describe('IngressRoutes errors when the app validates', () => {
  test('no routes', () => {
    const { chart } = workloads();
    new IngressRoutes(chart, 'routes');
    // Construction succeeds (routes may still be added); synthesis of the app, or of the chart, fails.
    const expected = exactError('Validation failed with the following errors:\n'
      + `  [test/routes] IngressRoutes 'test/routes': routes must not be empty; got []. Add a route with addRoute("/", frontend).`);
    expect(() => validate(App.of(chart) as App)).toThrow(expected);
    expect(() => synth(chart)).toThrow(expected);
  });

  test('a route to a Service of another app', () => {
    const { chart } = workloads();
    const elsewhere = legacyService(new Chart(new App(), 'elsewhere', { namespace: 'test' }));
    new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: RouteTarget.fromService(elsewhere, 8080) }] });
    expect(() => validate(App.of(chart) as App)).toThrow(exactError('Validation failed with the following errors:\n'
      + `  [test/routes] IngressRoutes 'test/routes': route "/" points at Service "test/legacy" of another app ('elsewhere/legacy'). Route to a Service of this app.`));
  });

  test('a route to a port the Service does not have', () => {
    const { chart, api } = workloads();
    new IngressRoutes(chart, 'routes', { routes: [{ path: '/api', target: RouteTarget.fromService(api.service, 80) }] });
    expect(() => validate(App.of(chart) as App)).toThrow(exactError('Validation failed with the following errors:\n'
      + `  [test/routes] IngressRoutes 'test/routes': route "/api" points at port 80 of Service "api", which has ports 8000. Use one of them.`));
  });

  test('every bad route is reported', () => {
    const { chart, api, web } = workloads();
    new IngressRoutes(chart, 'routes', {
      routes: [
        { path: '/api', target: RouteTarget.fromService(api.service, 80) },
        { path: '/', target: RouteTarget.fromService(web.service, 80) },
      ],
    });
    const message = (() => { try { validate(App.of(chart) as App); return ''; } catch (error) { return (error as Error).message; } })();
    expect(message.split('\n').slice(1).map((line) => line.replace(/ points at .*/, ''))).toEqual([
      `  [test/routes] IngressRoutes 'test/routes': route "/api"`,
      `  [test/routes] IngressRoutes 'test/routes': route "/"`,
    ]);
  });

  test('routes to Services in other charts of the app', () => {
    const { chart } = workloads();
    const other = new Chart(App.of(chart) as App, 'other', { namespace: 'test' });
    const legacy = legacyService(other);
    new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: RouteTarget.fromService(legacy, 8080) }] });
    expect(() => validate(App.of(chart) as App)).not.toThrow();
  });

  // Validation runs on every synth (Testing.synth of a chart validates too); a later synth sees what was added since.
  test('a route added after an earlier synth is checked and written', () => {
    const { chart, api } = workloads();
    const routes = new IngressRoutes(chart, 'routes', { routes: [{ path: '/api', target: api }] });
    synth(chart);
    const admin = new FastApiBackend(chart, 'admin', { image: 'todo-backend:v1' });
    routes.addRoute('/admin', admin);
    expect(findObject(synth(chart), 'Ingress').spec.rules[0].http.paths.map((path: { path: string }) => path.path)).toEqual(['/admin', '/api']);
    routes.addRoute('/metrics', RouteTarget.fromService(admin.service, 9090));
    expect(() => validate(App.of(chart) as App)).toThrow(/route "\/metrics" points at port 9090 of Service "admin", which has ports 8000\./);
  });

  test('nothing is written when validation fails', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'routes-'));
    try {
      const app = new App({ outdir });
      const { chart } = workloads(new Chart(app, 'test', { namespace: 'test' }));
      new IngressRoutes(chart, 'routes');
      expect(() => app.synth()).toThrow(/routes must not be empty/);
      expect(fs.readdirSync(outdir)).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('IngressRoutes additionalHosts and additionalTls', () => {
  const hosts = { host: 'todo.example.com', additionalHosts: ['www.todo.example.com', '*.apps.example.com'] };

  test('Ingress: one rule per host, each with every route; additionalTls after tls', () => {
    const { objects } = routed({ ...hosts, tls: { secretName: 'todo-tls' }, additionalTls: [{ hosts: ['www.todo.example.com'], secretName: 'www-tls' }] });
    const spec = findObject(objects(), 'Ingress', 'routes').spec;
    expect(spec.rules.map((rule: any) => rule.host)).toEqual(['todo.example.com', 'www.todo.example.com', '*.apps.example.com']);
    for (const rule of spec.rules) expect(rule.http.paths.map((path: any) => path.path)).toEqual(['/api', '/']);
    expect(spec.tls).toEqual([{ hosts: ['todo.example.com'], secretName: 'todo-tls' }, { hosts: ['www.todo.example.com'], secretName: 'www-tls' }]);
  });

  test('Istio: the Gateway and the VirtualService answer on every host; the Gateway API route too', () => {
    const istio = routed({ ...hosts, mode: RoutingMode.istio() }).objects();
    expect(findObject(istio, 'Gateway', 'routes-gateway').spec.servers[0].hosts).toEqual(['todo.example.com', 'www.todo.example.com', '*.apps.example.com']);
    expect(findObject(istio, 'VirtualService', 'routes').spec.hosts).toEqual(['todo.example.com', 'www.todo.example.com', '*.apps.example.com']);
    const gateway = routed({ ...hosts, mode: RoutingMode.gatewayApi({ gatewayName: 'public' }) }).objects();
    expect(findObject(gateway, 'HTTPRoute', 'routes').spec.hostnames).toEqual(['todo.example.com', 'www.todo.example.com', '*.apps.example.com']);
  });

  test.each([
    ['additional hosts without a host', { additionalHosts: ['www.todo.example.com'] },
      'IngressRoutes \'test/routes\': additionalHosts needs host (without it the routes answer on any host already); got ["www.todo.example.com"]. Set host, or remove additionalHosts.'],
    ['a host twice', { host: 'todo.example.com', additionalHosts: ['todo.example.com'] }, 'additionalHosts[0] is routed already (host or an earlier entry); got "todo.example.com". List each host once.'],
    ['an IP address', { host: 'todo.example.com', additionalHosts: ['10.0.0.1'] }, 'additionalHosts[0] must be a DNS host name, not an IP address'],
    ['a certificate for a host that is not routed', { host: 'todo.example.com', additionalTls: [{ hosts: ['www.todo.example.com'], secretName: 'www-tls' }] },
      'additionalTls[0].hosts[0] must be a host the routes answer on (host or additionalHosts); got "www.todo.example.com". Add it to additionalHosts, or remove it.'],
    ['a certificate for no host', { host: 'todo.example.com', additionalTls: [{ hosts: [], secretName: 'www-tls' }] }, 'additionalTls[0].hosts must name at least one host'],
    ['additionalTls with Istio', { host: 'todo.example.com', mode: RoutingMode.istio(), additionalTls: [{ hosts: ['todo.example.com'], secretName: 'x-tls' }] },
      'additionalTls is for an Ingress only; got ["x-tls"]. An Istio Gateway serves every host with tls.secretName'],
    ['additionalTls with the Gateway API', { host: 'todo.example.com', mode: RoutingMode.gatewayApi({ gatewayName: 'public' }), additionalTls: [{ hosts: ['todo.example.com'], secretName: 'x-tls' }] },
      'additionalTls is for an Ingress only; got ["x-tls"]. Remove it and add the certificates to the Gateway listener (certificateRefs).'],
  ] as Array<[string, IngressRoutesProps, string]>)('refused: %s', (_, props, message) => {
    expect(build(props)).toThrow(message);
  });
});
