/**
 * Every class of bad input is refused at synth (issue 11), one table per construct. Each row names the class of
 * mistake; each message names the construct path, the prop, the bad value and the fix.
 */
import { App, Chart, Testing } from 'cdk8s';
import { Service as KplusService } from 'cdk8s-plus-28';
import {
  AppNamespace, AppNetworkPolicies, AppNetworkPoliciesProps, FastApiBackend, FastApiBackendProps, IngressRoutes, IngressRoutesProps, NextFrontend,
  NextFrontendProps, ServiceType, SqlitePersistence, SqlitePersistenceProps,
} from '../lib';
import { testChart, thrownMessage } from './util';
import { CREDENTIALS } from './credentials';

/** The message of a synth (construct validations included), or of the construction itself. */
function failure(build: (chart: Chart) => void): string {
  const app = new App();
  return thrownMessage(() => {
    build(new Chart(app, 'test', { namespace: 'test' }));
    app.synthYaml();
  });
}

/** Error format: construct path, prop, "got" value and a fix sentence. */
const FORMAT = /'test\/[a-z/-]+'.*; got .+\. [A-Z].*$/s;

describe('FastApiBackend (and every WebWorkload) refuses', () => {
  const backend = (props: Partial<FastApiBackendProps>) => (chart: Chart) => new FastApiBackend(chart, 'api', { image: 'ghcr.io/acme/api:v1', ...props });
  test.each<[string, Partial<FastApiBackendProps>, RegExp]>([
    ['an image with an upper case repository', { image: 'ghcr.io/Acme/api:v1' }, /image must be an OCI image reference .*lowercase/],
    ['an image with a scheme', { image: 'http://ghcr.io/acme/api:v1' }, /image must be an OCI image reference .*URL scheme/],
    ['an image with spaces', { image: 'ghcr.io/acme/my api:v1' }, /image must be an OCI image reference .*whitespace/],
    ['an image with a malformed digest', { image: 'ghcr.io/acme/api:v1@sha256:1234' }, /image must be an OCI image reference .*digest/],
    ['no image (plain JavaScript)', { image: undefined as any }, /image is required: an image reference/],
    ['a number where a name goes (plain JavaScript)', { name: 42 as any }, /name must be a string; a number was given; got 42/],
    ['a probe path with spaces', { livenessPath: '/health check' }, /livenessPath must contain only URL path characters/],
    ['a readiness path with a query', { readinessPath: '/ready?full=1' }, /readinessPath must contain only URL path characters/],
    ['a PDB that allows every pod down', { replicas: 2, disruptionBudget: { maxUnavailable: 2 } }, /disruptionBudget\.maxUnavailable must be lower than the fewest replicas \(2\), or a drain may take every pod at once; got 2/],
    ['a PDB that allows every pod down at the autoscaler minimum', { autoscaling: { minReplicas: 1, maxReplicas: 4 }, disruptionBudget: {} }, /disruptionBudget\.maxUnavailable must be lower than the fewest replicas \(1\)/],
    ['a PDB with minAvailable 0', { replicas: 2, disruptionBudget: { minAvailable: 0 } }, /disruptionBudget\.minAvailable must be an integer >= 1; got 0/],
    ['a PDB that blocks every eviction', { replicas: 2, disruptionBudget: { minAvailable: 2 } }, /disruptionBudget\.minAvailable must be lower than the fewest replicas \(2\), or no pod can ever be evicted/],
    ['a PDB with both maxUnavailable and minAvailable', { replicas: 3, disruptionBudget: { maxUnavailable: 1, minAvailable: 1 } }, /disruptionBudget maxUnavailable and minAvailable are exclusive/],
    ['a malformed CIDR in loadBalancerSourceRanges', { serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['10.0.0.0/33'] }, /loadBalancerSourceRanges\[0\] must be a CIDR/],
    ['source ranges without a LoadBalancer', { loadBalancerSourceRanges: ['10.0.0.0/8'] }, /loadBalancerSourceRanges needs serviceType LOAD_BALANCER/],
    ['externalTrafficPolicy on a ClusterIP Service', { externalTrafficPolicy: 'Local' as any }, /externalTrafficPolicy needs serviceType NODE_PORT or LOAD_BALANCER/],
    ['an ExternalName Service', { serviceType: ServiceType.EXTERNAL_NAME }, /serviceType must be ClusterIP, NodePort or LoadBalancer/],
    ['an OpenAI API key as a config value under an innocent key', { config: { UPSTREAM: CREDENTIALS.openAiKey } }, /config\["UPSTREAM"\] holds a credential \(secretlint rule "openai"\)/],
    ['a Stripe live key as a config value', { config: { PAYMENTS: CREDENTIALS.stripeLiveKey } }, /config\["PAYMENTS"\] holds a credential \(secretlint rule "stripe"\), which would be written in plain text/],
    ['a Slack webhook URL as a config value', { config: { ALERTS_URL: CREDENTIALS.slackWebhook } }, /config\["ALERTS_URL"\] holds a credential \(secretlint rule "slack"\)/],
    ['a private key as a config value', { config: { CERT: CREDENTIALS.privateKey } }, /config\["CERT"\] holds a credential \(secretlint rule "privatekey"\)/],
    ['a secret-looking key name', { config: { OAUTH_TOKEN_URL: 'https://auth.example.com/token' } }, /config\["OAUTH_TOKEN_URL"\] looks like a secret .*list it in plainTextKeys: \["OAUTH_TOKEN_URL"\]/],
    ['a number as a config value (plain JavaScript)', { config: { PORT: 8000 as any } }, /config\["PORT"\] must be a string; a number was given/],
    ['config that is a list (plain JavaScript)', { config: ['A=1'] as any }, /config must be an object of names to strings; a array was given/],
    ['the same variable from config and secretKeys', { config: { DATABASE_HOST: 'db' }, secretKeys: { DATABASE_HOST: { secretName: 'db', key: 'host' } } },
      /environment variable DATABASE_HOST is set by both config\["DATABASE_HOST"\] and secretKeys\["DATABASE_HOST"\] \(Kubernetes keeps one and silently drops the other\)/],
    ['the same variable from a known secretEnv key and config', { secretEnv: { name: 'app', keys: ['LOG_LEVEL'] }, config: { LOG_LEVEL: 'debug' } },
      /environment variable LOG_LEVEL is set by both config\["LOG_LEVEL"\] and secretEnv "app" \(key LOG_LEVEL\)/],
    ['the same variable from logLevel and config', { logLevel: 'debug', config: { LOG_LEVEL: 'info' } }, /environment variable LOG_LEVEL is set by both logLevel and config\["LOG_LEVEL"\]/],
    ['an extra port named like the main one', { ports: [{ name: 'http', containerPort: 9000 }] }, /ports\[\]\.name is used twice \(the main port is "http"\)/],
    ['a port name that is not an IANA service name', { ports: [{ name: 'Metrics_Port', containerPort: 9000 }] }, /ports\[\]\.name must be an IANA service name/],
    ['a probe port that is not a container port', { probePort: 'admin' }, /probePort must name a container port; got "admin"\. Use one of "http"\./],
    ['probe timings of zero', { livenessProbe: { periodSeconds: 0 } }, /livenessProbe\.periodSeconds must be an integer >= 1; got 0/],
    ['a liveness successThreshold other than 1', { livenessProbe: { successThreshold: 2 } }, /livenessProbe\.successThreshold must be 1 for a liveness probe/],
    ['a preStop delay as long as the grace period', { preStopDelaySeconds: 30 }, /preStopDelaySeconds must be shorter than terminationGracePeriodSeconds \(30\)/],
    ['a hostPath volume', { volumes: [{ name: 'host', hostPath: { path: '/var/run' } }] }, /volumes\["host"\] is a hostPath volume, which Pod Security "restricted" forbids/],
    ['a zero ephemeral-storage request', { resources: { ephemeralStorage: { request: '0' } } }, /resources\.ephemeralStorage\.request must be greater than zero/],
    ['a zero emptyDir size limit', { writablePathSizeLimit: '0Mi' }, /writablePathSizeLimit must be greater than zero/],
    ['a pod annotation the construct writes', { podAnnotations: { 'checksum/config': 'x' } }, /podAnnotations sets an annotation the construct writes itself; got "checksum\/config"/],
    ['an image pull secret that is not a name', { imagePullSecrets: ['Registry Creds'] }, /imagePullSecrets\[0\] must be a DNS-1123 subdomain/],
    ['an empty command', { command: [] }, /command must not be empty/],
    ['a mount of a volume the pod does not have', { volumeMounts: [{ name: 'nope', mountPath: '/etc/nope' }] }, /volumeMounts names a volume the pod does not have; got "nope" \(at \/etc\/nope\)\. Add it to volumes, or use one of: writable-tmp\./],
    ['props that are not an object (plain JavaScript)', 'ghcr.io/acme/api:v1' as any, /props must be an object|image is required/],
  ])('%s', (_, props, message) => {
    const error = failure(typeof props === 'string' ? (chart) => new FastApiBackend(chart, 'api', props) : backend(props));
    expect(error).toMatch(message);
    expect(error).toMatch(/FastApiBackend 'test\/api'/);
    expect(error).toMatch(FORMAT);
  });

  test('addEnv twice and a Secret key set by SqlitePersistence name both sources, in every container', () => {
    expect(failure((chart) => {
      const api = new FastApiBackend(chart, 'api', { image: 'api:v1' });
      api.addEnv('FEATURE', 'a');
      api.addEnv('FEATURE', 'b');
    })).toMatch(/^FastApiBackend 'test\/api': environment variable FEATURE is set by both addEnv\("FEATURE"\) and addEnv\("FEATURE"\)/);
    expect(failure((chart) => {
      const api = new FastApiBackend(chart, 'api', { image: 'api:v1', secretKeys: { DATABASE_URL: { secretName: 'db', key: 'url' } } });
      new SqlitePersistence(chart, 'data').attachTo(api);
    })).toMatch(/^FastApiBackend 'test\/api': environment variable DATABASE_URL is set by both secretKeys\["DATABASE_URL"\] and SqlitePersistence 'test\/data' \(DATABASE_URL\)/);
  });

  test('plainTextKeys lets an ordinary setting through the name heuristic, but never a secret value', () => {
    expect(() => new FastApiBackend(testChart(), 'api', {
      image: 'api:v1', plainTextKeys: ['OAUTH_TOKEN_URL', 'PASSWORD_MIN_LENGTH'], config: { OAUTH_TOKEN_URL: 'https://auth.example.com/token', PASSWORD_MIN_LENGTH: '12' },
    })).not.toThrow();
    expect(() => new FastApiBackend(testChart(), 'api', { image: 'api:v1', plainTextKeys: ['API_TOKEN'], config: { API_TOKEN: CREDENTIALS.githubToken } }))
      .toThrow(/config\["API_TOKEN"\] holds a credential \(secretlint rule "github"\)/);
  });
});

describe('NextFrontend refuses', () => {
  const frontend = (props: Partial<NextFrontendProps>) => (chart: Chart) => new NextFrontend(chart, 'web', { image: 'ghcr.io/acme/web:v1', ...props });
  test.each<[string, Partial<NextFrontendProps>, RegExp]>([
    ['a PORT that contradicts containerPort', { config: { PORT: '4000' } }, /environment variable PORT is set by both containerPort and config\["PORT"\]/],
    ['a public API URL set twice', { publicApiUrl: '/api', config: { NEXT_PUBLIC_API_URL: '/v2' } }, /environment variable NEXT_PUBLIC_API_URL is set by both publicApiUrl and config/],
    ['an image with upper case', { image: 'Web:v1' }, /image must be an OCI image reference/],
    ['a secret value', { config: { ANALYTICS: CREDENTIALS.slackBotToken } }, /config\["ANALYTICS"\] holds a credential \(secretlint rule "slack"\)/],
  ])('%s', (_, props, message) => {
    const error = failure(frontend(props));
    expect(error).toMatch(message);
    expect(error).toMatch(/NextFrontend 'test\/web'/);
  });
});

describe('SqlitePersistence refuses', () => {
  test.each<[string, SqlitePersistenceProps, RegExp]>([
    ['a storage size of zero', { size: '0Gi' }, /size must be greater than zero; got "0Gi"/],
    ['an empty provisioner', { retainingStorageClass: { provisioner: '' } }, /retainingStorageClass\.provisioner must be a provisioner name such as "rancher\.io\/local-path"; got ""/],
    ['a provisioner with spaces', { retainingStorageClass: { provisioner: 'local path' } }, /retainingStorageClass\.provisioner must be a provisioner name/],
    ['a data subdirectory outside the data directory', { dataSubdirectories: ['../etc'] }, /dataSubdirectories\[\] must be a relative path .* got "\.\.\/etc"/],
    ['a number as claim name (plain JavaScript)', { claimName: 5 as any }, /claimName must be a string; a number was given/],
  ])('%s', (_, props, message) => {
    const error = failure((chart) => new SqlitePersistence(chart, 'data', props));
    expect(error).toMatch(message);
    expect(error).toMatch(/SqlitePersistence 'test\/data'/);
    expect(error).toMatch(FORMAT);
  });
});

describe('IngressRoutes refuses', () => {
  const routes = (props: IngressRoutesProps) => (chart: Chart) => {
    const api = new FastApiBackend(chart, 'api', { image: 'api:v1' });
    new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: api }], ...props });
  };
  test.each<[string, IngressRoutesProps, RegExp]>([
    ['an IP address as host', { host: '192.168.49.2' }, /host must be a DNS host name, not an IP address/],
    ['routes that are not an array (plain JavaScript)', { routes: { path: '/' } as any }, /routes must be an array; a object was given/],
    ['a route target that is not a Service (plain JavaScript)', { routes: [{ path: '/x', target: 'api' as any }] }, /route "\/x" target must be a workload .*, a RouteTarget or a cdk8s-plus Service/],
    ['a number as host (plain JavaScript)', { host: 80 as any }, /host must be a string; a number was given/],
  ])('%s', (_, props, message) => {
    const error = failure(routes(props));
    expect(error).toMatch(message);
    expect(error).toMatch(/IngressRoutes 'test\/routes'/);
  });

  test('a cdk8s-plus Service is a route target (its first port)', () => {
    const chart = testChart();
    const legacy = new KplusService(chart, 'legacy', { selector: undefined, ports: [{ port: 8080 }] });
    const ingressRoutes = new IngressRoutes(chart, 'routes');
    ingressRoutes.addRoute('/legacy', legacy);
    const ingress = Testing.synth(chart).find((object: any) => object.kind === 'Ingress');
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: legacy.name, port: { number: 8080 } });
  });
});

describe('AppNamespace and AppNetworkPolicies refuse', () => {
  const policies = (props: (parts: { api: FastApiBackend; routes: IngressRoutes }) => Partial<AppNetworkPoliciesProps>) => (chart: Chart) => {
    const api = new FastApiBackend(chart, 'api', { image: 'api:v1' });
    const routes = new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: api }] });
    new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api], ...props({ api, routes }) });
  };
  test.each<[string, (parts: { api: FastApiBackend; routes: IngressRoutes }) => Partial<AppNetworkPoliciesProps>, RegExp]>([
    ['a malformed egress CIDR', ({ api }) => ({ externalEgress: [{ from: api, ports: [443], cidr: '10.0.0.0' }] }), /externalEgress\.cidr must be a CIDR \(an IP address, "\/" and a prefix length\); got "10\.0\.0\.0"/],
    ['an ingress rule without namespaces or pod labels', ({ api }) => ({ ingressFrom: [{ to: api }] }), /ingressFrom needs namespaces or podLabels/],
    ['an ingress namespace that is not a name', ({ api }) => ({ ingressFrom: [{ to: api, namespaces: ['Monitoring'] }] }), /ingressFrom\.namespaces\[0\] must be a DNS-1123 label/],
    ['internal egress without ports or a target', ({ api }) => ({ internalEgress: [{ from: api, namespaces: ['observability'] }] }), /internalEgress\.ports is required without `to`/],
    ['routes that are not IngressRoutes (plain JavaScript)', () => ({ routes: ['routes'] as any }), /routes must be an IngressRoutes or a list of them/],
  ])('%s', (_, props, message) => {
    const error = failure(policies(props));
    expect(error).toMatch(message);
    expect(error).toMatch(/AppNetworkPolicies 'test\/policies'/);
  });

  test('a Prometheus-scraped workload the policies do not admit a scraper to', () => {
    const error = failure((chart) => {
      const api = new FastApiBackend(chart, 'api', { image: 'api:v1', prometheus: { port: 9000 }, ports: [{ name: 'metrics', containerPort: 9000 }] });
      const routes = new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: api }] });
      new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api] });
    });
    expect(error).toMatch(/AppNetworkPolicies 'test\/policies': test\/api has Prometheus scrape annotations on port 9000, but default-deny blocks the scraper\. Admit it: ingressFrom: \[\{ to: api, namespaces: \["monitoring"\], ports: \[9000\] \}\]/);
  });

  test('a NodePort workload of the namespace that is not in workloads', () => {
    const error = failure((chart) => {
      const api = new FastApiBackend(chart, 'api', { image: 'api:v1' });
      new FastApiBackend(chart, 'admin', { image: 'admin:v1', serviceType: ServiceType.NODE_PORT });
      const routes = new IngressRoutes(chart, 'routes', { routes: [{ path: '/', target: api }] });
      new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api] });
    });
    expect(error).toMatch(/test\/admin has a NodePort Service, but default-deny blocks its outside clients\. Add it to workloads, so the policies admit them\./);
  });

  test('an invalid namespace name (plain JavaScript number)', () => {
    expect(failure((chart) => new AppNamespace(chart, 'ns', { name: 7 as any }))).toMatch(/^AppNamespace 'test\/ns': name must be a string; a number was given; got 7\./);
  });
});

describe('the app refuses duplicate objects across charts, naming both construct paths', () => {
  test('two workloads with one name in one namespace', () => {
    const app = new App();
    new FastApiBackend(new Chart(app, 'one', { namespace: 'shop' }), 'api', { image: 'api:v1' });
    new FastApiBackend(new Chart(app, 'two', { namespace: 'shop' }), 'api', { image: 'api:v2' });
    const error = thrownMessage(() => app.synthYaml());
    expect(error).toContain("Deployment.apps shop/api is defined 2 times, by 'one/api/deployment' and 'two/api/deployment'; kubectl would apply one over the other.");
    expect(error).toContain("Service shop/api is defined 2 times, by 'one/api/service' and 'two/api/service'");
  });

  test('two AppNetworkPolicies in one namespace', () => {
    const app = new App();
    for (const id of ['one', 'two']) {
      const chart = new Chart(app, id, { namespace: 'shop' });
      const api = new FastApiBackend(chart, `api-${id}`, { image: 'api:v1' });
      const routes = new IngressRoutes(chart, 'routes', { name: `routes-${id}`, routes: [{ path: '/', target: api }] });
      new AppNetworkPolicies(chart, 'policies', { routes, workloads: [api] });
    }
    expect(thrownMessage(() => app.synthYaml())).toContain("NetworkPolicy.networking.k8s.io shop/default-deny is defined 2 times, by 'one/policies/default-deny' and 'two/policies/default-deny'");
  });

  test('one nodePort used twice in the app', () => {
    const app = new App();
    new FastApiBackend(new Chart(app, 'one', { namespace: 'a' }), 'api', { image: 'api:v1', serviceType: ServiceType.NODE_PORT, nodePort: 30080 });
    new NextFrontend(new Chart(app, 'two', { namespace: 'b' }), 'web', { image: 'web:v1', serviceType: ServiceType.NODE_PORT, nodePort: 30080 });
    expect(thrownMessage(() => app.synthYaml())).toContain("nodePort 30080 is used by 2 Services, 'one/api/service' and 'two/web/service'; a node port belongs to one Service in the cluster.");
  });

  test('the same names in different namespaces are fine', () => {
    const app = new App();
    new FastApiBackend(new Chart(app, 'one', { namespace: 'a' }), 'api', { image: 'api:v1' });
    new FastApiBackend(new Chart(app, 'two', { namespace: 'b' }), 'api', { image: 'api:v1' });
    expect(() => app.synthYaml()).not.toThrow();
  });
});
