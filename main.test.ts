import { App, Chart, JsonPatch, Testing, Yaml } from 'cdk8s';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ENVIRONMENTS, TodoChart, TodoValuesPatch, buildApp, chartValidationOptions, environmentChart, environmentLines, environmentValues, optionsFromEnv, selectEnvironments,
} from './app';
import { version } from './package.json';
import { formatReport, synthValidated, validateManifests } from './lib/validation';
import { Manifest, findObject, kinds, mainContainer, podSpecs } from './test/util';

const app = buildApp({ environments: ['all'] });
const outputs: Record<string, Manifest[]> = Object.fromEntries(app.charts.map((chart) => [chart.node.id, Testing.synth(chart) as Manifest[]]));
const environmentNames = Object.keys(ENVIRONMENTS);

function output(environment: string): Manifest[] {
  return outputs[environment];
}

/** An environment's chart, with some values changed. */
function chartOf(environment: string, patch: TodoValuesPatch = {}): TodoChart {
  return environmentChart(new App(), ENVIRONMENTS[environment], patch);
}

function deployment(environment: string, name: string): Manifest {
  return findObject(output(environment), 'Deployment', name);
}

describe('every environment', () => {
  test('passes every construct validation', () => {
    expect(() => app.synthYaml()).not.toThrow();
    expect(Object.keys(outputs).sort()).toEqual(['local', 'local-istio', 'minikube', 'production']);
  });

  test.each(environmentNames)('%s passes the offline schema, Pod Security and hygiene checks with no error or warning', (environment) => {
    const violations = validateManifests(output(environment), {
      allowLatestImages: environment !== 'production',
      externalNamespaces: ['istio-system', 'gateway-system'],
    });
    expect(formatReport(violations)).toBe(formatReport([]));
    expect(violations).toEqual([]);
  });

  test.each(environmentNames)('%s matches the reviewed snapshot', (environment) => {
    expect(Yaml.stringify(...output(environment))).toMatchSnapshot();
  });

  test.each(environmentNames)('%s: the Namespace comes first and every namespaced object states it', (environment) => {
    const objects = output(environment);
    const namespace = ENVIRONMENTS[environment].namespace;
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: namespace } });
    const clusterScoped = new Set(['Namespace', 'PersistentVolume', 'StorageClass']);
    for (const object of objects) {
      expect({ object: `${object.kind}/${object.metadata.name}`, namespace: object.metadata.namespace })
        .toEqual({ object: `${object.kind}/${object.metadata.name}`, namespace: clusterScoped.has(object.kind) ? undefined : namespace });
    }
  });

  test.each(environmentNames)('%s: the namespace enforces Pod Security "restricted" and every pod meets it', (environment) => {
    const objects = output(environment);
    expect(objects[0].metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.36',
    });
    const pods = podSpecs(objects);
    expect(pods.length).toBeGreaterThanOrEqual(2);
    for (const { spec } of pods) {
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.hostNetwork ?? false).toBe(false);
      for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(container.securityContext).toEqual(expect.objectContaining({
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        }));
        expect(container.securityContext.runAsUser).toBeGreaterThan(0);
      }
      // Only volume types the restricted profile allows.
      for (const volume of spec.volumes ?? []) {
        expect(Object.keys(volume).filter((key) => key !== 'name')).toEqual([expect.stringMatching(/^(emptyDir|persistentVolumeClaim|configMap|secret|projected|downwardAPI|csi|ephemeral)$/)]);
      }
    }
  });

  test.each(environmentNames)('%s: every object carries the standard labels and a readable name without a hash', (environment) => {
    for (const object of output(environment)) {
      expect(Object.keys(object.metadata.labels ?? {})).toEqual(expect.arrayContaining([
        'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component',
        'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version',
      ]));
      expect(object.metadata.labels!['app.kubernetes.io/part-of']).toBe('todo');
      // Helm's chart label too: dist/<env> is the chart rendered with values-<env>.yaml, label for label.
      expect(object.metadata.labels!['helm.sh/chart']).toBe(`todo-${version}`);
      expect(object.metadata.name).toMatch(/^[a-z0-9-]+$/);
      expect(object.metadata.name).not.toMatch(/-[0-9a-f]{8}$/);
    }
  });

  test.each(environmentNames)('%s: selectors use only name and instance, and the pods carry them', (environment) => {
    for (const name of ['todo-backend', 'todo-frontend']) {
      const workload = deployment(environment, name);
      // Instance is the release, named like the namespace: unique per environment, even two on one cluster.
      const expected = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': ENVIRONMENTS[environment].namespace };
      expect(workload.spec.selector).toEqual({ matchLabels: expected });
      expect(workload.spec.template.metadata.labels).toMatchObject(expected);
      expect(findObject(output(environment), 'Service', name).spec.selector).toEqual(expected);
    }
  });

  test.each(environmentNames)('%s: no Secret object and no secret value in the output', (environment) => {
    const objects = output(environment);
    expect(kinds(objects)).not.toContain('Secret');
    const yaml = Yaml.stringify(...objects);
    expect(yaml).not.toMatch(/(postgres(ql)?|mysql):\/\/[^\s]*:[^\s]*@/);
    for (const { spec } of podSpecs(objects)) {
      for (const container of spec.containers) {
        const plainNames = (container.env ?? []).filter((variable: any) => variable.value !== undefined).map((variable: any) => variable.name);
        expect(plainNames).not.toEqual(expect.arrayContaining([expect.stringMatching(/SECRET|KEY|TOKEN|PASSWORD/)]));
      }
    }
    // Secrets arrive by reference only: the backend loads the app Secret, the frontend reads its one key.
    expect(mainContainer(deployment(environment, 'todo-backend')).envFrom).toContainEqual({ secretRef: expect.objectContaining({ name: 'todo-secrets' }) });
    expect(mainContainer(deployment(environment, 'todo-frontend')).env).toEqual([{
      name: 'BETTER_AUTH_SECRET', valueFrom: { secretKeyRef: expect.objectContaining({ name: 'todo-secrets', key: 'BETTER_AUTH_SECRET' }) },
    }]);
    expect(mainContainer(deployment(environment, 'todo-frontend')).envFrom).toEqual([{ configMapRef: { name: 'todo-frontend-config' } }]);
    for (const configMap of objects.filter((object) => object.kind === 'ConfigMap')) {
      expect(Object.keys(configMap.data)).not.toEqual(expect.arrayContaining([expect.stringMatching(/SECRET|API_KEY|TOKEN|PASSWORD|DATABASE_URL/)]));
    }
  });

  test.each(environmentNames)('%s: probes hit /health, /ready and /, with a startup probe instead of initial delays', (environment) => {
    const backend = mainContainer(deployment(environment, 'todo-backend'));
    const frontend = mainContainer(deployment(environment, 'todo-frontend'));
    expect(backend.livenessProbe.httpGet.path).toBe('/health');
    expect(backend.readinessProbe.httpGet.path).toBe('/ready');
    expect(backend.startupProbe.httpGet.path).toBe('/health');
    expect(frontend.readinessProbe.httpGet.path).toBe('/');
    for (const container of [backend, frontend]) {
      // A slow start gets 2 minutes; a fast one is probed every 2 seconds, so it is ready within seconds.
      expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBe(120);
      expect(container.startupProbe.periodSeconds).toBeLessThanOrEqual(2);
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        expect(container[probe].initialDelaySeconds).toBeUndefined();
      }
    }
  });

  test.each(environmentNames)('%s: every container has requests and limits and pulls IfNotPresent', (environment) => {
    for (const { spec } of podSpecs(output(environment))) {
      for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);
        expect(container.imagePullPolicy).toBe('IfNotPresent');
      }
    }
  });

  test.each(environmentNames)('%s: the frontend reaches the backend by its Service DNS name and the browser by /api', (environment) => {
    const config = findObject(output(environment), 'ConfigMap', 'todo-frontend-config').data;
    expect(config.BACKEND_URL).toBe(`http://todo-backend.${ENVIRONMENTS[environment].namespace}.svc.cluster.local:8000`);
    expect(config.NEXT_PUBLIC_API_URL).toBe('/api');
    // Every address of both families: IPv6-only and dual-stack clusters route to the pod's IPv6 address.
    expect(config.HOSTNAME).toBe('::');
  });
});

describe('local (kind)', () => {
  const objects = () => output('local');

  test('runs one backend on SQLite with the Recreate strategy, mounted with subPaths', () => {
    const backend = deployment('local', 'todo-backend');
    expect(backend.spec.replicas).toBe(1);
    expect(backend.spec.strategy).toEqual({ type: 'Recreate' });
    const container = mainContainer(backend);
    expect(container.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'sqlite', mountPath: '/data', subPath: 'data' },
      { name: 'sqlite', mountPath: '/logs', subPath: 'logs' },
    ]));
    expect(container.env).toContainEqual({ name: 'DATABASE_URL', value: 'sqlite:////data/db.sqlite3' });
    expect(backend.spec.template.spec.volumes).toContainEqual({ name: 'sqlite', persistentVolumeClaim: { claimName: 'todo-data' } });
    expect(backend.spec.template.spec.securityContext.fsGroup).toBe(1000);
    expect(backend.spec.template.spec.initContainers[0]).toMatchObject({ name: 'prepare-data', command: ['sh', '-c', expect.stringMatching(/^mkdir -p \/volume\/data\/images \/volume\/logs \|\| /)] });
  });

  test('claims 5Gi ReadWriteOnce from a StorageClass that retains the data, kept by helm uninstall', () => {
    const claim = findObject(objects(), 'PersistentVolumeClaim', 'todo-data');
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'todo-local-todo-data-retain' });
    expect(claim.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect(findObject(objects(), 'StorageClass')).toMatchObject({ provisioner: 'rancher.io/local-path', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
    // The class outlives helm uninstall with the claim it serves (issue 18: uninstall used to delete it under the kept claim).
    expect(findObject(objects(), 'StorageClass').metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
  });

  test('routes /api and the docs to the backend and / to the frontend on todo.localhost, without a rewrite', () => {
    const ingress = findObject(objects(), 'Ingress', 'todo');
    expect(ingress.metadata.annotations).toBeUndefined();
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.rules[0].host).toBe('todo.localhost');
    const routes = ingress.spec.rules[0].http.paths.map((path: any) => `${path.pathType} ${path.path} -> ${path.backend.service.name}:${path.backend.service.port.number}`);
    expect(routes).toEqual([
      'Exact /openapi.json -> todo-backend:8000',
      'Prefix /health -> todo-backend:8000',
      'Prefix /docs -> todo-backend:8000',
      'Prefix /api -> todo-backend:8000',
      'Prefix / -> todo-frontend:3000',
    ]);
  });

  test('routes /health as a prefix: a router that ranks rules by length (Traefik) would tie Exact /health with Prefix /', () => {
    // Traefik's rule for Exact /health, Path("/health"), is as long as the frontend's PathPrefix("/"); the real
    // node's Traefik (test/node) sent /health to the frontend until this route became a prefix.
    const paths = findObject(objects(), 'Ingress', 'todo').spec.rules[0].http.paths;
    const rootRuleLength = 'PathPrefix("/")'.length;
    for (const path of paths.filter((candidate: any) => candidate.pathType === 'Exact')) {
      expect(`Path("${path.path}")`.length).toBeGreaterThan(rootRuleLength);
    }
  });

  test('uses local image tags, mock AI mode and an optional Secret', () => {
    expect(mainContainer(deployment('local', 'todo-backend')).image).toBe(`todo-backend:v${version}-local`);
    expect(mainContainer(deployment('local', 'todo-frontend')).image).toBe(`todo-frontend:v${version}-local`);
    expect(findObject(objects(), 'ConfigMap', 'todo-backend-config').data.MODE).toBe('mock');
    expect(mainContainer(deployment('local', 'todo-backend')).envFrom).toContainEqual({ secretRef: { name: 'todo-secrets', optional: true } });
  });

  test('has no autoscaler, budget, policies or Istio objects', () => {
    expect(kinds(objects())).not.toEqual(expect.arrayContaining(['HorizontalPodAutoscaler']));
    for (const kind of ['PodDisruptionBudget', 'NetworkPolicy', 'VirtualService', 'Gateway', 'HTTPRoute']) expect(kinds(objects())).not.toContain(kind);
  });
});

describe('local-istio (kind + Istio, the seed setup)', () => {
  const objects = () => output('local-istio');

  test('labels the namespace for sidecar injection', () => {
    expect(objects()[0].metadata.labels!['istio-injection']).toBe('enabled');
  });

  test('binds the claim to a retained hostPath volume at /tmp/aiq-storage', () => {
    const volume = findObject(objects(), 'PersistentVolume');
    expect(volume.spec).toMatchObject({
      hostPath: { path: '/tmp/aiq-storage', type: 'DirectoryOrCreate' },
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { namespace: 'todo-local-istio', name: 'todo-data' },
      storageClassName: '',
    });
    expect(findObject(objects(), 'PersistentVolumeClaim').spec).toMatchObject({ volumeName: volume.metadata.name, storageClassName: '' });
  });

  test('routes /health, /docs and /api to the backend through a Gateway and a VirtualService, / last', () => {
    const gateway = findObject(objects(), 'Gateway');
    expect(gateway.apiVersion).toBe('networking.istio.io/v1');
    expect(gateway.spec).toEqual({ selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*'], port: { name: 'http', number: 80, protocol: 'HTTP' } }] });
    const virtualService = findObject(objects(), 'VirtualService');
    expect(virtualService.spec.gateways).toEqual([`todo-local-istio/${gateway.metadata.name}`]);
    const routes = virtualService.spec.http.map((route: any) => `${JSON.stringify(route.match[0].uri)} -> ${route.route[0].destination.host}:${route.route[0].destination.port.number}`);
    expect(routes).toEqual([
      '{"exact":"/openapi.json"} -> todo-backend.todo-local-istio.svc.cluster.local:8000',
      '{"prefix":"/health"} -> todo-backend.todo-local-istio.svc.cluster.local:8000',
      '{"prefix":"/docs"} -> todo-backend.todo-local-istio.svc.cluster.local:8000',
      '{"prefix":"/api"} -> todo-backend.todo-local-istio.svc.cluster.local:8000',
      '{"prefix":"/"} -> todo-frontend.todo-local-istio.svc.cluster.local:3000',
    ]);
  });
});

describe('minikube', () => {
  const objects = () => output('minikube');

  test('scales 2+2 pods with autoscalers that own the replica count', () => {
    for (const name of ['todo-backend', 'todo-frontend']) {
      expect(deployment('minikube', name).spec.replicas).toBeUndefined();
      expect(findObject(objects(), 'HorizontalPodAutoscaler', name).spec).toMatchObject({
        minReplicas: 2, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      });
    }
  });

  test('spreads the pods of each workload across nodes (more than one replica can run); the one-replica environments do not', () => {
    for (const environment of ['minikube', 'production']) {
      for (const name of ['todo-backend', 'todo-frontend']) {
        expect(deployment(environment, name).spec.template.spec.topologySpreadConstraints).toEqual([{
          maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': ENVIRONMENTS[environment].namespace } },
        }]);
      }
    }
    for (const environment of ['local', 'local-istio']) {
      expect(deployment(environment, 'todo-backend').spec.template.spec.topologySpreadConstraints).toBeUndefined();
    }
  });

  test('takes the external database from the Secret, with no claim', () => {
    expect(kinds(objects())).not.toContain('PersistentVolumeClaim');
    const backend = mainContainer(deployment('minikube', 'todo-backend'));
    expect(backend.env).toBeUndefined();
    expect(backend.envFrom).toContainEqual({ secretRef: { name: 'todo-secrets', optional: false } });
  });

  test('routes /api to the backend and / to the frontend on todo.local', () => {
    const rule = findObject(objects(), 'Ingress').spec.rules[0];
    expect(rule.host).toBe('todo.local');
    expect(rule.http.paths).toContainEqual({ path: '/api', pathType: 'Prefix', backend: { service: { name: 'todo-backend', port: { number: 8000 } } } });
    expect(rule.http.paths).toContainEqual({ path: '/', pathType: 'Prefix', backend: { service: { name: 'todo-frontend', port: { number: 3000 } } } });
  });
});

describe('production', () => {
  const objects = () => output('production');

  test('autoscales 2-10 at 80% CPU with a PodDisruptionBudget per workload', () => {
    for (const name of ['todo-backend', 'todo-frontend']) {
      expect(findObject(objects(), 'HorizontalPodAutoscaler', name).spec).toMatchObject({
        minReplicas: 2, maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      });
      expect(findObject(objects(), 'PodDisruptionBudget', name).spec).toEqual({
        maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'todo-production' } },
      });
    }
  });

  test('pins release tags', () => {
    expect(mainContainer(deployment('production', 'todo-backend')).image).toBe(`todo-backend:v${version}`);
    expect(() => buildApp({ environments: ['production'], imageTag: 'latest' })).toThrow(`TodoChart 'production': backend.image.tag must be a pinned release with pinnedImages `
      + `("latest" changes under running pods and IfNotPresent never refreshes it); got "latest". Set it to a release tag such as v${version}, or pin a digest.`);
    // A digest pins the image whatever the tag says.
    expect(() => chartOf('production', { backend: { image: { tag: 'latest', digest: `sha256:${'a'.repeat(64)}` } } })).not.toThrow();
  });

  test('routes through an HTTPRoute attached to the shared Gateway, docs not exposed', () => {
    const route = findObject(objects(), 'HTTPRoute');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system', sectionName: 'https' }]);
    expect(route.spec.rules.map((rule: any) => `${rule.matches[0].path.value} -> ${rule.backendRefs[0].name}`)).toEqual(['/health -> todo-backend', '/api -> todo-backend', '/ -> todo-frontend']);
  });

  test('denies all traffic by default and allows gateway -> frontend/backend, frontend -> backend, DNS and database egress only', () => {
    const policies = Object.fromEntries(objects().filter((object) => object.kind === 'NetworkPolicy').map((policy) => [policy.metadata.name, policy.spec]));
    // The namespace-wide policies carry the release's name, so a second release in the namespace names its own.
    expect(Object.keys(policies).sort()).toEqual([
      'todo-allow-dns', 'todo-backend-from-routing', 'todo-backend-from-todo-frontend', 'todo-backend-to-external',
      'todo-default-deny', 'todo-frontend-from-routing', 'todo-frontend-to-todo-backend',
    ]);
    expect(policies['todo-default-deny']).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policies['todo-backend-from-routing'].ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }],
      ports: [{ port: 8000, protocol: 'TCP' }],
    }]);
    expect(policies['todo-backend-from-todo-frontend'].ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'todo-frontend', 'app.kubernetes.io/instance': 'todo-production' } } }]);
    expect(policies['todo-backend-to-external'].egress[0].ports).toEqual([{ port: 443, protocol: 'TCP' }, { port: 5432, protocol: 'TCP' }]);
  });

  test('caps the namespace with a ResourceQuota that fits the autoscalers at their maximum, plus a LimitRange', () => {
    const quota = findObject(objects(), 'ResourceQuota').spec.hard;
    const podsAtMax = 10 + 1; // maxReplicas plus the rolling update's surge pod
    expect(Number(quota['limits.cpu'])).toBeGreaterThanOrEqual(podsAtMax * 1 + podsAtMax * 0.5);
    expect(findObject(objects(), 'LimitRange').spec.limits[0].type).toBe('Container');
  });

  test('uses the real model server', () => {
    expect(findObject(objects(), 'ConfigMap', 'todo-backend-config').data).toMatchObject({ MODE: 'real', MODEL_SERVER_URL: 'https://api.openai.com/v1' });
  });

  // The app has no user accounts: an internet-facing release takes no writes until someone says who may.
  test('refuses writes (READ_ONLY) until TODO_WRITE_ACCESS says who may write; the laptop environments take them', () => {
    const configOf = (environment: string, env: NodeJS.ProcessEnv = {}) =>
      findObject(Testing.synth(buildApp(optionsFromEnv({ TODO_ENV: environment, ...env })).charts[0]) as Manifest[], 'ConfigMap', 'todo-backend-config').data;
    expect(configOf('production')).toMatchObject({ READ_ONLY: 'true' });
    expect(configOf('production', { TODO_WRITE_ACCESS: 'authenticated' })).not.toHaveProperty('READ_ONLY');
    expect(configOf('production', { TODO_WRITE_ACCESS: 'anonymous' })).not.toHaveProperty('READ_ONLY');
    expect(configOf('local', { TODO_WRITE_ACCESS: 'read-only' })).toMatchObject({ READ_ONLY: 'true' });
    for (const environment of ['local', 'local-istio', 'minikube']) expect(configOf(environment)).not.toHaveProperty('READ_ONLY');
    // TODO_WRITE_ACCESS is the value writeAccess, which the values file of production sets as the synth does.
    expect(ENVIRONMENTS.production.values.writeAccess).toBe('read-only');
    expect(environmentValues(ENVIRONMENTS.production, optionsFromEnv({ TODO_WRITE_ACCESS: 'Authenticated' })).writeAccess).toBe('authenticated');
    expect(() => chartOf('production', { writeAccess: 'everyone' as never }))
      .toThrow(`TodoChart 'production': writeAccess must be one of "anonymous", "authenticated", "read-only"; got "everyone".`);
  });

  test('each pod waits 5 s in a preStop hook before SIGTERM, and drains within the grace period', () => {
    for (const name of ['todo-backend', 'todo-frontend']) {
      const pod = deployment('production', name).spec.template.spec;
      expect(mainContainer(deployment('production', name)).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
      // 5 s + the backend's 20 s drain (SHUTDOWN_TIMEOUT_SECONDS) fit in the default 30 s.
      expect(pod.terminationGracePeriodSeconds ?? 30).toBeGreaterThanOrEqual(5 + 20);
    }
    for (const environment of ['local', 'local-istio', 'minikube']) expect(mainContainer(deployment(environment, 'todo-backend')).lifecycle).toBeUndefined();
    // A delay that would leave the app no time to drain within the grace period is refused.
    expect(() => chartOf('production', { frontend: { preStop: { delaySeconds: 30 } } }))
      .toThrow(`TodoChart 'production': frontend.preStop.delaySeconds must be at most 25; got 30.`);
  });
});

describe('a deliberately broken construct', () => {
  test('is caught by the validation that runs on every synth, with file, object, field, rule and fix', () => {
    const chart = chartOf('local');
    chart.backend.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true));
    chart.frontend.service.addJsonPatch(JsonPatch.replace('/spec/selector/app.kubernetes.io~1name', 'todo-web'));
    const violations = validateManifests(Testing.synth(chart));
    expect(violations.map((violation) => `${violation.rule} ${violation.object} ${violation.field}`)).toEqual([
      'pss-restricted/privileged Deployment todo-local/todo-backend spec.template.spec.containers[0].securityContext.privileged',
      'hygiene/service-selector Service todo-local/todo-frontend spec.selector',
    ]);
    expect(violations.every((violation) => violation.severity === 'error' && violation.fix.length > 0)).toBe(true);
  });

  test('synthValidated writes nothing when a chart has an error, and every manifest when none has', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-validated-'));
    try {
      const broken = buildApp({ environments: ['local', 'minikube'], outdir });
      (broken.charts[0] as TodoChart).backend.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true));
      const rejected = synthValidated(broken, { validationOptions: chartValidationOptions });
      expect(rejected.written).toBe(false);
      expect(rejected.violations.map((violation) => `${violation.file} ${violation.rule}`)).toEqual(['local.k8s.yaml pss-restricted/privileged']);
      expect(fs.readdirSync(outdir)).toEqual([]);
      const accepted = synthValidated(buildApp({ environments: ['local', 'minikube'], outdir }), { validationOptions: chartValidationOptions });
      expect(accepted).toMatchObject({ violations: [], written: true, files: ['local.k8s.yaml', 'minikube.k8s.yaml'], outdir });
      expect(fs.readdirSync(outdir).sort()).toEqual(['local.k8s.yaml', 'minikube.k8s.yaml']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('app wiring', () => {
  test('synth with no settings writes only the kind environment', () => {
    expect(buildApp(optionsFromEnv({})).charts.map((chart: Chart) => chart.node.id)).toEqual(['local']);
  });

  test('TODO_ENV, IMAGE_TAG, IMAGE_REGISTRY and TODO_HOST select and parameterize environments', () => {
    const options = optionsFromEnv({ TODO_ENV: 'minikube, production', IMAGE_TAG: 'v0.1.0-abc1234', IMAGE_REGISTRY: 'ghcr.io/acme/', TODO_HOST: 'todo.test' });
    const charts = buildApp(options).charts;
    expect(charts.map((chart) => chart.node.id)).toEqual(['minikube', 'production']);
    const objects = Testing.synth(charts[0]) as Manifest[];
    expect(mainContainer(findObject(objects, 'Deployment', 'todo-backend')).image).toBe('ghcr.io/acme/todo-backend:v0.1.0-abc1234');
    expect(findObject(objects, 'Ingress').spec.rules[0].host).toBe('todo.test');
  });

  test('TODO_AI_MODE=real with MODEL_SERVER_URL switches an environment to the real model; mock stays the default on laptops', () => {
    const configOf = (env: NodeJS.ProcessEnv) => findObject(Testing.synth(buildApp(optionsFromEnv({ TODO_ENV: 'minikube', ...env })).charts[0]) as Manifest[], 'ConfigMap', 'todo-backend-config').data;
    expect(configOf({})).toMatchObject({ MODE: 'mock' });
    expect(configOf({})).not.toHaveProperty('MODEL_SERVER_URL');
    expect(configOf({ TODO_AI_MODE: 'mock' })).toMatchObject({ MODE: 'mock' });
    expect(configOf({ TODO_AI_MODE: 'real', MODEL_SERVER_URL: 'http://model.kserve.svc.cluster.local/v1' }))
      .toMatchObject({ MODE: 'real', MODEL_SERVER_URL: 'http://model.kserve.svc.cluster.local/v1' });
    for (const environment of ['local', 'local-istio', 'minikube']) expect(environmentValues(ENVIRONMENTS[environment]).backend.config.MODE).toBe('mock');
  });

  test('the app-specific settings live in main.ts: MODE through config, images/ through the persistence options', () => {
    expect(findObject(output('local'), 'ConfigMap', 'todo-backend-config').data.MODE).toBe('mock');
    expect(deployment('local', 'todo-backend').spec.template.spec.initContainers[0].command[2]).toMatch(/^mkdir -p \/volume\/data\/images \/volume\/logs \|\| /);
  });

  // One row per class of bad synth setting; each is refused before anything is written, with the fix.
  test.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['an environment listed twice', { TODO_ENV: 'local,local' }, /^TODO_ENV: "local" is listed twice in "local,local"; each environment writes one chart and one file\. List each once\.$/],
    ['"all" with names', { TODO_ENV: 'all,production' }, /^TODO_ENV: "all" already selects every environment; got "all,production"\./],
    ['an unknown environment', { TODO_ENV: 'staging' }, /^TODO_ENV: unknown environment "staging"/],
    ['a registry with a scheme', { IMAGE_REGISTRY: 'https://ghcr.io/acme' }, /^IMAGE_REGISTRY must be a registry prefix such as "ghcr\.io\/acme" or "localhost:5001": it has a URL scheme; a registry prefix has none; got "https:\/\/ghcr\.io\/acme"\./],
    ['a registry with upper case', { IMAGE_REGISTRY: 'ghcr.io/Acme' }, /^IMAGE_REGISTRY must be a registry prefix .*: it must be a host\[:port\] followed by optional lowercase path components/],
    ['a registry with a tag', { IMAGE_REGISTRY: 'ghcr.io/acme/app:v1' }, /^IMAGE_REGISTRY must be a registry prefix .*; got "ghcr\.io\/acme\/app:v1"\./],
    ['a registry with a space', { IMAGE_REGISTRY: 'ghcr.io/my team' }, /^IMAGE_REGISTRY must be a registry prefix/],
    ['a Docker Hub namespace without a host', { IMAGE_REGISTRY: 'acme' }, /^IMAGE_REGISTRY must be a registry prefix .*: its first part is not a registry host/],
    ['an unknown AI mode', { TODO_AI_MODE: 'turbo' }, /^TODO_AI_MODE must be "mock" \(canned answers\) or "real" \(calls MODEL_SERVER_URL\); got "turbo"\./],
    ['real AI mode without a model server', { TODO_AI_MODE: 'real' }, /^TodoChart 'local': backend\.config\.MODEL_SERVER_URL is required with backend\.config\.MODE real \(the backend calls it\); got ""\./],
    ['a model server URL that is not a URL', { TODO_AI_MODE: 'real', MODEL_SERVER_URL: 'model:8080' }, /^TodoChart 'local': backend\.config\.MODEL_SERVER_URL must be an http\(s\) URL without credentials; got "model:8080"\./],
    ['a model server URL with credentials', { TODO_AI_MODE: 'real', MODEL_SERVER_URL: 'https://user:pw@model.example/v1' }, /backend\.config\.MODEL_SERVER_URL must be an http\(s\) URL without credentials; got "https:\/\/user:pw@model\.example\/v1"/],
    ['a model server URL in mock mode', { MODEL_SERVER_URL: 'http://model:8080' }, /^MODEL_SERVER_URL is only used with TODO_AI_MODE=real; got "http:\/\/model:8080" in mock mode\./],
    ['a malformed image tag', { IMAGE_TAG: 'v1 beta' }, /^IMAGE_TAG must be a Docker tag/],
    ['an unknown write access', { TODO_ENV: 'production', TODO_WRITE_ACCESS: 'everyone' },
      /^TODO_WRITE_ACCESS must be one of "anonymous", "authenticated", "read-only"; got "everyone"\. The app has no user accounts: use "authenticated" once a sign-in proxy/],
  ])('refuses %s', (_, env, message) => {
    expect(() => buildApp(optionsFromEnv(env))).toThrow(message);
  });

  test('an unknown environment names the choices', () => {
    expect(() => selectEnvironments(['staging'])).toThrow('TODO_ENV: unknown environment "staging". Use one of local, local-istio, minikube, production, a comma-separated list, or "all".');
  });

  test('a malformed image tag is refused', () => {
    expect(() => chartOf('local', { backend: { image: { tag: 'v1 beta' } } }))
      .toThrow(`TodoChart 'local': backend.image.tag must be a Docker tag (letters, digits, "_", "." and "-", at most 128); got "v1 beta". Set it to a value such as "v${version}".`);
  });

  test('a config change changes the pod template checksum, so kubectl apply rolls the pods', () => {
    const checksum = (level: 'info' | 'debug') => deploymentOf(chartOf('local', { backend: { config: { LOG_LEVEL: level } } })).spec.template.metadata.annotations['checksum/config'];
    expect(checksum('info')).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum('info')).toBe(checksum('info'));
    expect(checksum('debug')).not.toBe(checksum('info'));
  });
});

function deploymentOf(chart: Chart): Manifest {
  return findObject(Testing.synth(chart) as Manifest[], 'Deployment', 'todo-backend');
}

describe('--print-env: the settings the scripts in scripts/ read', () => {
  /** environmentLines as a map: environment -> key -> value. */
  function printed(names: string[] = environmentNames): Record<string, Record<string, string>> {
    const result: Record<string, Record<string, string>> = {};
    for (const line of environmentLines(selectEnvironments(names)).split('\n').filter((l) => l !== '')) {
      const [, name, key, value] = /^(\S+) (\S+) (.*)$/.exec(line)!;
      (result[name] ??= {})[key] = value;
    }
    return result;
  }

  test('name exactly the laptop environments and the cluster tool that runs each', () => {
    const providers = Object.fromEntries(Object.entries(printed()).map(([name, values]) => [name, values.provider]));
    expect(providers).toEqual({ 'local': 'kind', 'local-istio': 'kind', 'minikube': 'minikube', 'production': '' });
  });

  test.each(environmentNames)('%s: namespace, labels, Secret, claim, hostPath and Istio are what the synthesized objects use', (environment) => {
    const values = printed()[environment];
    const objects = output(environment);
    const backend = deployment(environment, 'todo-backend');
    expect(findObject(objects, 'Namespace').metadata.name).toBe(values.namespace);
    for (const object of objects) {
      expect(object.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': values.part_of });
      if (object.metadata.namespace) expect(object.metadata.labels!['app.kubernetes.io/instance']).toBe(values.instance);
    }
    expect(mainContainer(backend).envFrom).toContainEqual({ secretRef: { name: values.secret, optional: values.secret_optional === 'true' } });
    const claims = objects.filter((object) => object.kind === 'PersistentVolumeClaim').map((claim) => claim.metadata.name);
    expect(claims).toEqual(values.database === 'sqlite' ? [values.claim] : []);
    const hostPaths = objects.filter((object) => object.kind === 'PersistentVolume').map((volume) => volume.spec.hostPath.path);
    expect(hostPaths).toEqual(values.host_path ? [values.host_path] : []);
    expect(kinds(objects).includes('VirtualService')).toBe(values.istio === 'true');
  });

  test('the host is the routes\' host, or for routes that answer on any host the name a browser uses', () => {
    expect(findObject(output('local'), 'Ingress', 'todo').spec.rules[0].host).toBe(printed().local.host);
    expect(findObject(output('minikube'), 'Ingress', 'todo').spec.rules[0].host).toBe(printed().minikube.host);
    expect(findObject(output('local-istio'), 'VirtualService').spec.hosts).toEqual(['*']);
    expect(printed()['local-istio'].host).toBe('todo.localhost');
  });

  test('node build/main.js --print-env ENV prints that environment only and writes no manifest', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'print-env-'));
    try {
      const run = spawnSync('node', [path.join(__dirname, 'build', 'main.js'), '--print-env', 'minikube'], { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: '' } });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(environmentLines([ENVIRONMENTS.minikube]));
      expect(fs.readdirSync(cwd)).toEqual([]);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

  test('an unknown environment is an error that lists the known ones (exit 2)', () => {
    const run = spawnSync('node', [path.join(__dirname, 'build', 'main.js'), '--print-env', 'nowhere'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('unknown environment "nowhere". Use one of local, local-istio, minikube, production');
  });
});
