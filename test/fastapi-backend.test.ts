import { ApiObject, JsonPatch } from 'cdk8s';
import { FastApiBackend, FastApiBackendProps, ImagePullPolicy, ServiceType } from '../lib';
import { Manifest, chartWithoutNamespace, exactError, findObject, kinds, mainContainer, synth, testChart, thrownMessage } from './util';
import { CREDENTIALS } from './credentials';

const IMAGE = 'todo-backend:v1';

/** A backend with id `api` in chart `test` (namespace `test`), and its synthesized objects. */
function backend(props: Partial<FastApiBackendProps> = {}, chartNamespace: string | null = 'test') {
  const chart = chartNamespace === null ? chartWithoutNamespace() : testChart(chartNamespace);
  const api = new FastApiBackend(chart, 'api', { image: IMAGE, ...props });
  return { chart, api, objects: () => synth(chart) };
}

function deploymentOf(objects: Manifest[], name = 'api'): Manifest {
  return findObject(objects, 'Deployment', name);
}

/** Builds a backend in a fresh chart; for error tests. */
function build(props: Partial<FastApiBackendProps>, chartNamespace: string | null = 'test'): () => FastApiBackend {
  return () => new FastApiBackend(chartNamespace === null ? chartWithoutNamespace() : testChart(chartNamespace), 'api', { image: IMAGE, ...props });
}

const LABELS = {
  'app.kubernetes.io/name': 'api',
  'app.kubernetes.io/instance': 'test',
  'app.kubernetes.io/component': 'backend',
  'app.kubernetes.io/part-of': 'api',
  'app.kubernetes.io/managed-by': 'cdk8s',
  'app.kubernetes.io/version': 'v1',
};
const SELECTOR = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'test' };
const RESTRICTED_CONTAINER = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
const DEFAULT_CONFIG = { LOG_LEVEL: 'info', PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' };

describe('FastApiBackend defaults', () => {
  test('writes a ConfigMap, a Deployment and a Service, and nothing else', () => {
    const objects = backend().objects();
    expect(objects.map((object) => `${object.apiVersion} ${object.kind}/${object.metadata.name}`)).toEqual([
      'v1 ConfigMap/api-config',
      'apps/v1 Deployment/api',
      'v1 Service/api',
    ]);
    for (const object of objects) {
      expect(object.metadata.namespace).toBe('test');
      expect(object.metadata.labels).toEqual(LABELS);
    }
  });

  test('the ConfigMap holds the backend settings, sorted', () => {
    const configMap = findObject(backend().objects(), 'ConfigMap', 'api-config');
    expect(configMap.data).toEqual(DEFAULT_CONFIG);
    expect(Object.keys(configMap.data)).toEqual(['LOG_LEVEL', 'PYTHONDONTWRITEBYTECODE', 'PYTHONUNBUFFERED']);
  });

  test('the Deployment runs 1 replica with a surge-only rolling update and selects by name and instance', () => {
    const spec = deploymentOf(backend().objects()).spec;
    expect(spec.replicas).toBe(1);
    expect(spec.revisionHistoryLimit).toBe(5);
    expect(spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(spec.template.metadata.labels).toEqual(LABELS);
  });

  test('the pod template carries one annotation, a checksum of the ConfigMap data that ignores everything else', () => {
    const annotations = (props: Partial<FastApiBackendProps>) => deploymentOf(backend(props).objects()).spec.template.metadata.annotations;
    expect(Object.keys(annotations({}))).toEqual(['checksum/config']);
    expect(annotations({})['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    const checksum = (props: Partial<FastApiBackendProps>) => annotations(props)['checksum/config'];
    // The same settings give the same annotation, in whatever order they were given.
    expect(checksum({ config: { FEATURE_A: 'on', FEATURE_B: 'off' } })).toBe(checksum({ config: { FEATURE_B: 'off', FEATURE_A: 'on' } }));
    // What the ConfigMap does not hold does not roll the pods through the annotation.
    expect(checksum({ replicas: 2, secretEnv: { name: 'api-secrets' } })).toBe(checksum({}));
  });

  test('the pod meets Pod Security "restricted" as user 1000, with no token and no service links', () => {
    const podSpec = deploymentOf(backend().objects()).spec.template.spec;
    expect(podSpec.automountServiceAccountToken).toBe(false);
    expect(podSpec.enableServiceLinks).toBe(false);
    expect(podSpec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podSpec.initContainers).toBeUndefined();
    expect(podSpec.volumes).toEqual([{ name: 'writable-tmp', emptyDir: {} }]);
  });

  test('the container listens on 8000, is probed on /health and /ready, and has a writable /tmp', () => {
    expect(mainContainer(deploymentOf(backend().objects()))).toEqual({
      name: 'backend',
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
      envFrom: [{ configMapRef: { name: 'api-config' } }],
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      startupProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 60 },
      livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      securityContext: RESTRICTED_CONTAINER,
      volumeMounts: [{ name: 'writable-tmp', mountPath: '/tmp' }],
    });
  });

  test('the Service is a ClusterIP on port 8000 targeting the named container port', () => {
    expect(findObject(backend().objects(), 'Service', 'api').spec).toEqual({
      type: 'ClusterIP',
      selector: SELECTOR,
      ports: [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  test('exposes what routes and other constructs need', () => {
    const { api } = backend();
    expect(api.name).toBe('api');
    expect(api.namespace).toBe('test');
    expect(api.image).toBe(IMAGE);
    expect(api.containerPort).toBe(8000);
    expect(api.servicePort).toBe(8000);
    expect(api.replicas).toBe(1);
    expect(api.autoscaling).toBeUndefined();
    expect(api.serviceName).toBe('api');
    expect(api.serviceNamespace).toBe('test');
    expect(api.serviceUrl).toBe('http://api.test.svc.cluster.local:8000');
    expect(api.runAsIds).toEqual({ user: 1000, group: 1000 });
    expect(api.selectorLabels).toEqual(SELECTOR);
    expect(api.labels).toEqual(LABELS);
  });

  test('takes the namespace from the prop over the chart, and works in a chart without one', () => {
    for (const chartNamespace of ['test', null]) {
      const { api, objects } = backend({ namespace: 'other' }, chartNamespace);
      expect(api.namespace).toBe('other');
      expect(objects().map((object) => object.metadata.namespace)).toEqual(['other', 'other', 'other']);
      expect(api.selectorLabels['app.kubernetes.io/instance']).toBe('other');
    }
  });
});

describe('FastApiBackend options', () => {
  test('the log level goes to the ConfigMap, and no application setting of the todo app does', () => {
    const objects = backend({ logLevel: 'debug' }).objects();
    expect(findObject(objects, 'ConfigMap').data).toEqual({ LOG_LEVEL: 'debug', PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' });
    expect(Object.keys(findObject(backend().objects(), 'ConfigMap').data)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(MODE|MODEL_SERVER_URL)$/)]));
  });

  test('config adds keys and overrides the defaults', () => {
    const objects = backend({ config: { LOG_LEVEL: 'warning', FEATURE_X: 'on' } }).objects();
    expect(findObject(objects, 'ConfigMap').data).toEqual({ ...DEFAULT_CONFIG, LOG_LEVEL: 'warning', FEATURE_X: 'on' });
  });

  test('a config change changes the checksum annotation; the same config keeps it', () => {
    const checksum = (props: Partial<FastApiBackendProps>) => deploymentOf(backend(props).objects()).spec.template.metadata.annotations['checksum/config'];
    expect(checksum({ logLevel: 'info' })).toBe(checksum({}));
    expect(checksum({ logLevel: 'debug' })).not.toBe(checksum({}));
  });

  test('addConfig and addEnv after construction show up, and addConfig rolls the pods', () => {
    const { api, objects } = backend();
    const before = deploymentOf(objects()).spec.template.metadata.annotations['checksum/config'];
    api.addConfig('FEATURE_X', 'on');
    api.addEnv('EXTRA', 'value');
    const after = objects();
    expect(findObject(after, 'ConfigMap').data.FEATURE_X).toBe('on');
    expect(mainContainer(deploymentOf(after)).env).toEqual([{ name: 'EXTRA', value: 'value' }]);
    expect(deploymentOf(after).spec.template.metadata.annotations['checksum/config']).not.toBe(before);
  });

  test.each([
    [ServiceType.NODE_PORT, 'NodePort'],
    [ServiceType.LOAD_BALANCER, 'LoadBalancer'],
  ])('serviceType %s with a nodePort', (serviceType, type) => {
    const service = findObject(backend({ serviceType, nodePort: 30080 }).objects(), 'Service');
    expect(service.spec.type).toBe(type);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP', nodePort: 30080 }]);
  });

  test('NodePort without a nodePort leaves the port to Kubernetes', () => {
    const service = findObject(backend({ serviceType: ServiceType.NODE_PORT }).objects(), 'Service');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports[0].nodePort).toBeUndefined();
  });

  test('servicePort and containerPort are independent', () => {
    const { api, objects } = backend({ servicePort: 80, containerPort: 9000 });
    expect(findObject(objects(), 'Service').spec.ports[0]).toMatchObject({ port: 80, targetPort: 'http' });
    expect(mainContainer(deploymentOf(objects())).ports).toEqual([{ name: 'http', containerPort: 9000, protocol: 'TCP' }]);
    expect(api.serviceUrl).toBe('http://api.test.svc.cluster.local:80');
  });

  test('autoscaling writes an autoscaling/v2 HPA on CPU at 80% and leaves replicas to it', () => {
    const { api, objects } = backend({ autoscaling: { minReplicas: 2, maxReplicas: 5 } });
    const hpa = findObject(objects(), 'HorizontalPodAutoscaler', 'api');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata).toEqual({ name: 'api', namespace: 'test', labels: LABELS });
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect('replicas' in deploymentOf(objects()).spec).toBe(false);
    expect(api.replicas).toBeUndefined();
    expect(api.autoscaling).toEqual({ minReplicas: 2, maxReplicas: 5 });
  });

  test('autoscaling with a custom CPU target, min equal to max', () => {
    const hpa = findObject(backend({ autoscaling: { minReplicas: 3, maxReplicas: 3, targetCpuUtilization: 65 } }).objects(), 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 3 });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(65);
  });

  test('podLabels label the pods only, never the selector or the other objects', () => {
    const objects = backend({ podLabels: { 'sidecar.example.com/inject': 'true' } }).objects();
    const deployment = deploymentOf(objects);
    expect(deployment.spec.template.metadata.labels['sidecar.example.com/inject']).toBe('true');
    expect(deployment.spec.selector.matchLabels).toEqual(SELECTOR);
    expect(deployment.metadata.labels).not.toHaveProperty(['sidecar.example.com/inject']);
    expect(() => backend({ podLabels: { 'app.kubernetes.io/name': 'other' } }))
      .toThrow(`FastApiBackend 'test/api': podLabels sets a label the construct writes itself; got "app.kubernetes.io/name". Remove it; the pods carry the construct's value.`);
    expect(() => backend({ podLabels: { team: 'web/api' } })).toThrow(/podLabels\["team"\] must be a valid label value/);
  });

  test('a CPU target above 100% is valid: the pods may use more than they request before the autoscaler adds one', () => {
    const hpa = findObject(backend({ autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 150 } }).objects(), 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(150);
  });

  test('disruptionBudget writes a policy/v1 PDB selecting the pods, maxUnavailable 1 by default', () => {
    const pdb = findObject(backend({ replicas: 2, disruptionBudget: {} }).objects(), 'PodDisruptionBudget', 'api');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.metadata).toEqual({ name: 'api', namespace: 'test', labels: LABELS });
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: SELECTOR } });
  });

  test('disruptionBudget with a custom maxUnavailable below the autoscaler minimum', () => {
    const pdb = findObject(backend({ autoscaling: { minReplicas: 3, maxReplicas: 4 }, disruptionBudget: { maxUnavailable: 2 } }).objects(), 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(2);
  });

  test('prometheus annotations default to /metrics on the container port', () => {
    const annotations = deploymentOf(backend({ containerPort: 8080, prometheus: {} }).objects()).spec.template.metadata.annotations;
    expect(annotations).toEqual({
      'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/),
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    });
  });

  test('prometheus annotations with a custom path and port', () => {
    const annotations = deploymentOf(backend({ prometheus: { path: '/internal/metrics', port: 9090 } }).objects()).spec.template.metadata.annotations;
    expect(annotations).toMatchObject({ 'prometheus.io/port': '9090', 'prometheus.io/path': '/internal/metrics' });
  });

  test('initContainer runs the same image with the app settings, mounts, resources and security context', () => {
    const objects = backend({
      initContainer: { name: 'migrate', command: ['alembic', 'upgrade', 'head'] },
      secretEnv: { name: 'todo-secrets' },
      secretKeys: { API_KEY: { secretName: 'ai', key: 'api-key' } },
    }).objects();
    const podSpec = deploymentOf(objects).spec.template.spec;
    const main = podSpec.containers[0];
    expect(podSpec.initContainers).toEqual([{
      name: 'migrate',
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      command: ['alembic', 'upgrade', 'head'],
      envFrom: [{ configMapRef: { name: 'api-config' } }, { secretRef: { name: 'todo-secrets' } }],
      env: [{ name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'ai', key: 'api-key' } } }],
      resources: main.resources,
      securityContext: RESTRICTED_CONTAINER,
      volumeMounts: [{ name: 'writable-tmp', mountPath: '/tmp' }],
    }]);
    expect(main.envFrom).toEqual(podSpec.initContainers[0].envFrom);
    expect(main.env).toEqual(podSpec.initContainers[0].env);
  });

  test('an init container sees env and mounts added later; appEnvironment false and own mounts leave them out', () => {
    const { api, objects } = backend({ initContainer: { name: 'migrate', command: ['migrate'] } });
    api.addInitContainer({ name: 'plain', command: ['true'], appEnvironment: false, volumeMounts: [{ name: 'writable-tmp', mountPath: '/scratch' }] });
    api.addEnv('LATE', 'yes');
    api.addWritablePath('/var/cache/app');
    const [migrate, plain] = deploymentOf(objects()).spec.template.spec.initContainers;
    expect(migrate.env).toEqual([{ name: 'LATE', value: 'yes' }]);
    expect(migrate.volumeMounts).toEqual([{ name: 'writable-tmp', mountPath: '/tmp' }, { name: 'writable-var-cache-app', mountPath: '/var/cache/app' }]);
    expect(plain).toEqual({
      name: 'plain', image: IMAGE, imagePullPolicy: 'IfNotPresent', command: ['true'],
      resources: migrate.resources, securityContext: RESTRICTED_CONTAINER, volumeMounts: [{ name: 'writable-tmp', mountPath: '/scratch' }],
    });
  });

  test('addInitContainer with runFirst goes before the ones added so far', () => {
    const { api, objects } = backend({ initContainer: { name: 'migrate', command: ['migrate'] } });
    api.addInitContainer({ name: 'seed', command: ['seed'] });
    api.addInitContainer({ name: 'prepare', command: ['prepare'], runFirst: true });
    expect(deploymentOf(objects()).spec.template.spec.initContainers.map((container: any) => container.name)).toEqual(['prepare', 'migrate', 'seed']);
  });

  test('secretEnv loads a Secret by reference, with the optional flag', () => {
    expect(mainContainer(deploymentOf(backend({ secretEnv: { name: 'todo-secrets' } }).objects())).envFrom)
      .toEqual([{ configMapRef: { name: 'api-config' } }, { secretRef: { name: 'todo-secrets' } }]);
    expect(mainContainer(deploymentOf(backend({ secretEnv: { name: 'todo-secrets', optional: true } }).objects())).envFrom)
      .toEqual([{ configMapRef: { name: 'api-config' } }, { secretRef: { name: 'todo-secrets', optional: true } }]);
  });

  test('secretKeys read single keys, with the optional flag, and no value reaches the output', () => {
    const objects = backend({
      secretKeys: {
        OPENAI_API_KEY: { secretName: 'ai', key: 'openai' },
        DATABASE_URL: { secretName: 'db', key: 'url', optional: true },
      },
    }).objects();
    expect(mainContainer(deploymentOf(objects)).env).toEqual([
      { name: 'OPENAI_API_KEY', valueFrom: { secretKeyRef: { name: 'ai', key: 'openai' } } },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url', optional: true } } },
    ]);
    expect(kinds(objects)).not.toContain('Secret');
  });

  test('extra labels go on every object and pod, never into selectors', () => {
    const objects = backend({ replicas: 2, disruptionBudget: {}, labels: { team: 'core', 'example.com/tier': 'gold' } }).objects();
    for (const object of objects) {
      expect(object.metadata.labels).toEqual({ ...LABELS, team: 'core', 'example.com/tier': 'gold' });
    }
    const deployment = deploymentOf(objects);
    expect(deployment.spec.template.metadata.labels).toEqual({ ...LABELS, team: 'core', 'example.com/tier': 'gold' });
    expect(deployment.spec.selector.matchLabels).toEqual(SELECTOR);
    expect(findObject(objects, 'Service').spec.selector).toEqual(SELECTOR);
    expect(findObject(objects, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(SELECTOR);
  });

  test('extra labels cannot replace the standard ones', () => {
    const { api } = backend({ labels: { 'app.kubernetes.io/name': 'other' } });
    expect(api.labels['app.kubernetes.io/name']).toBe('api');
  });

  test('name, partOf, instance and version set the labels; instance is part of the selector', () => {
    const { api, objects } = backend({ name: 'todo-api', partOf: 'todo', instance: 'blue', version: '2024.1' });
    expect(api.labels).toEqual({
      'app.kubernetes.io/name': 'todo-api',
      'app.kubernetes.io/instance': 'blue',
      'app.kubernetes.io/component': 'backend',
      'app.kubernetes.io/part-of': 'todo',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'app.kubernetes.io/version': '2024.1',
    });
    expect(api.selectorLabels).toEqual({ 'app.kubernetes.io/name': 'todo-api', 'app.kubernetes.io/instance': 'blue' });
    expect(objects().map((object) => object.metadata.name)).toEqual(['todo-api-config', 'todo-api', 'todo-api']);
  });

  test.each([
    ['localhost:5000/todo-backend:v1', 'v1'],
    ['ghcr.io/acme/todo-backend:1.2.3', '1.2.3'],
    ['todo-backend@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'unversioned'],
    ['todo-backend:v2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'v2'],
  ])('image %s is accepted, version label %s', (image, version) => {
    const { api, objects } = backend({ image });
    expect(api.labels['app.kubernetes.io/version']).toBe(version);
    expect(mainContainer(deploymentOf(objects())).image).toBe(image);
  });

  test('imagePullPolicy, probe paths and startup timeout', () => {
    const container = mainContainer(deploymentOf(backend({
      imagePullPolicy: ImagePullPolicy.ALWAYS, livenessPath: '/livez', readinessPath: '/readyz', startupTimeoutSeconds: 31,
    }).objects()));
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(container.startupProbe.httpGet.path).toBe('/livez');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    // Checked every 2 seconds, for at least the timeout: ceil(31 / 2) = 16.
    expect(container.startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 16 });
  });

  test('resources override single fields and keep the other defaults', () => {
    const container = mainContainer(deploymentOf(backend({ resources: { cpu: { limit: '1' }, memory: { request: '300Mi', limit: '1Gi' } } }).objects()));
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '300Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('runAsUser and runAsGroup set the pod and container contexts and fsGroup', () => {
    const { api, objects } = backend({ runAsUser: 2000, runAsGroup: 3000 });
    const podSpec = deploymentOf(objects()).spec.template.spec;
    expect(podSpec.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 3000, fsGroup: 3000 });
    expect(podSpec.containers[0].securityContext).toEqual({ ...RESTRICTED_CONTAINER, runAsUser: 2000, runAsGroup: 3000 });
    expect(api.runAsIds).toEqual({ user: 2000, group: 3000 });
  });

  test('writablePaths add emptyDir volumes after /tmp', () => {
    const podSpec = deploymentOf(backend({ writablePaths: ['/var/cache/app', '/home/app/.cache/'] }).objects()).spec.template.spec;
    expect(podSpec.volumes).toEqual([
      { name: 'writable-tmp', emptyDir: {} },
      { name: 'writable-var-cache-app', emptyDir: {} },
      { name: 'writable-home-app-cache', emptyDir: {} },
    ]);
    expect(podSpec.containers[0].volumeMounts).toEqual([
      { name: 'writable-tmp', mountPath: '/tmp' },
      { name: 'writable-var-cache-app', mountPath: '/var/cache/app' },
      { name: 'writable-home-app-cache', mountPath: '/home/app/.cache/' },
    ]);
  });

  // Volume names come from the path with every run of other characters replaced by "-"; paths that differ only in
  // punctuation get numbered names rather than a "volume name must be unique" error about a name the user never chose.
  test('distinct writable paths that differ only in punctuation', () => {
    const podSpec = deploymentOf(backend({ writablePaths: ['/app/.cache', '/app/cache'] }).objects()).spec.template.spec;
    expect(podSpec.containers[0].volumeMounts.map((mount: any) => mount.mountPath)).toEqual(['/tmp', '/app/.cache', '/app/cache']);
    expect(new Set(podSpec.volumes.map((volume: any) => volume.name)).size).toBe(3);
  });

  test('addVolume adds a pod volume and its mounts', () => {
    const { api, objects } = backend();
    api.addVolume({ name: 'certs', secret: { secretName: 'ca' } }, { name: 'certs', mountPath: '/etc/certs', readOnly: true });
    const podSpec = deploymentOf(objects()).spec.template.spec;
    expect(podSpec.volumes).toContainEqual({ name: 'certs', secret: { secretName: 'ca' } });
    expect(podSpec.containers[0].volumeMounts).toContainEqual({ name: 'certs', mountPath: '/etc/certs', readOnly: true });
  });
});

describe('FastApiBackend children', () => {
  test('are the ApiObjects of the expected kinds and names', () => {
    const { api } = backend({ autoscaling: { minReplicas: 2, maxReplicas: 3 }, disruptionBudget: {} });
    expect(ApiObject.of(api.deployment)).toBe(api.deployment);
    const described = [api.deployment, api.service, api.configMap, api.autoscaler!, api.disruptionBudget!]
      .map((object) => `${object.apiVersion} ${object.kind}/${object.name} in ${object.metadata.namespace}`);
    expect(described).toEqual([
      'apps/v1 Deployment/api in test',
      'v1 Service/api in test',
      'v1 ConfigMap/api-config in test',
      'autoscaling/v2 HorizontalPodAutoscaler/api in test',
      'policy/v1 PodDisruptionBudget/api in test',
    ]);
  });

  test('autoscaler and disruptionBudget are undefined without their options', () => {
    const { api } = backend();
    expect(api.autoscaler).toBeUndefined();
    expect(api.disruptionBudget).toBeUndefined();
  });

  test('can be modified by the user, and the change is in the output', () => {
    const { api, objects } = backend();
    api.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'high'));
    api.service.metadata.addAnnotation('example.com/exposed', 'yes');
    api.configMap.addJsonPatch(JsonPatch.add('/data/EXTRA', 'x'));
    const output = objects();
    expect(deploymentOf(output).spec.template.spec.priorityClassName).toBe('high');
    expect(findObject(output, 'Service').metadata.annotations).toEqual({ 'example.com/exposed': 'yes' });
    expect(findObject(output, 'ConfigMap').data.EXTRA).toBe('x');
  });
});

describe('FastApiBackend errors (issue list, exact messages)', () => {
  test.each([0, 1.5])('replicas %s', (replicas) => {
    expect(build({ replicas })).toThrow(exactError(`FastApiBackend 'test/api': replicas must be an integer >= 1; got ${replicas}. Set replicas to a whole number of 1 or more.`));
  });

  test.each([
    ['containerPort', 0],
    ['containerPort', 70000],
    ['servicePort', 0],
    ['servicePort', 70000],
    ['servicePort', 80.5],
  ])('%s %s', (prop, port) => {
    expect(build({ [prop]: port })).toThrow(exactError(`FastApiBackend 'test/api': ${prop} must be a port number from 1 to 65535; got ${port}. Use a whole number in 1-65535, e.g. 8000.`));
  });

  test('autoscaling minReplicas > maxReplicas', () => {
    expect(build({ autoscaling: { minReplicas: 5, maxReplicas: 2 } }))
      .toThrow(exactError(`FastApiBackend 'test/api': autoscaling minReplicas must not exceed maxReplicas; got {"minReplicas":5,"maxReplicas":2}. Lower minReplicas or raise maxReplicas.`));
  });

  test('memory in MB', () => {
    expect(build({ resources: { memory: { limit: '512MB' } } })).toThrow(exactError(
      `FastApiBackend 'test/api': resources.memory.limit must be a Kubernetes quantity; got "512MB". Use a form like "256Mi" or "1Gi" (binary suffixes Ki, Mi, Gi; "MB" is not a Kubernetes unit).`));
  });

  test('memory in millibytes', () => {
    expect(build({ resources: { memory: { request: '128m' } } })).toThrow(exactError(
      `FastApiBackend 'test/api': resources.memory.request is in thousandths of a byte ("m" means milli); got "128m". Use Mi for mebibytes, e.g. "256Mi" or "1Gi".`));
  });

  test('a name that is not a DNS label', () => {
    const expected = `FastApiBackend 'test/api': name must be a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters); got "My_App". Use a name like "my-app".`;
    expect(build({ name: 'My_App' })).toThrow(exactError(expected));
    // The id is the default name.
    expect(() => new FastApiBackend(testChart(), 'My_App', { image: IMAGE }))
      .toThrow(exactError(expected.replace("'test/api'", "'test/My_App'")));
  });

  test('an invalid label value', () => {
    expect(build({ labels: { team: 'core/platform' } })).toThrow(exactError(
      `FastApiBackend 'test/api': labels["team"] must be a valid label value (at most 63 characters: letters, digits, "-", "_", ".", starting and ending with a letter or digit); got "core/platform". Shorten it or replace the other characters, e.g. "/" or "+" with "-".`));
  });

  test('an image without a tag', () => {
    expect(build({ image: 'todo-backend' })).toThrow(exactError(
      `FastApiBackend 'test/api': image must name a tag or digest; got "todo-backend". Pin a version, e.g. "todo-backend:v0.1.0" or "todo-backend@sha256:<digest>".`));
  });

  test('a registry port is not a tag', () => {
    expect(build({ image: 'localhost:5000/todo-backend' })).toThrow(exactError(
      `FastApiBackend 'test/api': image must name a tag or digest; got "localhost:5000/todo-backend". Pin a version, e.g. "localhost:5000/todo-backend:v0.1.0" or "localhost:5000/todo-backend@sha256:<digest>".`));
    expect(build({ image: 'localhost:5000/todo-backend:v1' })).not.toThrow();
  });

  // An empty tag is not a valid image reference (the kubelet reports InvalidImageName), so it counts as no tag.
  test('an image with an empty tag ("todo-backend:")', () => {
    expect(build({ image: 'todo-backend:' })).toThrow(/FastApiBackend 'test\/api': image must name a tag or digest; got "todo-backend:"/);
  });
});

describe('FastApiBackend errors (every other check)', () => {
  test.each<[string, Partial<FastApiBackendProps>, RegExp]>([
    ['replicas with autoscaling', { replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 3 } },
      /^FastApiBackend 'test\/api': replicas must not be set together with autoscaling \(the autoscaler owns the count\); got 2\. Remove replicas, or remove autoscaling\.$/],
    ['autoscaling.minReplicas 0', { autoscaling: { minReplicas: 0, maxReplicas: 3 } }, /^FastApiBackend 'test\/api': autoscaling\.minReplicas must be an integer >= 1; got 0\./],
    ['autoscaling.maxReplicas 2.5', { autoscaling: { minReplicas: 1, maxReplicas: 2.5 } }, /^FastApiBackend 'test\/api': autoscaling\.maxReplicas must be an integer >= 1; got 2\.5\./],
    ['targetCpuUtilization 0', { autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 0 } },
      /^FastApiBackend 'test\/api': autoscaling\.targetCpuUtilization must be a whole percentage of 1 or more; got 0\. Use e\.g\. 80\.$/],
    ['targetCpuUtilization 50.5', { autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilization: 50.5 } }, /targetCpuUtilization must be a whole percentage of 1 or more; got 50\.5\./],
    ['runAsUser 0', { runAsUser: 0 },
      /^FastApiBackend 'test\/api': runAsUser must be an integer >= 1; got 0\. Use the numeric non-root user of the image, e\.g\. 1000 \(root, 0, is not allowed by Pod Security "restricted"\)\.$/],
    ['runAsGroup 0', { runAsGroup: 0 }, /^FastApiBackend 'test\/api': runAsGroup must be an integer >= 1; got 0\. Use a numeric non-root group, e\.g\. 1000\.$/],
    ['nodePort on a ClusterIP Service', { nodePort: 30080 },
      /^FastApiBackend 'test\/api': nodePort needs serviceType NODE_PORT or LOAD_BALANCER; got 30080\. Set serviceType: ServiceType\.NODE_PORT, or remove nodePort\.$/],
    ['nodePort out of range', { serviceType: ServiceType.NODE_PORT, nodePort: 8080 },
      /^FastApiBackend 'test\/api': nodePort must be in the node port range 30000-32767; got 8080\. Pick a port such as 30080\.$/],
    ['nodePort above the range', { serviceType: ServiceType.LOAD_BALANCER, nodePort: 32768 }, /nodePort must be in the node port range 30000-32767; got 32768\./],
    ['livenessPath without /', { livenessPath: 'health' }, /^FastApiBackend 'test\/api': livenessPath must start with "\/"; got "health"\. Write it as "\/health"\.$/],
    ['readinessPath without /', { readinessPath: 'ready' }, /^FastApiBackend 'test\/api': readinessPath must start with "\/"; got "ready"\./],
    ['prometheus.path without /', { prometheus: { path: 'metrics' } }, /^FastApiBackend 'test\/api': prometheus\.path must start with "\/"; got "metrics"\./],
    ['prometheus.port 0', { prometheus: { port: 0 } }, /^FastApiBackend 'test\/api': prometheus\.port must be a port number from 1 to 65535; got 0\./],
    ['startupTimeoutSeconds 1', { startupTimeoutSeconds: 1 }, /^FastApiBackend 'test\/api': startupTimeoutSeconds must be an integer >= 2; got 1\. Set startupTimeoutSeconds to a whole number of 2 or more\.$/],
    ['secretEnv.name', { secretEnv: { name: 'Todo_Secrets' } }, /^FastApiBackend 'test\/api': secretEnv\.name must be a DNS-1123 subdomain .*; got "Todo_Secrets"\. Use a name like "todo-secrets"\.$/],
    ['cpu quantity', { resources: { cpu: { request: '1 core' } } }, /^FastApiBackend 'test\/api': resources\.cpu\.request must be a Kubernetes quantity; got "1 core"\. Use a form like "250m" or "1"/],
    ['cpu request above the default limit', { resources: { cpu: { request: '1' } } },
      /^FastApiBackend 'test\/api': resources\.cpu request must not exceed the limit; got {"request":"1","limit":"500m"}\. Lower the request or raise the limit\.$/],
    ['memory request above the limit', { resources: { memory: { request: '1Gi', limit: '512Mi' } } }, /resources\.memory request must not exceed the limit; got {"request":"1Gi","limit":"512Mi"}\./],
    ['disruptionBudget.maxUnavailable 0', { replicas: 2, disruptionBudget: { maxUnavailable: 0 } }, /^FastApiBackend 'test\/api': disruptionBudget\.maxUnavailable must be an integer >= 1; got 0\./],
    ['disruptionBudget with one replica', { disruptionBudget: {} },
      /^FastApiBackend 'test\/api': disruptionBudget needs more than one replica \(with one, a drain must either break the budget or the app\); got {"replicas":1}\. Raise replicas \(or autoscaling\.maxReplicas\) to 2 or more, or remove disruptionBudget\.$/],
    ['disruptionBudget with an autoscaler capped at one', { autoscaling: { minReplicas: 1, maxReplicas: 1 }, disruptionBudget: {} }, /disruptionBudget needs more than one replica .*; got {"replicas":1}\./],
    ['config key that is not a variable name', { config: { '1BAD': 'x' } },
      /^FastApiBackend 'test\/api': config key must be an environment variable name \(letters, digits, "_", not starting with a digit\); got "1BAD"\. Use a name like "LOG_LEVEL"\.$/],
    ['config key that looks like a secret', { config: { DB_PASSWORD: 'hunter2' } },
      /^FastApiBackend 'test\/api': config\["DB_PASSWORD"\] looks like a secret and would be written in plain text to the output; got "<redacted>"\. Create a Secret in the cluster and reference it: secretKeys: { DB_PASSWORD: { secretName: "\.\.\.", key: "DB_PASSWORD" } }; if it is an ordinary setting, list it in plainTextKeys: \["DB_PASSWORD"\]\.$/],
    ['config value with a password in a URL', { config: { DATABASE_URL: CREDENTIALS.databaseUrl } },
      /^FastApiBackend 'test\/api': config\["DATABASE_URL"\] holds a credential \(secretlint rule "database-connection-string"\), which would be written in plain text to the output; got "<redacted>"\. Put the value in a Secret and reference it with secretKeys or secretEnv\.$/],
    ['secretKeys variable name', { secretKeys: { 'bad-name': { secretName: 's', key: 'k' } } }, /^FastApiBackend 'test\/api': secretKeys name must be an environment variable name .*; got "bad-name"\./],
    ['secretKeys secret name', { secretKeys: { TOKEN: { secretName: 'Bad_Secret', key: 'k' } } }, /^FastApiBackend 'test\/api': secretKeys\["TOKEN"\]\.secretName must be a DNS-1123 subdomain .*; got "Bad_Secret"\./],
    ['writablePaths without /', { writablePaths: ['cache'] }, /^FastApiBackend 'test\/api': writablePaths must start with "\/"; got "cache"\. Write it as "\/cache"\.$/],
    ['writablePaths twice', { writablePaths: ['/tmp'] }, /^FastApiBackend 'test\/api': mountPath is already mounted; got "\/tmp"\. Mount each path once\.$/],
    ['initContainer name', { initContainer: { name: 'Migrate', command: ['x'] } }, /^FastApiBackend 'test\/api': initContainer\.name must be a DNS-1123 label .*; got "Migrate"\. Use a name like "migrate"\.$/],
    ['initContainer named like the main container', { initContainer: { name: 'backend', command: ['x'] } },
      /^FastApiBackend 'test\/api': initContainer\.name must be unique in the pod; got "backend"\. Give the init container another name\.$/],
    ['initContainer without a command', { initContainer: { name: 'migrate', command: [] } },
      /^FastApiBackend 'test\/api': initContainer\.command must not be empty; got \[\]\. Give the command to run, e\.g\. \["alembic", "upgrade", "head"\]\.$/],
    ['label key', { labels: { 'Bad Key': 'x' } }, /^FastApiBackend 'test\/api': labels key must be a valid label key \(\[prefix\/\]name, name at most 63 characters\); got "Bad Key"\. Use a key like "team" or "example\.com\/team"\.$/],
    ['version', { version: 'v1+build.5' }, /^FastApiBackend 'test\/api': version must be a valid label value .*; got "v1\+build\.5"\./],
    ['version from a long image tag', { image: `todo-backend:${'a'.repeat(64)}` }, /^FastApiBackend 'test\/api': version must be a valid label value .*; got "a{64}"\. Shorten it/],
    ['instance', { instance: '-blue' }, /^FastApiBackend 'test\/api': instance must be a valid label value .*; got "-blue"\./],
    ['partOf', { partOf: 'todo app' }, /^FastApiBackend 'test\/api': partOf must be a valid label value .*; got "todo app"\./],
    ['namespace', { namespace: 'Todo' }, /^FastApiBackend 'test\/api': namespace must be a DNS-1123 label .*; got "Todo"\. Use a name like "todo"\.$/],
  ])('%s', (_, props, message) => {
    expect(build(props)).toThrow(message);
  });

  test('no namespace in the prop or the chart', () => {
    expect(build({}, null)).toThrow(exactError(
      "FastApiBackend 'test/api': namespace is required (neither the prop nor the chart sets one); got undefined. "
      + 'Pass namespace, or create the chart with `new Chart(app, id, { namespace })`, so every object states where it lives.'));
  });

  test('secret-looking values never appear in the message', () => {
    expect(thrownMessage(build({ config: { API_TOKEN: 'sk-very-secret' } }))).not.toContain('sk-very-secret');
    expect(thrownMessage(build({ config: { URL: CREDENTIALS.urlWithPassword } }))).not.toContain('s3cret');
    expect(thrownMessage(build({ config: { PAYMENTS: CREDENTIALS.stripeLiveKey } }))).not.toContain(CREDENTIALS.stripeLiveKey.slice(8));
  });

  test('methods called after construction check their input too', () => {
    const { api } = backend({ initContainer: { name: 'migrate', command: ['x'] } });
    expect(() => api.addEnv('GITHUB_TOKEN', 'ghp_x')).toThrow(/^FastApiBackend 'test\/api': env\["GITHUB_TOKEN"\] looks like a secret/);
    expect(() => api.addEnv('2X', 'y')).toThrow(/^FastApiBackend 'test\/api': env name must be an environment variable name/);
    expect(() => api.addConfig('bad-key', 'y')).toThrow(/^FastApiBackend 'test\/api': config key must be an environment variable name .*; got "bad-key"/);
    expect(() => api.addInitContainer({ name: 'migrate', command: ['y'] })).toThrow(/^FastApiBackend 'test\/api': initContainer\.name must be unique in the pod; got "migrate"\./);
    expect(() => api.addVolume({ name: 'writable-tmp', emptyDir: {} })).toThrow(/^FastApiBackend 'test\/api': volume name must be unique in the pod; got "writable-tmp"\./);
    expect(() => api.addVolume({ name: 'data', emptyDir: {} }, { name: 'data', mountPath: 'data' })).toThrow(/^FastApiBackend 'test\/api': mountPath must start with "\/"; got "data"\./);
    expect(() => api.addVolume({ name: 'other', emptyDir: {} }, { name: 'other', mountPath: '/tmp' }))
      .toThrow(exactError(`FastApiBackend 'test/api': mountPath is already mounted; got "/tmp". Mount each path once.`));
    expect(() => api.addWritablePath('var')).toThrow(/^FastApiBackend 'test\/api': writablePaths must start with "\/"; got "var"\./);
  });

  test('requireSingleReplica names the reason and pins the Recreate strategy', () => {
    expect(() => backend({ replicas: 2 }).api.requireSingleReplica('the cache is local'))
      .toThrow(exactError(`FastApiBackend 'test/api': replicas must be 1 when the cache is local; got 2. Set replicas to 1 (or leave it unset).`));
    expect(() => backend({ autoscaling: { minReplicas: 1, maxReplicas: 2 } }).api.requireSingleReplica('the cache is local'))
      .toThrow(/^FastApiBackend 'test\/api': autoscaling must not be set when the cache is local; got {"minReplicas":1,"maxReplicas":2}\./);
    const { api, objects } = backend();
    api.requireSingleReplica('the cache is local');
    expect(deploymentOf(objects()).spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
  });
});

describe('FastApiBackend env, envFrom and ServiceAccount annotations', () => {
  test('env: EnvVar objects after the construct\'s own variables, in order; envFrom before its own ConfigMap and Secret', () => {
    const { api, objects } = backend({
      secretEnv: { name: 'app-secrets' },
      secretKeys: { OPENAI_API_KEY: { secretName: 'ai', key: 'key' } },
      env: [{ name: 'KEY_COPY', value: '$(OPENAI_API_KEY)' }, { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
      envFrom: [{ configMapRef: { name: 'shared-settings' } }, { secretRef: { name: 'extra', optional: true } }],
    });
    api.addEnvVar({ name: 'LATER', value: 'x' });
    api.addEnv('OWN', 'y');
    const container = mainContainer(deploymentOf(objects()));
    // The construct's own first (also those added later), so the given ones can refer to them with $(NAME).
    expect(container.env.map((variable: any) => variable.name)).toEqual(['OPENAI_API_KEY', 'OWN', 'KEY_COPY', 'POD_IP', 'LATER']);
    // Kubernetes takes a name from the last source: the construct's settings win over the given sources.
    expect(container.envFrom).toEqual([
      { configMapRef: { name: 'shared-settings' } }, { secretRef: { name: 'extra', optional: true } },
      { configMapRef: { name: 'api-config' } }, { secretRef: { name: 'app-secrets' } },
    ]);
    expect(api.environmentVariableNames).toEqual(['KEY_COPY', 'LATER', 'LOG_LEVEL', 'OPENAI_API_KEY', 'OWN', 'POD_IP', 'PYTHONDONTWRITEBYTECODE', 'PYTHONUNBUFFERED']);
  });

  test('serviceAccountAnnotations annotate the created ServiceAccount', () => {
    const { objects } = backend({ createServiceAccount: true, serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/api' } });
    expect(findObject(objects(), 'ServiceAccount', 'api').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/api' });
  });

  test.each([
    ['an env name set by the ConfigMap', { env: [{ name: 'LOG_LEVEL', value: 'debug' }] },
      'FastApiBackend \'test/api\': environment variable LOG_LEVEL is set by both the FastApiBackend default and env[0] (Kubernetes keeps one and silently drops the other); got "LOG_LEVEL". Set it in one place only.'],
    ['an env name listed twice', { env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }, 'environment variable A is set by both env[0] and env[1]'],
    ['a bad env name', { env: [{ name: '1A', value: '1' }] }, 'env[0].name must be an environment variable name'],
    ['value and valueFrom', { env: [{ name: 'A', value: '1', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }, 'env[0] sets both value and valueFrom (Kubernetes refuses that); got "A". Keep one of them.'],
    ['a secret-looking name with a plain value', { env: [{ name: 'SENTRY_TOKEN', value: 'abc' }] }, 'env[0].value looks like a secret and would be written in plain text to the output'],
    ['a credential under any name', { env: [{ name: 'PAYMENTS', value: CREDENTIALS.stripeLiveKey }] }, 'env[0].value holds'],
    ['an envFrom with neither ref', { envFrom: [{ prefix: 'X_' }] }, 'envFrom[0] must name one ConfigMap (configMapRef) or one Secret (secretRef)'],
    ['an envFrom with a bad name', { envFrom: [{ secretRef: { name: 'Bad_Name' } }] }, 'envFrom[0].secretRef.name must be a DNS-1123 subdomain'],
    ['annotations without a created ServiceAccount', { serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'x@p.iam.gserviceaccount.com' } },
      'FastApiBackend \'test/api\': serviceAccountAnnotations need createServiceAccount (the construct annotates only a ServiceAccount it creates); got ["iam.gke.io/gcp-service-account"]. '
      + 'Set createServiceAccount: true, or annotate your own ServiceAccount and name it in serviceAccountName.'],
  ] as Array<[string, Partial<FastApiBackendProps>, string]>)('refused: %s', (_, props, message) => {
    expect(thrownMessage(build(props))).toContain(message);
    expect(thrownMessage(build(props))).not.toContain(CREDENTIALS.stripeLiveKey.slice(8));
  });
});
