/**
 * A consumer's own cdk8s app built from the cdk8s-fastapi-nextjs constructs, composed differently from
 * the todo app in the library's main.ts: a shop with two FastAPI backends (`api` and `worker-api`) and a
 * statically exported Next.js site behind one Gateway API HTTPRoute, in an environment of its own.
 *
 *   npm install && npm run synth      writes dist/staging.k8s.yaml (OUTDIR=... to write elsewhere) and checks it
 *
 * The offline checks come from the package's second entry point, `cdk8s-fastapi-nextjs/validation`, whose
 * dependencies (ajv, ajv-formats, yaml, kubernetes-models, @kubernetes-models/apimachinery) this app lists
 * itself: an app that uses only the constructs installs none of them.
 */
import * as path from 'path';
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppNamespace, AppNetworkPolicies, FastApiBackend, IngressRoutes, NextFrontend, NextFrontendMode, RoutingMode,
} from 'cdk8s-fastapi-nextjs';
import { formatReport, hasErrors, validateYamlFiles } from 'cdk8s-fastapi-nextjs/validation';

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
      disruptionBudget: { maxUnavailable: 1 },
      secretKeys: { DATABASE_URL: { secretName: 'shop-database', key: 'url' } },
    });
    const workerApi = new FastApiBackend(this, 'worker-api', {
      ...common,
      image: image('shop-worker-api'),
      autoscaling: { minReplicas: 1, maxReplicas: 3 },
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
    });
  }
}

if (require.main === module) {
  const outdir = process.env.OUTDIR ?? 'dist';
  const app = new App({ outdir });
  new ShopChart(app, STAGING);
  app.synth();
  const violations = validateYamlFiles([path.join(outdir, `${STAGING.name}.k8s.yaml`)]);
  console.log(formatReport(violations));
  if (hasErrors(violations)) process.exitCode = 1;
}
