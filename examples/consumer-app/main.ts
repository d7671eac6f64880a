/**
 * A consumer's own cdk8s app built from the cdk8s-fastapi-nextjs constructs, composed differently from
 * the todo app in the library's main.ts: a shop with two FastAPI backends (`api` and `worker-api`) and a
 * statically exported Next.js site behind one Gateway API HTTPRoute, in an environment of its own.
 *
 *   npm install && npm run synth      checks the objects, then writes dist/staging.k8s.yaml (OUTDIR=... to write elsewhere)
 *
 * The offline checks come from the package's second entry point, `cdk8s-fastapi-nextjs/validation`, whose
 * dependencies (ajv, ajv-formats, yaml, kubernetes-models, @kubernetes-models/apimachinery) this app lists
 * itself: an app that uses only the constructs installs none of them.
 */
import * as path from 'path';
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppNamespace, AppNetworkPolicies, FastApiBackend, IngressRoutes, NextFrontend, NextFrontendMode, RoutingMode, UnhealthyPodEvictionPolicy,
} from 'cdk8s-fastapi-nextjs';
import { formatReport, hasErrors, validateManifests } from 'cdk8s-fastapi-nextjs/validation';

/** What differs between this app's environments. */
export interface ShopEnvironment {
  /** The chart id, and the output file name (`<name>.k8s.yaml`). */
  readonly name: string;
  readonly namespace: string;
  readonly host: string;
  /** The tag of every image; also the `app.kubernetes.io/version` label. */
  readonly imageTag: string;
}

export const STAGING: ShopEnvironment = {
  name: 'staging',
  namespace: 'shop-staging',
  host: 'shop.staging.example.com',
  imageTag: 'v2.3.1',
};

/** The shop: an API, a job API, a static site, one HTTPRoute and default-deny network policies. */
export class ShopChart extends Chart {
  constructor(scope: Construct, environment: ShopEnvironment, props: ChartProps = {}) {
    super(scope, environment.name, { ...props, namespace: environment.namespace, disableResourceNameHashes: true });
    const common = { partOf: 'shop', version: environment.imageTag };
    const image = (name: string) => `ghcr.io/acme/${name}:${environment.imageTag}`;

    new AppNamespace(this, 'namespace', { name: environment.namespace, ...common });
    const api = new FastApiBackend(this, 'api', {
      ...common,
      image: image('shop-api'),
      replicas: 2,
      // Drains keep one pod serving; a crash-looping pod never blocks them.
      disruptionBudget: { minAvailable: 1, unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW },
      secretKeys: { DATABASE_URL: { secretName: 'shop-database', key: 'url' } },
      // Its own identity for workload-identity bindings, and pulls from the private registry.
      serviceAccountName: 'shop-api', createServiceAccount: true,
      imagePullSecrets: ['ghcr-pull'],
      // Metrics on a port of their own, scraped by the cluster's Prometheus (admitted by the policies below).
      ports: [{ name: 'metrics', containerPort: 9000 }],
      prometheus: { port: 9000 },
      // The Gateway keeps sending requests for a few seconds after a pod starts terminating.
      preStopDelaySeconds: 5, terminationGracePeriodSeconds: 40,
      readinessProbe: { periodSeconds: 3, failureThreshold: 2 },
      resources: { ephemeralStorage: { request: '256Mi', limit: '1Gi' } },
      plainTextKeys: ['OAUTH_TOKEN_URL'],
      config: { OAUTH_TOKEN_URL: 'https://auth.example.com/oauth/token' },
    });
    const workerApi = new FastApiBackend(this, 'worker-api', {
      ...common,
      image: image('shop-worker-api'),
      command: ['uvicorn', 'worker.main:app', '--host', '0.0.0.0', '--port', '8000'],
      autoscaling: { minReplicas: 1, maxReplicas: 3, targetMemoryUtilization: 75, behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } },
      config: { QUEUE_NAME: 'jobs', API_URL: api.serviceUrl },
    });
    const site = new NextFrontend(this, 'site', { ...common, image: image('shop-site'), mode: NextFrontendMode.STATIC });

    const routes = new IngressRoutes(this, 'shop', {
      ...common,
      host: environment.host,
      mode: RoutingMode.gatewayApi({ gatewayName: 'shared', gatewayNamespace: 'gateway-system' }),
    });
    routes.addRoute('/api', api);
    routes.addRoute('/jobs', workerApi);
    routes.addRoute('/', site);

    new AppNetworkPolicies(this, 'network-policies', {
      partOf: 'shop',
      routes,
      workloads: [api, workerApi, site],
      connections: [{ from: workerApi, to: api }],
      externalEgress: [{ from: api, ports: [5432] }],
      ingressFrom: [{ to: api, namespaces: ['monitoring'], ports: [9000] }],
      internalEgress: [{ from: workerApi, namespaces: ['observability'], podLabels: { 'app.kubernetes.io/name': 'otel-collector' }, ports: [4317] }],
    });
  }
}

if (require.main === module) {
  const outdir = process.env.OUTDIR ?? 'dist';
  const app = new App({ outdir });
  const chart = new ShopChart(app, STAGING);
  // Validate the objects before writing them: a rejected object never reaches the output directory.
  const violations = validateManifests(chart.toJson());
  if (violations.length > 0) console.error(formatReport(violations));
  if (hasErrors(violations)) {
    console.error(`Validation failed: nothing was written to ${outdir}.`);
    process.exitCode = 1;
  } else {
    app.synth();
    console.log(`wrote ${path.join(outdir, `${STAGING.name}.k8s.yaml`)}`);
  }
}
