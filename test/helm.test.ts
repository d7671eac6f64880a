/**
 * The todo Helm chart (helm/todo/), checked with the real helm v3.16: its derived files are what `npm run helm`
 * writes from the values schema and the environments, each values file renders exactly its environment's objects,
 * `helm lint --strict` passes, the Bitnami conventions hold (release-scoped names, global values, nothing
 * cluster-scoped by default, a test hook), and bad values are refused with a message that names the value and the
 * fix. The random differential test over the whole schema is test/cluster/helm-differential.test.ts.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ENVIRONMENTS, RELEASE_TAG, TodoChart, buildApp, defaultValues, environmentChart, mergeValues } from '../app';
import { version } from '../package.json';
import { formatReport, hasErrors, validateManifests } from '../lib/validation';
import { k8sTools, run } from './k8s-tools';

const root = path.resolve(__dirname, '..');
const chart = path.join(root, 'helm', 'todo');
const generated = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-chart-'));
const tools = k8sTools();
const environments = Object.keys(ENVIRONMENTS);

const valuesFile = (environment: string) => path.join(chart, `values-${environment}.yaml`);

function parseDocuments(yaml: string): any[] {
  return YAML.parseAllDocuments(yaml).map((document) => document.toJS()).filter((object) => object !== null);
}

/** `helm template` of the committed chart (test hooks left out, as they are not part of the release's objects). */
function template(release: string, namespace: string, ...args: string[]): any[] {
  return parseDocuments(run(tools.helm, ['template', release, chart, '-n', namespace, '--skip-tests', ...args]));
}

function environmentTemplate(environment: string, ...args: string[]): any[] {
  // Each environment is the release named like its namespace.
  return template(ENVIRONMENTS[environment].namespace, ENVIRONMENTS[environment].namespace, '-f', valuesFile(environment), ...args);
}

/** What helm prints when it refuses (non-zero exit). */
function refusal(args: string[]): string {
  try {
    run(tools.helm, ['template', 'todo', chart, '-n', 'todo-local', ...args]);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`helm template ${args.join(' ')} succeeded`);
}

const identity = (object: any) => `${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name}`;
const byIdentity = (a: any, b: any) => identity(a).localeCompare(identity(b));
const find = (objects: any[], kind: string, name?: string) => objects.find((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
const kindsOf = (objects: any[]) => [...new Set(objects.map((object) => object.kind))].sort();

beforeAll(() => {
  // The documented command, `npm run helm`, runs this script.
  execFileSync('node', [path.join(root, 'tools', 'helm-charts.js'), '--output', generated], { cwd: root, stdio: 'pipe' });
}, 120_000);

afterAll(() => fs.rmSync(generated, { recursive: true, force: true }));

describe('the committed chart', () => {
  test('holds what npm run helm derives from the schema and the environments (run it and commit helm/todo when this fails)', () => {
    const files = (directory: string) => fs.readdirSync(directory, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
      .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name))).sort();
    expect(files(chart)).toEqual(files(generated));
    for (const file of files(generated)) {
      expect({ file, content: fs.readFileSync(path.join(chart, file), 'utf8') }).toEqual({ file, content: fs.readFileSync(path.join(generated, file), 'utf8') });
    }
  });

  test('values-<env>.yaml is the environment\'s values as written in app/environments.ts, nothing read back from output', () => {
    for (const environment of environments) {
      expect(YAML.parse(fs.readFileSync(valuesFile(environment), 'utf8'))).toEqual(ENVIRONMENTS[environment].values);
    }
    expect(YAML.parse(fs.readFileSync(path.join(chart, 'values.yaml'), 'utf8'))).toEqual(defaultValues());
  });

  test('Chart.yaml: versioned with the package, with the Kubernetes versions it needs', () => {
    expect(YAML.parse(fs.readFileSync(path.join(chart, 'Chart.yaml'), 'utf8')))
      .toMatchObject({ apiVersion: 'v2', name: 'todo', version, appVersion: version, type: 'application', kubeVersion: '>=1.25.0-0' });
    expect(fs.existsSync(path.join(chart, 'crds'))).toBe(false);
  });

  test('the README lists every value with its description and default', () => {
    const readme = fs.readFileSync(path.join(chart, 'README.md'), 'utf8');
    for (const line of ['| `backend.image.tag` | Tag of the backend image |', '| `global.imageRegistry` |', '| `persistence.retainingProvisioner` |', '| `routing.kind` |']) {
      expect(readme).toContain(line);
    }
  });

  test('helm package gives a versioned archive', () => {
    const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-package-'));
    try {
      run(tools.helm, ['package', chart, '--destination', destination]);
      expect(fs.readdirSync(destination)).toEqual([`todo-${version}.tgz`]);
    } finally {
      fs.rmSync(destination, { recursive: true, force: true });
    }
  });
});

describe.each(environments)('values-%s.yaml', (environment) => {
  test('helm template -n <namespace> renders exactly the objects of dist/<env> but the Namespace, field for field', () => {
    const plain = Testing.synth(buildApp({ environments: [environment] }).charts[0]).filter((object: any) => object.kind !== 'Namespace');
    expect(environmentTemplate(environment).sort(byIdentity)).toEqual(plain.sort(byIdentity));
  });

  test('passes helm lint --strict', () => {
    const output = run(tools.helm, ['lint', '--strict', chart, '-f', valuesFile(environment), '--namespace', ENVIRONMENTS[environment].namespace]);
    expect(output).toContain('1 chart(s) linted, 0 chart(s) failed');
  });
});

describe('Bitnami conventions', () => {
  const defaults = () => template('shop', 'team-a');

  test('the defaults: names start with the release, instance is the release, nothing cluster-scoped, no Namespace', () => {
    const objects = defaults();
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      'ConfigMap/shop-todo-backend-config', 'ConfigMap/shop-todo-frontend-config', 'Deployment/shop-todo-backend', 'Deployment/shop-todo-frontend',
      'Ingress/shop-todo', 'PersistentVolumeClaim/shop-todo-data', 'Service/shop-todo-backend', 'Service/shop-todo-frontend',
    ]);
    for (const object of objects) {
      expect(object.metadata.namespace).toBe('team-a');
      expect(object.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'shop', 'helm.sh/chart': `todo-${version}` });
    }
  });

  test('what the chart renders is what TodoChart builds for the same values and release', () => {
    const built = new TodoChart(new App(), 'shop', { values: defaultValues(), release: { name: 'shop', namespace: 'team-a' } });
    expect(defaults().sort(byIdentity)).toEqual(Testing.synth(built).filter((object: any) => object.kind !== 'Namespace').sort(byIdentity));
  });

  test('two releases in one namespace share no object name and select only their own pods', () => {
    const first = defaults();
    const second = template('blog', 'team-a');
    const names = (objects: any[]) => objects.map(identity);
    expect(names(first).filter((name) => names(second).includes(name))).toEqual([]);
    expect(find(second, 'Service', 'blog-todo-backend').spec.selector).toEqual({ 'app.kubernetes.io/instance': 'blog', 'app.kubernetes.io/name': 'blog-todo-backend' });
  });

  test('nameOverride and fullnameOverride', () => {
    expect(find(template('shop', 'team-a', '--set', 'nameOverride=tasks'), 'Deployment').metadata.name).toBe('shop-tasks-backend');
    expect(find(template('shop', 'team-a', '--set', 'fullnameOverride=agenda'), 'Deployment').metadata.name).toBe('agenda-backend');
  });

  test('global: imageRegistry over the images\' own, imagePullSecrets, storageClass; other subcharts\' globals are accepted', () => {
    const objects = template('todo', 'team-a', '--set', 'global.imageRegistry=registry.example.com/mirror', '--set', 'global.imagePullSecrets[0]=regcred',
      '--set', 'global.storageClass=fast', '--set', 'global.postgresql.auth.database=todo', '--set', 'backend.image.registry=ghcr.io/acme');
    const pod = find(objects, 'Deployment', 'todo-backend').spec.template.spec;
    expect(pod.containers[0].image).toBe(`registry.example.com/mirror/todo-backend:${RELEASE_TAG}`);
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(find(objects, 'PersistentVolumeClaim').spec.storageClassName).toBe('fast');
  });

  test('routing.kind none writes no routing object', () => {
    expect(kindsOf(template('todo', 'team-a', '--set', 'routing.kind=none'))).toEqual(['ConfigMap', 'Deployment', 'PersistentVolumeClaim', 'Service']);
  });

  test('a helm test hook calls /health through the backend Service, as a restricted pod', () => {
    const hooks = parseDocuments(run(tools.helm, ['template', 'todo', chart, '-n', 'team-a'])).filter((object) => object.metadata.annotations?.['helm.sh/hook'] === 'test');
    expect(hooks.map((hook) => `${hook.kind}/${hook.metadata.name}`)).toEqual(['Pod/todo-test-health']);
    expect(hooks[0].spec.containers[0].command.join(' ')).toContain('http://todo-backend.team-a.svc.cluster.local:8000/health');
    const violations = validateManifests(hooks, { externalNamespaces: ['team-a'] });
    expect(formatReport(violations.filter((violation) => violation.rule.startsWith('pss-')))).toBe(formatReport([]));
  });

  test('the SQLite claim survives helm uninstall', () => {
    expect(find(defaults(), 'PersistentVolumeClaim').metadata.annotations['helm.sh/resource-policy']).toBe('keep');
  });
});

/** Renders with --set flags, validates the result like synth does, and checks it against TodoChart for the same values. */
function variant(environment: string, sets: Record<string, unknown>): any[] {
  const objects = environmentTemplate(environment, ...Object.entries(sets).flatMap(([key, value]) => ['--set-json', `${key}=${JSON.stringify(value)}`]));
  const patch = {};
  for (const [key, value] of Object.entries(sets)) {
    key.split('.').reduce<Record<string, any>>((node, part, index, parts) => (node[part] ??= index === parts.length - 1 ? value : {}), patch);
  }
  const built = environmentChart(new App(), ENVIRONMENTS[environment], patch);
  expect(objects.sort(byIdentity)).toEqual(Testing.synth(built).filter((object: any) => object.kind !== 'Namespace').sort(byIdentity));
  const violations = validateManifests(objects, { ...built.validationOptions, externalNamespaces: [...(built.validationOptions.externalNamespaces ?? []), ENVIRONMENTS[environment].namespace] });
  if (hasErrors(violations)) throw new Error(`${JSON.stringify(sets)}:\n${formatReport(violations)}`);
  return objects;
}

describe('--set variants equal TodoChart for the same values and pass the validation', () => {
  test('integer CPU values from --set, HPA targets above 100, a wildcard host', () => {
    const objects = variant('minikube', { 'backend.resources.limits.cpu': 2, 'backend.autoscaling.targetCPUUtilizationPercentage': 150, 'ingress.hostname': '*.todo.example.com' });
    expect(find(objects, 'Deployment', 'todo-backend').spec.template.spec.containers[0].resources.limits.cpu).toBe('2');
    expect(find(objects, 'Ingress').spec.rules[0].host).toBe('*.todo.example.com');
  });

  test('the escape hatches pass through: pod annotations, scheduling, extra volumes, ingress annotations, common labels', () => {
    const objects = variant('minikube', {
      'frontend.podAnnotations': { 'example.com/team': 'web' },
      'frontend.nodeSelector': { 'kubernetes.io/os': 'linux' },
      'frontend.tolerations': [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      'frontend.extraVolumes': [{ name: 'branding', configMap: { name: 'branding' } }],
      'frontend.extraVolumeMounts': [{ name: 'branding', mountPath: '/app/public/branding', readOnly: true }],
      'ingress.annotations': { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      'commonLabels': { 'example.com/cost-center': 'web' },
    });
    const pod = find(objects, 'Deployment', 'todo-frontend').spec.template;
    expect(pod.metadata.annotations['example.com/team']).toBe('web');
    expect(pod.spec.tolerations).toHaveLength(1);
    expect(find(objects, 'Ingress').metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(objects.every((object) => object.metadata.labels['example.com/cost-center'] === 'web')).toBe(true);
  });

  test('Gateway API with the release namespace as the Gateway\'s: the policies admit the release namespace, not ""', () => {
    const objects = variant('production', { 'gatewayApi.parentRef.namespace': '' });
    expect(find(objects, 'NetworkPolicy', 'todo-backend-from-routing').spec.ingress[0].from)
      .toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'todo-production' } } }]);
  });

  test('topology spread only where more than one pod can run', () => {
    const objects = variant('minikube', { 'backend.autoscaling.enabled': false, 'backend.replicaCount': 1 });
    expect(find(objects, 'Deployment', 'todo-backend').spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(find(objects, 'Deployment', 'todo-frontend').spec.template.spec.topologySpreadConstraints).toHaveLength(1);
  });

  test('an existing claim: mounted, and no claim, class or volume of the chart\'s own', () => {
    const objects = variant('local', { 'persistence.existingClaim': 'legacy-data', 'persistence.retainingProvisioner': '' });
    expect(kindsOf(objects)).not.toContain('PersistentVolumeClaim');
    expect(kindsOf(objects)).not.toContain('StorageClass');
    expect(find(objects, 'Deployment', 'todo-backend').spec.template.spec.volumes).toContainEqual({ name: 'sqlite', persistentVolumeClaim: { claimName: 'legacy-data' } });
  });

  test('a ServiceAccount per workload, and pod labels', () => {
    const objects = variant('minikube', { 'backend.serviceAccount.create': true, 'frontend.podLabels': { 'sidecar.example.com/inject': 'true' } });
    expect(find(objects, 'ServiceAccount', 'todo-backend').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'Deployment', 'todo-backend').spec.template.spec.serviceAccountName).toBe('todo-backend');
    expect(find(objects, 'Deployment', 'todo-frontend').spec.template.metadata.labels['sidecar.example.com/inject']).toBe('true');
  });

  test('writeAccess: production is read-only until a release says who may write; the preStop hook of each workload', () => {
    const backendConfig = (objects: any[]) => find(objects, 'ConfigMap', 'todo-backend-config').data;
    expect(backendConfig(variant('production', {}))).toMatchObject({ READ_ONLY: 'true' });
    for (const access of ['anonymous', 'authenticated']) expect(backendConfig(variant('production', { writeAccess: access }))).not.toHaveProperty('READ_ONLY');
    const objects = variant('minikube', { 'writeAccess': 'read-only', 'backend.preStop.enabled': true, 'backend.preStop.delaySeconds': 12 });
    expect(backendConfig(objects)).toMatchObject({ READ_ONLY: 'true' });
    expect(find(objects, 'Deployment', 'todo-backend').spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '12'] } } });
    expect(find(objects, 'Deployment', 'todo-frontend').spec.template.spec.containers[0].lifecycle).toBeUndefined();
  });

  test('extra environment: EnvVar objects after the chart\'s own, ConfigMap and Secret sources before the chart\'s (whose settings win)', () => {
    const objects = variant('local', {
      'backend.extraEnvVars': [{ name: 'DATA_DIR_URL', value: '$(DATABASE_URL)' }, { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
      'backend.extraEnvVarsCM': 'extra-config',
      'backend.extraEnvVarsSecret': 'extra-secrets',
      'frontend.extraEnvVars': [{ name: 'SENTRY_DSN', valueFrom: { secretKeyRef: { name: 'sentry', key: 'dsn' } } }],
    });
    const container = (name: string) => find(objects, 'Deployment', name).spec.template.spec.containers[0];
    // After DATABASE_URL, so $(DATABASE_URL) expands; before the chart's ConfigMap and Secret, so a key they share is the chart's.
    expect(container('todo-backend').env.map((variable: any) => variable.name)).toEqual(['DATABASE_URL', 'DATA_DIR_URL', 'POD_IP']);
    expect(container('todo-backend').envFrom).toEqual([
      { configMapRef: { name: 'extra-config' } }, { secretRef: { name: 'extra-secrets' } },
      { configMapRef: { name: 'todo-backend-config' } }, { secretRef: { name: 'todo-secrets', optional: true } },
    ]);
    expect(container('todo-frontend').env.map((variable: any) => variable.name)).toEqual(['BETTER_AUTH_SECRET', 'SENTRY_DSN']);
    expect(container('todo-frontend').envFrom).toEqual([{ configMapRef: { name: 'todo-frontend-config' } }]);
  });

  test('extra hosts get every route in each routing kind; extra certificates on the Ingress', () => {
    const extra = { 'ingress.extraHosts': ['www.todo.local', '*.apps.todo.local'] };
    const ingress = variant('minikube', { ...extra, 'ingress.extraTls': [{ hosts: ['www.todo.local'], secretName: 'www-tls' }] });
    const spec = find(ingress, 'Ingress').spec;
    expect(spec.rules.map((rule: any) => rule.host)).toEqual(['todo.local', 'www.todo.local', '*.apps.todo.local']);
    expect(new Set(spec.rules.map((rule: any) => JSON.stringify(rule.http)))).toHaveProperty('size', 1);
    expect(spec.tls).toEqual([{ hosts: ['www.todo.local'], secretName: 'www-tls' }]);
    expect(find(variant('production', { 'ingress.extraHosts': ['www.todo.example.com'] }), 'HTTPRoute').spec.hostnames).toEqual(['todo.example.com', 'www.todo.example.com']);
    const istio = variant('local-istio', { 'ingress.hostname': 'todo.localhost', ...extra, 'ingress.tls': true });
    expect(find(istio, 'Gateway').spec.servers.map((server: any) => server.hosts)).toEqual([['todo.localhost', 'www.todo.local', '*.apps.todo.local'], ['todo.localhost', 'www.todo.local', '*.apps.todo.local']]);
    expect(find(istio, 'VirtualService').spec.hosts).toEqual(['todo.localhost', 'www.todo.local', '*.apps.todo.local']);
  });

  test('ServiceAccount annotations (workload identity) on the ServiceAccount the chart creates', () => {
    const objects = variant('minikube', { 'frontend.serviceAccount.create': true, 'frontend.serviceAccount.annotations': { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/web' } });
    expect(find(objects, 'ServiceAccount', 'todo-frontend').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/web' });
  });

  test('a config value rolls the pods: the checksum Helm computes is the constructs\'', () => {
    const objects = variant('local', { 'backend.config.LOG_LEVEL': 'debug' });
    expect(find(objects, 'ConfigMap', 'todo-backend-config').data.LOG_LEVEL).toBe('debug');
  });
});

describe('bad values are refused with a message that names the value and the fix', () => {
  test.each([
    ['a tag with a space', ['--set', 'backend.image.tag=v1 beta'], `backend.image.tag must be a Docker tag (letters, digits, "_", "." and "-", at most 128); got "v1 beta". Set it to a value such as "${RELEASE_TAG}".`],
    ['"latest" with pinned images', ['-f', valuesFile('production'), '--set', 'frontend.image.tag=latest'], 'frontend.image.tag must be a pinned release with pinnedImages'],
    ['a model server URL with credentials', ['--set', 'backend.config.MODE=real', '--set', 'backend.config.MODEL_SERVER_URL=https://me:pw@model.example/v1'], 'backend.config.MODEL_SERVER_URL must be an http(s) URL without credentials'],
    ['MODE real without a model server', ['--set', 'backend.config.MODE=real'], 'backend.config.MODEL_SERVER_URL is required with backend.config.MODE real'],
    ['SQLite with two backend replicas', ['--set', 'backend.replicaCount=2'], 'backend.replicaCount must be 1 with persistence.enabled: SQLite allows one writer; got 2.'],
    ['a CPU request above its limit', ['--set', 'frontend.resources.requests.cpu=2'], 'frontend.resources.requests.cpu must not exceed frontend.resources.limits.cpu; got 2 and "200m".'],
    ['a budget over a single pod', ['--set', 'frontend.pdb.create=true'], 'frontend.pdb.create needs at least 2 pods at all times'],
    ['a limit above the LimitRange maximum', ['-f', valuesFile('production'), '--set', 'backend.resources.limits.memory=4Gi'], 'backend.resources.limits.memory must not exceed namespaceLimits.containerLimits.maxMemory (2Gi)'],
    ['a quota without room for the SQLite claim', ['--set', 'namespaceLimits.enabled=true', '--set', 'namespaceLimits.quota.persistentVolumeClaims=0'], 'namespaceLimits.quota.persistentVolumeClaims must be at least 1 with persistence.enabled'],
    ['a size in megabytes', ['--set', 'persistence.size=512MB'], 'persistence.size must be a memory quantity such as "256Mi" or "1Gi"'],
    ['two ways to provide the volume', ['--set', 'persistence.hostPath=/srv/todo', '--set', 'persistence.storageClass=fast'], 'persistence.storageClass and persistence.hostPath are exclusive'],
    ['an existing claim and a volume to create', ['--set', 'persistence.existingClaim=legacy', '--set', 'persistence.hostPath=/srv/todo'], 'persistence.existingClaim is exclusive with persistence.hostPath'],
    ['a pod label the chart sets', ['--set', 'frontend.podLabels.app\\.kubernetes\\.io/name=web'], 'frontend.podLabels must not set app.kubernetes.io/name'],
    ['TLS with the Gateway API', ['--set', 'routing.kind=gatewayApi', '--set', 'ingress.tls=true', '--set', 'ingress.hostname=todo.example.com'], 'ingress.tls must be false with routing.kind gatewayApi'],
    ['an IP address as the host', ['--set', 'ingress.hostname=10.0.0.1'], 'ingress.hostname must be a DNS host name, not an IP address'],
    ['replicas 0', ['--set', 'persistence.enabled=false', '--set', 'backend.replicaCount=0'], 'backend.replicaCount: Must be greater than or equal to 1'],
    ['an unknown routing kind', ['--set', 'routing.kind=traefik'], 'routing.kind: routing.kind must be one of the following: "ingress", "istio", "gatewayApi", "none"'],
    ['an unknown key', ['--set', 'replicas=2'], 'Additional property replicas is not allowed'],
    ['an unknown write access', ['--set', 'writeAccess=everyone'], 'writeAccess: writeAccess must be one of the following: "anonymous", "authenticated", "read-only"'],
    ['a preStop delay that leaves no time to drain', ['--set', 'frontend.preStop.enabled=true', '--set', 'frontend.preStop.delaySeconds=30'],
      'frontend.preStop.delaySeconds: Must be less than or equal to 25'],
  ])('%s', (_, args, message) => {
    const printed = refusal(args);
    expect(printed).toContain(message);
    expect(printed).not.toMatch(/Must validate "then"|Does not match pattern/);
  });

  /** Values that both the chart and TodoChart refuse, with the same message. */
  const sameRefusal: Array<[string, string[], Record<string, unknown>, string]> = [
    ['an extra variable the chart sets', ['--set-json', 'backend.extraEnvVars=[{"name":"LOG_LEVEL","value":"debug"}]'], { backend: { extraEnvVars: [{ name: 'LOG_LEVEL', value: 'debug' }] } },
      'backend.extraEnvVars[0].name must not be a variable the chart sets itself (Kubernetes would keep one value and silently drop the other); got "LOG_LEVEL". '
      + 'Use another name: the chart sets DATABASE_URL, LOG_LEVEL, MODE, PYTHONDONTWRITEBYTECODE, PYTHONUNBUFFERED, each from a value of its own.'],
    ['the Secret key the frontend reads', ['--set-json', 'frontend.extraEnvVars=[{"name":"BETTER_AUTH_SECRET","valueFrom":{"secretKeyRef":{"name":"mine","key":"k"}}}]'],
      { frontend: { extraEnvVars: [{ name: 'BETTER_AUTH_SECRET', valueFrom: { secretKeyRef: { name: 'mine', key: 'k' } } }] } },
      'frontend.extraEnvVars[0].name must not be a variable the chart sets itself'],
    ['an extra variable listed twice', ['--set-json', 'frontend.extraEnvVars=[{"name":"A","value":"1"},{"name":"A","value":"2"}]'],
      { frontend: { extraEnvVars: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] } },
      'frontend.extraEnvVars[1].name is listed twice (Kubernetes would keep one value and silently drop the other); got "A". List each variable once.'],
    ['a plain value under a secret-looking name', ['--set-json', 'backend.extraEnvVars=[{"name":"SENTRY_AUTH_TOKEN","value":"abc"}]'],
      { backend: { extraEnvVars: [{ name: 'SENTRY_AUTH_TOKEN', value: 'abc' }] } },
      'backend.extraEnvVars[0].value looks like a secret (SENTRY_AUTH_TOKEN) and would be written in plain text to the Deployment; got <redacted>. '
      + 'Read it from a Secret: valueFrom.secretKeyRef, or backend.extraEnvVarsSecret.'],
    ['value and valueFrom', ['--set-json', 'backend.extraEnvVars=[{"name":"A","value":"1","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}]'],
      { backend: { extraEnvVars: [{ name: 'A', value: '1', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] } },
      'backend.extraEnvVars[0] sets both value and valueFrom (Kubernetes refuses that); got "A". Keep one of them.'],
    ['a bad variable name', ['--set-json', 'backend.extraEnvVars=[{"name":"1BAD","value":"x"}]'], { backend: { extraEnvVars: [{ name: '1BAD', value: 'x' }] } },
      'backend.extraEnvVars[0].name must be an environment variable name (letters, digits and "_", not starting with a digit); got "1BAD". Set it to a value such as "FEATURE_FLAGS".'],
    ['a Secret name with a space', ['--set', 'frontend.extraEnvVarsSecret=Extra Env'], { frontend: { extraEnvVarsSecret: 'Extra Env' } },
      'frontend.extraEnvVarsSecret must be a DNS name'],
    ['ServiceAccount annotations without a ServiceAccount to create', ['--set', 'backend.serviceAccount.annotations.iam\\.gke\\.io/gcp-service-account=todo@p.iam.gserviceaccount.com'],
      { backend: { serviceAccount: { annotations: { 'iam.gke.io/gcp-service-account': 'todo@p.iam.gserviceaccount.com' } } } },
      'backend.serviceAccount.annotations need backend.serviceAccount.create (the chart annotates only a ServiceAccount it creates); got ["iam.gke.io/gcp-service-account"]. '
      + 'Set backend.serviceAccount.create=true, or annotate your own ServiceAccount and name it in backend.serviceAccount.name.'],
    ['extra hosts without a hostname', ['--set-json', 'ingress.extraHosts=["www.todo.example.com"]'], { ingress: { extraHosts: ['www.todo.example.com'] } },
      'ingress.extraHosts needs ingress.hostname (with "" the routes answer on any host already); got ["www.todo.example.com"]. Set ingress.hostname, or remove extraHosts.'],
    ['an extra host twice', ['--set', 'ingress.hostname=todo.example.com', '--set-json', 'ingress.extraHosts=["todo.example.com"]'],
      { ingress: { hostname: 'todo.example.com', extraHosts: ['todo.example.com'] } },
      'ingress.extraHosts[0] is routed already (ingress.hostname or an earlier entry); got "todo.example.com". List each host once.'],
    ['an extra host with routing.kind none', ['--set', 'routing.kind=none', '--set', 'ingress.hostname=todo.example.com', '--set-json', 'ingress.extraHosts=["www.todo.example.com"]'],
      { routing: { kind: 'none' }, ingress: { hostname: 'todo.example.com', extraHosts: ['www.todo.example.com'] } },
      'ingress.extraHosts must be empty with routing.kind none (no routes are written); got 1 entries. Remove it, or choose a routing kind.'],
    ['an extra certificate with Istio', ['--set', 'routing.kind=istio', '--set', 'ingress.hostname=todo.example.com', '--set-json', 'ingress.extraTls=[{"hosts":["todo.example.com"],"secretName":"x-tls"}]'],
      { routing: { kind: 'istio' }, ingress: { hostname: 'todo.example.com', extraTls: [{ hosts: ['todo.example.com'], secretName: 'x-tls' }] } },
      'ingress.extraTls must be empty with routing.kind istio: the Istio Gateway serves every host with ingress.tlsSecretName; got 1 entries. Use one certificate that covers every host (a SAN or wildcard certificate).'],
    ['an extra certificate for a host that is not routed', ['--set', 'ingress.hostname=todo.example.com', '--set-json', 'ingress.extraTls=[{"hosts":["www.todo.example.com"],"secretName":"www-tls"}]'],
      { ingress: { hostname: 'todo.example.com', extraTls: [{ hosts: ['www.todo.example.com'], secretName: 'www-tls' }] } },
      'ingress.extraTls[0].hosts[0] must be a host the routes answer on (ingress.hostname or ingress.extraHosts); got "www.todo.example.com". Add it to ingress.extraHosts, or remove it.'],
    ['an extra host in capitals', ['--set', 'ingress.hostname=todo.example.com', '--set-json', 'ingress.extraHosts=["WWW.todo.example.com"]'],
      { ingress: { hostname: 'todo.example.com', extraHosts: ['WWW.todo.example.com'] } },
      'ingress.extraHosts[0] must be a DNS host name (an optional leading "*." is allowed) of at most 253 characters; got "WWW.todo.example.com". Set it to a value such as "todo.example.com".'],
  ];

  test.each(sameRefusal)('%s: the same words from helm and TodoChart', (_, args, patch, message) => {
    expect(refusal(args)).toContain(message);
    expect(() => new TodoChart(new App(), 'x', { values: mergeValues(defaultValues(), patch as any), release: { name: 'todo', namespace: 'x' } })).toThrow(message);
  });

  test('the same values are refused by TodoChart, with the same words where the app states the check', () => {
    const values = mergeValues(defaultValues(), { backend: { image: { tag: 'v1 beta' } } });
    expect(() => new TodoChart(new App(), 'x', { values, release: { name: 'todo', namespace: 'x' } }))
      .toThrow(`backend.image.tag must be a Docker tag (letters, digits, "_", "." and "-", at most 128); got "v1 beta". Set it to a value such as "${RELEASE_TAG}".`);
  });
});
