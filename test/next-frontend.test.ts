import { ApiObject, JsonPatch } from 'cdk8s';
import { FastApiBackend, NextFrontend, NextFrontendMode, NextFrontendProps } from '../lib';
import { Manifest, exactError, findObject, mainContainer, synth, testChart } from './util';
import { CREDENTIALS } from './credentials';

const IMAGE = 'todo-frontend:v1';

/** A frontend with id `web` in chart `test` (namespace `test`), and its synthesized objects. */
function frontend(props: Partial<NextFrontendProps> = {}) {
  const chart = testChart();
  const web = new NextFrontend(chart, 'web', { image: IMAGE, ...props });
  return { chart, web, objects: () => synth(chart) };
}

function deploymentOf(objects: Manifest[]): Manifest {
  return findObject(objects, 'Deployment', 'web');
}

const LABELS = {
  'app.kubernetes.io/name': 'web',
  'app.kubernetes.io/instance': 'test',
  'app.kubernetes.io/component': 'frontend',
  'app.kubernetes.io/part-of': 'web',
  'app.kubernetes.io/managed-by': 'cdk8s',
  'app.kubernetes.io/version': 'v1',
};
const SELECTOR = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'test' };

function restrictedContainer(user: number) {
  return {
    runAsNonRoot: true, runAsUser: user, runAsGroup: user, allowPrivilegeEscalation: false, privileged: false,
    readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  };
}

describe('NextFrontend defaults (standalone)', () => {
  test('writes a ConfigMap, a Deployment and a Service with the frontend labels', () => {
    const { web, objects } = frontend();
    expect(objects().map((object) => `${object.kind}/${object.metadata.name}`)).toEqual(['ConfigMap/web-config', 'Deployment/web', 'Service/web']);
    for (const object of objects()) expect(object.metadata).toMatchObject({ namespace: 'test', labels: LABELS });
    expect(web.mode).toBe(NextFrontendMode.STANDALONE);
  });

  test('the ConfigMap makes the standalone server listen on all addresses on port 3000', () => {
    expect(findObject(frontend().objects(), 'ConfigMap').data).toEqual({
      HOSTNAME: '::', NEXT_PUBLIC_API_URL: '/api', NEXT_TELEMETRY_DISABLED: '1', PORT: '3000',
    });
  });

  test('the container runs as user 1001 on port 3000, probed on /, with writable /tmp and /app/.next/cache', () => {
    const deployment = deploymentOf(frontend().objects());
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(deployment.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    const podSpec = deployment.spec.template.spec;
    expect(podSpec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podSpec.volumes).toEqual([{ name: 'writable-tmp', emptyDir: {} }, { name: 'writable-app-next-cache', emptyDir: {} }]);
    expect(mainContainer(deployment)).toEqual({
      name: 'frontend',
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }],
      envFrom: [{ configMapRef: { name: 'web-config' } }],
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      startupProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 60 },
      livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      securityContext: restrictedContainer(1001),
      volumeMounts: [{ name: 'writable-tmp', mountPath: '/tmp' }, { name: 'writable-app-next-cache', mountPath: '/app/.next/cache' }],
    });
  });

  test('the Service is a ClusterIP on port 3000', () => {
    const { web, objects } = frontend();
    expect(findObject(objects(), 'Service').spec).toEqual({
      type: 'ClusterIP', selector: SELECTOR, ports: [{ name: 'http', port: 3000, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(web.serviceUrl).toBe('http://web.test.svc.cluster.local:3000');
  });
});

describe('NextFrontend options', () => {
  test('static mode serves with unprivileged nginx: 8080 in the pod, 80 on the Service, user 101, only /tmp writable', () => {
    const { web, objects } = frontend({ mode: NextFrontendMode.STATIC });
    expect(web.mode).toBe(NextFrontendMode.STATIC);
    expect(web.containerPort).toBe(8080);
    expect(web.servicePort).toBe(80);
    const deployment = deploymentOf(objects());
    const container = mainContainer(deployment);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.securityContext).toEqual(restrictedContainer(101));
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsUser: 101, runAsGroup: 101, fsGroup: 101 });
    expect(container.volumeMounts).toEqual([{ name: 'writable-tmp', mountPath: '/tmp' }]);
    expect(findObject(objects(), 'Service').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    // No Node.js server settings in static mode.
    expect(findObject(objects(), 'ConfigMap').data).toEqual({ NEXT_PUBLIC_API_URL: '/api' });
  });

  test('a custom containerPort is also the PORT the standalone server listens on', () => {
    const objects = frontend({ containerPort: 4000 }).objects();
    expect(findObject(objects, 'ConfigMap').data.PORT).toBe('4000');
    expect(mainContainer(deploymentOf(objects)).ports[0].containerPort).toBe(4000);
    expect(findObject(objects, 'Service').spec.ports[0].port).toBe(3000);
  });

  test('publicApiUrl sets NEXT_PUBLIC_API_URL', () => {
    expect(findObject(frontend({ publicApiUrl: 'https://api.example.com' }).objects(), 'ConfigMap').data.NEXT_PUBLIC_API_URL).toBe('https://api.example.com');
  });

  test('backend injects the backend Service URL as BACKEND_URL', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1' });
    new NextFrontend(chart, 'web', { image: IMAGE, backend: api });
    expect(findObject(synth(chart), 'ConfigMap', 'web-config').data.BACKEND_URL).toBe('http://api.test.svc.cluster.local:8000');
  });

  test('backendUrlVariable renames the variable, and the URL follows the backend Service port and namespace', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1', namespace: 'backend', servicePort: 80 });
    new NextFrontend(chart, 'web', { image: IMAGE, backend: api, backendUrlVariable: 'API_INTERNAL_URL' });
    const data = findObject(synth(chart), 'ConfigMap', 'web-config').data;
    expect(data.API_INTERNAL_URL).toBe('http://api.backend.svc.cluster.local:80');
    expect(data.BACKEND_URL).toBeUndefined();
  });

  test('shared options work as for the backend: autoscaling, budget, labels', () => {
    const { objects } = frontend({ autoscaling: { minReplicas: 2, maxReplicas: 4 }, disruptionBudget: {}, labels: { team: 'web' } });
    const output = objects();
    expect('replicas' in deploymentOf(output).spec).toBe(false);
    expect(findObject(output, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(findObject(output, 'PodDisruptionBudget', 'web').spec.selector.matchLabels).toEqual(SELECTOR);
    expect(deploymentOf(output).spec.template.metadata.labels.team).toBe('web');
    expect(deploymentOf(output).spec.selector.matchLabels).toEqual(SELECTOR);
  });
});

describe('NextFrontend children', () => {
  test('are the ApiObjects of the expected kinds and can be modified', () => {
    const { web, objects } = frontend();
    expect(ApiObject.of(web.service)).toBe(web.service);
    expect([web.deployment, web.service, web.configMap].map((object) => `${object.kind}/${object.name}`)).toEqual(['Deployment/web', 'Service/web', 'ConfigMap/web-config']);
    expect(web.autoscaler).toBeUndefined();
    expect(web.disruptionBudget).toBeUndefined();
    web.deployment.addJsonPatch(JsonPatch.replace('/spec/revisionHistoryLimit', 2));
    expect(deploymentOf(objects()).spec.revisionHistoryLimit).toBe(2);
  });
});

describe('NextFrontend errors', () => {
  test('backend in static mode', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1' });
    expect(() => new NextFrontend(chart, 'web', { image: IMAGE, mode: NextFrontendMode.STATIC, backend: api })).toThrow(exactError(
      `NextFrontend 'test/web': backend only applies to NextFrontendMode.STANDALONE (a static export has no server-side code); got "test/api". Remove backend, or use NextFrontendMode.STANDALONE.`));
  });

  test('backendUrlVariable that is not a variable name, or looks like a secret', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: 'todo-backend:v1' });
    expect(() => new NextFrontend(chart, 'web1', { image: IMAGE, backend: api, backendUrlVariable: 'backend-url' }))
      .toThrow(/^NextFrontend 'test\/web1': config key must be an environment variable name .*; got "backend-url"\./);
    expect(() => new NextFrontend(chart, 'web2', { image: IMAGE, backend: api, backendUrlVariable: 'BACKEND_TOKEN' }))
      .toThrow(/^NextFrontend 'test\/web2': config\["BACKEND_TOKEN"\] looks like a secret/);
  });

  test('the shared checks name NextFrontend', () => {
    const build = (props: Partial<NextFrontendProps>) => () => new NextFrontend(testChart(), 'web', { image: IMAGE, ...props });
    expect(build({ replicas: 0 })).toThrow(exactError(`NextFrontend 'test/web': replicas must be an integer >= 1; got 0. Set replicas to a whole number of 1 or more.`));
    expect(build({ image: 'todo-frontend' })).toThrow(exactError(
      `NextFrontend 'test/web': image must name a tag or digest; got "todo-frontend". Pin a version, e.g. "todo-frontend:v0.1.0" or "todo-frontend@sha256:<digest>".`));
    expect(build({ containerPort: 65536 })).toThrow(exactError(`NextFrontend 'test/web': containerPort must be a port number from 1 to 65535; got 65536. Use a whole number in 1-65535, e.g. 8000.`));
    expect(build({ resources: { memory: { limit: '512MB' } } })).toThrow(/^NextFrontend 'test\/web': resources\.memory\.limit must be a Kubernetes quantity; got "512MB"\./);
    expect(build({ publicApiUrl: CREDENTIALS.urlWithPassword })).toThrow(/^NextFrontend 'test\/web': config\["NEXT_PUBLIC_API_URL"\] holds a credential \(secretlint rule "basicauth"\)/);
    expect(build({ initContainer: { name: 'frontend', command: ['x'] } })).toThrow(/^NextFrontend 'test\/web': initContainer\.name must be unique in the pod; got "frontend"\./);
  });
});
