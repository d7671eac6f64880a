import { App, Chart, Testing } from 'cdk8s';
import {
  FastApiBackend, IngressRoutes, NextFrontend, NextFrontendMode, PathMatch, RoutingMode, SqlitePersistence, topologyDiagram,
} from '../lib';

function chart(namespace: string): Chart {
  return new Chart(new App(), namespace, { namespace, disableResourceNameHashes: true });
}

describe('topologyDiagram', () => {
  test('Ingress → Services → Deployments (replicas and HPA) → claim', () => {
    const shop = chart('shop');
    const api = new FastApiBackend(shop, 'api', { image: 'shop-api:v1' });
    new SqlitePersistence(shop, 'data', { size: '1Gi' }).attachTo(api);
    const web = new NextFrontend(shop, 'web', { image: 'shop-web:v1', autoscaling: { minReplicas: 2, maxReplicas: 4 } });
    const routes = new IngressRoutes(shop, 'shop', { host: 'shop.local' });
    routes.addRoute('/api', api);
    routes.addRoute('/health', api, { match: PathMatch.EXACT });
    routes.addRoute('/', web);

    expect(topologyDiagram(Testing.synth(shop))).toBe(`flowchart LR
  subgraph ns__shop["namespace shop"]
    direction LR
    route__shop__Ingress_shop(["Ingress shop<br/>host shop.local<br/>class nginx"])
    svc__shop__api["Service api<br/>port 8000"]
    svc__shop__web["Service web<br/>port 3000"]
    workload__shop__Deployment_api[["Deployment api<br/>1 replica<br/>container port 8000"]]
    workload__shop__Deployment_web[["Deployment web<br/>HPA 2-4<br/>container port 3000"]]
    pvc__shop__data[("PVC data<br/>1Gi<br/>default class")]
  end
  route__shop__Ingress_shop -->|"= /health<br/>/api"| svc__shop__api
  route__shop__Ingress_shop -->|"/"| svc__shop__web
  svc__shop__api --> workload__shop__Deployment_api
  svc__shop__web --> workload__shop__Deployment_web
  workload__shop__Deployment_api -->|"/data<br/>/logs"| pvc__shop__data
`);
  });

  test('two backends and a static frontend behind one HTTPRoute', () => {
    const jobs = chart('jobs');
    const api = new FastApiBackend(jobs, 'api', { image: 'api:v1', replicas: 2 });
    const worker = new FastApiBackend(jobs, 'worker-api', { image: 'worker:v1', replicas: 3 });
    const site = new NextFrontend(jobs, 'site', { image: 'site:v1', mode: NextFrontendMode.STATIC });
    const routes = new IngressRoutes(jobs, 'jobs', {
      mode: RoutingMode.gatewayApi({ gatewayName: 'shared', gatewayNamespace: 'gateways', sectionName: 'https' }),
      host: 'jobs.example.com',
    });
    routes.addRoute('/api', api);
    routes.addRoute('/jobs', worker);
    routes.addRoute('/', site);

    expect(topologyDiagram(Testing.synth(jobs))).toBe(`flowchart LR
  subgraph ns__jobs["namespace jobs"]
    direction LR
    route__jobs__HTTPRoute_jobs(["HTTPRoute jobs<br/>host jobs.example.com<br/>gateway gateways/shared (https)"])
    svc__jobs__api["Service api<br/>port 8000"]
    svc__jobs__site["Service site<br/>port 80"]
    svc__jobs__worker_api["Service worker-api<br/>port 8000"]
    workload__jobs__Deployment_api[["Deployment api<br/>2 replicas<br/>container port 8000"]]
    workload__jobs__Deployment_site[["Deployment site<br/>1 replica<br/>container port 8080"]]
    workload__jobs__Deployment_worker_api[["Deployment worker-api<br/>3 replicas<br/>container port 8000"]]
  end
  route__jobs__HTTPRoute_jobs -->|"/api"| svc__jobs__api
  route__jobs__HTTPRoute_jobs -->|"/"| svc__jobs__site
  route__jobs__HTTPRoute_jobs -->|"/jobs"| svc__jobs__worker_api
  svc__jobs__api --> workload__jobs__Deployment_api
  svc__jobs__site --> workload__jobs__Deployment_site
  svc__jobs__worker_api --> workload__jobs__Deployment_worker_api
`);
  });

  test('Istio VirtualService with its gateway', () => {
    const mesh = chart('mesh');
    const api = new FastApiBackend(mesh, 'api', { image: 'api:v1' });
    new IngressRoutes(mesh, 'mesh', { mode: RoutingMode.istio(), routes: [{ path: '/', target: api }] });

    expect(topologyDiagram(Testing.synth(mesh))).toBe(`flowchart LR
  subgraph ns__mesh["namespace mesh"]
    direction LR
    route__mesh__VirtualService_mesh(["VirtualService mesh<br/>host *<br/>gateway mesh/mesh-gateway"])
    svc__mesh__api["Service api<br/>port 8000"]
    workload__mesh__Deployment_api[["Deployment api<br/>1 replica<br/>container port 8000"]]
  end
  route__mesh__VirtualService_mesh -->|"/"| svc__mesh__api
  svc__mesh__api --> workload__mesh__Deployment_api
`);
  });

  test('shows what is missing, node ports, multi-port Services and hostPath volumes; ignores empty documents', () => {
    const objects = [
      null,
      {
        apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'edge', namespace: 'a' },
        spec: {
          tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }],
          rules: [{ host: 'a.example.com', http: { paths: [
            { path: '/metrics', pathType: 'Prefix', backend: { service: { name: 'app', port: { name: 'metrics' } } } },
            { path: '/old', pathType: 'Prefix', backend: { service: { name: 'gone', port: { number: 80 } } } },
          ] } }],
        },
      },
      {
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'a' },
        spec: { type: 'NodePort', selector: { app: 'app' }, ports: [{ port: 80, nodePort: 30080 }, { name: 'metrics', port: 9090 }] },
      },
      {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'a' },
        spec: {
          replicas: 0,
          template: {
            metadata: { labels: { app: 'app', tier: 'web' } },
            spec: {
              containers: [{ name: 'app', ports: [{ containerPort: 8080 }, { containerPort: 9090 }], volumeMounts: [{ name: 'data', mountPath: '/var/data' }] }],
              volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'cache', persistentVolumeClaim: { claimName: 'cache' } }],
            },
          },
        },
      },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'a' }, spec: { storageClassName: '', volumeName: 'a-data', resources: { requests: { storage: '2Gi' } } } },
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'a-data' }, spec: { hostPath: { path: '/srv/a' } } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'a' } },
    ];

    const expected = `flowchart LR
  subgraph ns__a["namespace a"]
    direction LR
    route__a__Ingress_edge(["Ingress edge<br/>host a.example.com<br/>TLS a-tls"])
    svc__a__app["Service app<br/>port 80 → node 30080, 9090<br/>NodePort"]
    svc__a__gone["Service gone<br/>not in the output"]
    workload__a__Deployment_app[["Deployment app<br/>0 replicas<br/>container port 8080, 9090"]]
    pvc__a__cache[("PVC cache<br/>not in the output")]
    pvc__a__data[("PVC data<br/>2Gi<br/>hostPath /srv/a")]
  end
  route__a__Ingress_edge -->|"/metrics<br/>port metrics"| svc__a__app
  route__a__Ingress_edge -->|"/old<br/>port 80"| svc__a__gone
  svc__a__app --> workload__a__Deployment_app
  workload__a__Deployment_app --> pvc__a__cache
  workload__a__Deployment_app -->|"/var/data"| pvc__a__data
`;
    expect(topologyDiagram(objects)).toBe(expected);
    // The order of the input does not matter.
    expect(topologyDiagram([...objects].reverse())).toBe(expected);
  });

  test('an empty output is an empty flowchart', () => {
    expect(topologyDiagram([])).toBe('flowchart LR\n');
  });
});
