/**
 * The todo Helm chart (helm/todo/, written by `npm run helm` from the same constructs as the plain YAML), checked with
 * the real helm v3.16: the committed chart is current, every values file renders exactly its environment's objects,
 * `helm lint --strict` passes, --set variants pass the project's validation and change what they should, and
 * values.schema.json (and the generated `fail` checks) refuse bad values with Helm's message naming the value.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ENVIRONMENTS, buildApp, validationOptions } from '../app';
import { version } from '../package.json';
import { formatReport, hasErrors, validateManifests } from '../lib/validation';
import { k8sTools, run } from './k8s-tools';

const root = path.resolve(__dirname, '..');
const committed = path.join(root, 'helm', 'todo');
const generated = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-chart-'));
const tools = k8sTools();
const environments = Object.keys(ENVIRONMENTS);

const valuesFile = (environment: string) => path.join(generated, environment === 'local' ? 'values.yaml' : `values-${environment}.yaml`);

function parseDocuments(yaml: string): any[] {
  return YAML.parseAllDocuments(yaml).map((document) => document.toJS()).filter((object) => object !== null);
}

function template(environment: string, ...args: string[]): any[] {
  return parseDocuments(run(tools.helm, ['template', 'todo', generated, '-n', ENVIRONMENTS[environment].namespace, '-f', valuesFile(environment), ...args]));
}

/** What helm prints when it refuses (non-zero exit). */
function refusal(args: string[]): string {
  try {
    run(tools.helm, ['template', 'todo', generated, '-n', 'todo-local', ...args]);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`helm template ${args.join(' ')} succeeded`);
}

function plainObjects(environment: string): any[] {
  return Testing.synth(buildApp({ environments: [environment] }).charts[0]);
}

const identity = (object: any) => `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
const byIdentity = (a: any, b: any) => identity(a).localeCompare(identity(b));
const find = (objects: any[], kind: string, name?: string) => objects.find((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
const kindsOf = (objects: any[]) => [...new Set(objects.map((object) => object.kind))].sort();

function listFiles(directory: string): string[] {
  return fs.readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .sort();
}

beforeAll(() => {
  // The documented command, `npm run helm`, runs this script.
  execFileSync('node', [path.join(root, 'tools', 'helm-charts.js'), '--output', generated], { cwd: root, stdio: 'pipe' });
}, 120_000);

afterAll(() => fs.rmSync(generated, { recursive: true, force: true }));

describe('the committed chart', () => {
  test('is what npm run helm writes now (run it and commit helm/todo when this fails)', () => {
    expect(listFiles(committed)).toEqual(listFiles(generated));
    for (const file of listFiles(generated)) {
      expect({ file, content: fs.readFileSync(path.join(committed, file), 'utf8') }).toEqual({ file, content: fs.readFileSync(path.join(generated, file), 'utf8') });
    }
  });

  test('is one chart with a values file per environment, a schema, NOTES.txt and helpers, versioned with the package', () => {
    const chart = YAML.parse(fs.readFileSync(path.join(generated, 'Chart.yaml'), 'utf8'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'todo', version, appVersion: version, type: 'application' });
    expect(listFiles(generated)).toEqual(expect.arrayContaining([
      'values.yaml', 'values-local-istio.yaml', 'values-minikube.yaml', 'values-production.yaml', 'values.schema.json',
      'templates/NOTES.txt', 'templates/_helpers.tpl',
    ]));
    expect(fs.existsSync(path.join(generated, 'crds'))).toBe(false);
  });

  test('helm package gives a versioned archive', () => {
    const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-package-'));
    try {
      run(tools.helm, ['package', generated, '--destination', destination]);
      expect(fs.readdirSync(destination)).toEqual([`todo-${version}.tgz`]);
    } finally {
      fs.rmSync(destination, { recursive: true, force: true });
    }
  });

  test('helm show values prints the defaults', () => {
    const values = YAML.parse(run(tools.helm, ['show', 'values', generated]));
    expect(values.backend.image).toEqual({ registry: '', repository: 'todo-backend', tag: ENVIRONMENTS.local.defaultImageTag, pullPolicy: 'IfNotPresent' });
  });
});

describe.each(environments)('values for %s', (environment) => {
  test('helm template -n todo-<env> renders exactly the objects of the plain YAML but the Namespace, field for field', () => {
    const rendered = template(environment);
    const plain = plainObjects(environment);
    expect(rendered.sort(byIdentity)).toEqual(plain.filter((object) => object.kind !== 'Namespace').sort(byIdentity));
  });

  test('passes helm lint --strict', () => {
    const output = run(tools.helm, ['lint', '--strict', generated, '-f', valuesFile(environment), '--namespace', ENVIRONMENTS[environment].namespace]);
    expect(output).toContain('1 chart(s) linted, 0 chart(s) failed');
  });
});

test('objects go into the release namespace; the chart never holds the Namespace', () => {
  const rendered = parseDocuments(run(tools.helm, ['template', 'todo', generated, '-n', 'team-a']));
  expect(rendered.map((object) => object.kind)).not.toContain('Namespace');
  const namespaced = rendered.filter((object) => !['StorageClass', 'PersistentVolume'].includes(object.kind));
  expect(namespaced.map((object) => object.metadata.namespace)).toEqual(namespaced.map(() => 'team-a'));
  expect(find(rendered, 'StorageClass').metadata.name).toBe('team-a-todo-data-retain');
});

test('the SQLite claim survives helm uninstall', () => {
  expect(find(template('local'), 'PersistentVolumeClaim').metadata.annotations['helm.sh/resource-policy']).toBe('keep');
});

/** Renders the local values with --set flags, validates the result like synth does, and returns the objects. */
function variant(environment: string, sets: string[]): any[] {
  const objects = template(environment, ...sets.flatMap((set) => ['--set', set]));
  // The release namespace exists before the install (the chart never holds it).
  const options = validationOptions(ENVIRONMENTS[environment]);
  const violations = validateManifests(objects, { ...options, externalNamespaces: [...(options.externalNamespaces ?? []), ENVIRONMENTS[environment].namespace] });
  if (hasErrors(violations)) throw new Error(`${sets.join(' ')}:\n${formatReport(violations)}`);
  return objects;
}

const backendContainer = (objects: any[]) => find(objects, 'Deployment', 'todo-backend').spec.template.spec.containers[0];
const backendChecksum = (objects: any[]) => find(objects, 'Deployment', 'todo-backend').spec.template.metadata.annotations['checksum/config'];

describe('--set variants pass the validation (schema, Pod Security restricted, hygiene) and change what they should', () => {
  const base = () => template('local');

  test('another tag and registry: both images, the version labels', () => {
    const objects = variant('local', ['backend.image.tag=v9.9.9', 'backend.image.registry=ghcr.io/acme', 'frontend.image.pullPolicy=Always']);
    expect(backendContainer(objects).image).toBe('ghcr.io/acme/todo-backend:v9.9.9');
    expect(find(objects, 'Deployment', 'todo-backend').metadata.labels['app.kubernetes.io/version']).toBe('v9.9.9');
    expect(find(objects, 'Deployment', 'todo-frontend').spec.template.spec.containers[0]).toMatchObject({ image: `todo-frontend:${ENVIRONMENTS.local.defaultImageTag}`, imagePullPolicy: 'Always' });
  });

  test('persistence off with 3 backend replicas: no claim, no StorageClass, a rolling update', () => {
    const objects = variant('local', ['persistence.enabled=false', 'backend.replicaCount=3']);
    expect(kindsOf(objects)).not.toContain('PersistentVolumeClaim');
    expect(kindsOf(objects)).not.toContain('StorageClass');
    expect(find(objects, 'Deployment', 'todo-backend').spec).toMatchObject({ replicas: 3, strategy: { type: 'RollingUpdate' } });
    expect(backendContainer(objects).env).toBeUndefined();
  });

  test('autoscaling on (external database): a HorizontalPodAutoscaler owns the count', () => {
    const objects = variant('local', ['persistence.enabled=false', 'backend.autoscaling.enabled=true', 'backend.autoscaling.maxReplicas=7']);
    expect(find(objects, 'HorizontalPodAutoscaler', 'todo-backend').spec).toMatchObject({ minReplicas: 2, maxReplicas: 7 });
    expect(find(objects, 'Deployment', 'todo-backend').spec.replicas).toBeUndefined();
  });

  test('minikube with autoscaling off and 3 replicas', () => {
    const objects = variant('minikube', ['backend.autoscaling.enabled=false', 'backend.replicaCount=3']);
    expect(find(objects, 'HorizontalPodAutoscaler', 'todo-backend')).toBeUndefined();
    expect(find(objects, 'HorizontalPodAutoscaler', 'todo-frontend')).toBeDefined();
    expect(find(objects, 'Deployment', 'todo-backend').spec.replicas).toBe(3);
  });

  test('TLS on: the Ingress terminates TLS for the host', () => {
    const objects = variant('local', ['ingress.tls=true', 'ingress.tlsSecretName=todo-cert', 'ingress.hostname=todo.example.org']);
    expect(find(objects, 'Ingress').spec.tls).toEqual([{ hosts: ['todo.example.org'], secretName: 'todo-cert' }]);
    expect(find(objects, 'Ingress').spec.rules[0].host).toBe('todo.example.org');
  });

  test('network policies on in local: default deny plus the allowed paths', () => {
    expect(kindsOf(base())).not.toContain('NetworkPolicy');
    const objects = variant('local', ['networkPolicy.enabled=true']);
    expect(objects.filter((object) => object.kind === 'NetworkPolicy').map((object) => object.metadata.name)).toEqual(expect.arrayContaining(['default-deny', 'allow-dns']));
  });

  test('Istio routing: Gateway and VirtualService instead of the Ingress', () => {
    const objects = variant('local', ['routing.kind=istio']);
    expect(kindsOf(objects)).toEqual(expect.arrayContaining(['Gateway', 'VirtualService']));
    expect(kindsOf(objects)).not.toContain('Ingress');
  });

  test('Gateway API routing with another parent', () => {
    const objects = variant('local', ['routing.kind=gatewayApi', 'gatewayApi.parentRef.name=edge', 'gatewayApi.parentRef.sectionName=']);
    expect(find(objects, 'HTTPRoute').spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gateway-system' }]);
  });

  test('backend config: LOG_LEVEL reaches the ConfigMap and the checksum Helm computes changes, so the pods roll', () => {
    const objects = variant('local', ['backend.config.LOG_LEVEL=debug']);
    expect(find(objects, 'ConfigMap', 'todo-backend-config').data.LOG_LEVEL).toBe('debug');
    expect(backendChecksum(objects)).toMatch(/^[0-9a-f]{64}$/);
    expect(backendChecksum(objects)).not.toBe(backendChecksum(base()));
  });

  test('resources, service port and persistence size and class', () => {
    const objects = variant('local', ['backend.resources.limits.memory=1Gi', 'backend.service.port=8080', 'persistence.size=20Gi',
      'persistence.retainingProvisioner=', 'persistence.storageClass=fast']);
    expect(backendContainer(objects).resources.limits.memory).toBe('1Gi');
    expect(find(objects, 'Service', 'todo-backend').spec.ports[0].port).toBe(8080);
    expect(find(objects, 'ConfigMap', 'todo-frontend-config').data.BACKEND_URL).toBe('http://todo-backend.todo-local.svc.cluster.local:8080');
    expect(find(objects, 'PersistentVolumeClaim').spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '20Gi' } } });
    expect(kindsOf(objects)).not.toContain('StorageClass');
  });

  test('an existing Secret by another name', () => {
    const objects = variant('production', ['existingSecret=app-credentials']);
    expect(backendContainer(objects).envFrom).toContainEqual({ secretRef: { name: 'app-credentials', optional: false } });
    expect(find(objects, 'Deployment', 'todo-frontend').spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe('app-credentials');
  });

  test('production without PDBs and with API docs exposed', () => {
    const objects = variant('production', ['pdb.create=false', 'ingress.exposeApiDocs=true']);
    expect(kindsOf(objects)).not.toContain('PodDisruptionBudget');
    expect(find(objects, 'HTTPRoute').spec.rules.map((rule: any) => rule.matches[0].path.value)).toContain('/docs');
  });
});

describe('bad values are refused with Helm\'s message naming the value', () => {
  test.each([
    ['replicas 0', ['--set', 'persistence.enabled=false', '--set', 'backend.replicaCount=0'], /backend\.replicaCount: Must be greater than or equal to 1/],
    ['a tag with a space', ['--set', 'backend.image.tag=v1 beta'], /backend\.image\.tag: Does not match pattern/],
    ['an unknown routing kind', ['--set', 'routing.kind=traefik'], /routing\.kind: routing\.kind must be one of the following/],
    ['an unknown top-level key', ['--set', 'replicas=2'], /Additional property replicas is not allowed/],
    ['a size in megabytes', ['--set', 'persistence.size=512MB'], /persistence\.size: Does not match pattern/],
    ['SQLite with two backend replicas', ['--set', 'backend.replicaCount=2'], /backend\.replicaCount: backend\.replicaCount does not match: 1/],
    ['MODE real without a model server', ['--set', 'backend.config.MODE=real'], /MODEL_SERVER_URL: String length must be greater than or equal to 1/],
  ])('values.schema.json: %s', (_, args, message) => {
    expect(refusal(args)).toMatch(message);
  });

  test('autoscaling minReplicas above maxReplicas (a fail in the templates)', () => {
    expect(refusal(['-f', valuesFile('minikube'), '--set', 'backend.autoscaling.minReplicas=5'])).toContain('backend.autoscaling.minReplicas must not exceed backend.autoscaling.maxReplicas');
  });

  test('combinations the constructs refuse fail with the construct\'s message', () => {
    expect(refusal(['--set', 'routing.kind=gatewayApi', '--set', 'ingress.tls=true'])).toContain('tls is set on the Gateway listener with the Gateway API');
    expect(refusal(['--set', 'persistence.hostPath=/srv/todo'])).toContain('hostPath and retainingStorageClass are exclusive');
  });
});
