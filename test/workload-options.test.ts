/** The workload options for real apps (issue 11): each renders the Kubernetes field it names, and defaults write nothing new. */
import { Deployment as KplusDeployment, ServiceType as KplusServiceType, ImagePullPolicy as KplusImagePullPolicy } from 'cdk8s-plus-28';
import {
  ExternalTrafficPolicy, FastApiBackend, FastApiBackendProps, ImagePullPolicy, NextFrontend, Protocol, ServiceType, SqlitePersistence,
  UnhealthyPodEvictionPolicy,
} from '../lib';
import { Manifest, findObject, mainContainer, synth, testChart, validate } from './util';

function backend(props: Partial<FastApiBackendProps> = {}) {
  const chart = testChart();
  const api = new FastApiBackend(chart, 'api', { image: 'ghcr.io/acme/api:v1', ...props });
  return { chart, api, objects: () => synth(chart) };
}

const podSpec = (objects: Manifest[]) => findObject(objects, 'Deployment', 'api').spec.template.spec;
const SELECTOR = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'test' };

describe('container options', () => {
  test('command, args and extra ports; a port with servicePort is also on the Service', () => {
    const objects = backend({
      command: ['uvicorn'], args: ['app.main:app', '--port', '8000'],
      ports: [{ name: 'metrics', containerPort: 9000, servicePort: 9000 }, { name: 'debug', containerPort: 5678, protocol: Protocol.UDP }],
    }).objects();
    const container = mainContainer(findObject(objects, 'Deployment', 'api'));
    expect(container.command).toEqual(['uvicorn']);
    expect(container.args).toEqual(['app.main:app', '--port', '8000']);
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8000, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9000, protocol: 'TCP' },
      { name: 'debug', containerPort: 5678, protocol: 'UDP' },
    ]);
    expect(findObject(objects, 'Service').spec.ports).toEqual([
      { name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9000, targetPort: 'metrics', protocol: 'TCP' },
    ]);
  });

  test('probe timings and port', () => {
    const container = mainContainer(findObject(backend({
      ports: [{ name: 'admin', containerPort: 8081 }], probePort: 'admin',
      livenessProbe: { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
      readinessProbe: { periodSeconds: 2, successThreshold: 2 },
    }).objects(), 'Deployment', 'api'));
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/health', port: 'admin' }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 });
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'admin' }, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 2 });
    expect(container.startupProbe.httpGet.port).toBe('admin');
  });

  test('a preStop delay with a termination grace period', () => {
    const objects = backend({ preStopDelaySeconds: 5, terminationGracePeriodSeconds: 45 }).objects();
    expect(mainContainer(findObject(objects, 'Deployment', 'api')).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(podSpec(objects).terminationGracePeriodSeconds).toBe(45);
  });

  test('ephemeral storage and writable path size limits', () => {
    const objects = backend({ resources: { ephemeralStorage: { request: '1Gi', limit: '2Gi' } }, writablePathSizeLimit: '512Mi' }).objects();
    const container = mainContainer(findObject(objects, 'Deployment', 'api'));
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi', 'ephemeral-storage': '1Gi' }, limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '2Gi' } });
    expect(podSpec(objects).volumes).toEqual([{ name: 'writable-tmp', emptyDir: { sizeLimit: '512Mi' } }]);
  });

  test('extra volumes and mounts', () => {
    const objects = backend({
      volumes: [{ name: 'settings', configMap: { name: 'api-settings' } }],
      volumeMounts: [{ name: 'settings', mountPath: '/etc/api', readOnly: true }],
    }).objects();
    expect(podSpec(objects).volumes).toContainEqual({ name: 'settings', configMap: { name: 'api-settings' } });
    expect(mainContainer(findObject(objects, 'Deployment', 'api')).volumeMounts).toContainEqual({ name: 'settings', mountPath: '/etc/api', readOnly: true });
  });

  test('a mount of a volume the pod does not have fails synth', () => {
    const { chart } = backend({ volumeMounts: [{ name: 'missing', mountPath: '/etc/api' }] });
    expect(() => validate(chart.node.root as any)).toThrow(/FastApiBackend 'test\/api': volumeMounts names a volume the pod does not have; got "missing" \(at \/etc\/api\)/);
  });
});

describe('pod options', () => {
  test('service account (created, token not mounted), pull secrets, annotations, scheduling and priority', () => {
    const { api, objects } = backend({
      serviceAccountName: 'api-runner', createServiceAccount: true, imagePullSecrets: ['ghcr-pull'],
      podAnnotations: { 'sidecar.istio.io/inject': 'false' }, serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' },
      nodeSelector: { 'kubernetes.io/arch': 'amd64' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['web'] }] }] } } },
      priorityClassName: 'web-critical',
    });
    const output = objects();
    expect(api.serviceAccount).toBeDefined();
    expect(findObject(output, 'ServiceAccount', 'api-runner')).toMatchObject({ automountServiceAccountToken: false, metadata: { namespace: 'test' } });
    const spec = podSpec(output);
    expect(spec).toMatchObject({
      serviceAccountName: 'api-runner', automountServiceAccountToken: false, imagePullSecrets: [{ name: 'ghcr-pull' }],
      nodeSelector: { 'kubernetes.io/arch': 'amd64' }, priorityClassName: 'web-critical',
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
    });
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key).toBe('pool');
    expect(findObject(output, 'Deployment', 'api').spec.template.metadata.annotations).toMatchObject({ 'sidecar.istio.io/inject': 'false', 'checksum/config': expect.any(String) });
    expect(findObject(output, 'Service').metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' });
  });

  test('an existing service account by name, with its token mounted when asked', () => {
    const spec = podSpec(backend({ serviceAccountName: 'reader', automountServiceAccountToken: true }).objects());
    expect(spec).toMatchObject({ serviceAccountName: 'reader', automountServiceAccountToken: true });
  });

  test('one replica: no topology spread; more than one can run: spread across nodes by default', () => {
    expect(podSpec(backend().objects()).topologySpreadConstraints).toBeUndefined();
    for (const props of [{ replicas: 2 }, { autoscaling: { minReplicas: 1, maxReplicas: 3 } }]) {
      expect(podSpec(backend(props).objects()).topologySpreadConstraints).toEqual([
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: SELECTOR } },
      ]);
    }
  });

  test('topology spread constraints of your own replace the default; an empty list writes none', () => {
    const zones = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: SELECTOR } }];
    expect(podSpec(backend({ replicas: 3, topologySpreadConstraints: zones }).objects()).topologySpreadConstraints).toEqual(zones);
    expect(podSpec(backend({ replicas: 3, topologySpreadConstraints: [] }).objects()).topologySpreadConstraints).toBeUndefined();
  });

  test('SqlitePersistence pins one replica, so no spread', () => {
    const { chart, api } = backend();
    new SqlitePersistence(chart, 'data').attachTo(api);
    expect(podSpec(synth(chart)).topologySpreadConstraints).toBeUndefined();
  });
});

describe('scaling options', () => {
  test('HPA on memory as well as CPU, with behavior', () => {
    const behavior = { scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } };
    const hpa = findObject(backend({ autoscaling: { minReplicas: 2, maxReplicas: 5, targetMemoryUtilization: 75, behavior } }).objects(), 'HorizontalPodAutoscaler');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
    ]);
    expect(hpa.spec.behavior).toEqual(behavior);
  });

  test('PDB with minAvailable and an unhealthy pod eviction policy', () => {
    const pdb = findObject(backend({ replicas: 3, disruptionBudget: { minAvailable: 2, unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW } }).objects(), 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ minAvailable: 2, selector: { matchLabels: SELECTOR }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });
});

describe('Service options', () => {
  test('externalTrafficPolicy, loadBalancerSourceRanges and a fixed nodePort', () => {
    const service = findObject(backend({
      serviceType: ServiceType.LOAD_BALANCER, nodePort: 30080, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL, loadBalancerSourceRanges: ['203.0.113.0/24'],
    }).objects(), 'Service');
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['203.0.113.0/24'] });
    expect(service.spec.ports[0].nodePort).toBe(30080);
  });

  test("cdk8s-plus's own ServiceType and ImagePullPolicy values are accepted (they are the same enums)", () => {
    const objects = backend({ serviceType: KplusServiceType.NODE_PORT, imagePullPolicy: KplusImagePullPolicy.ALWAYS }).objects();
    expect(findObject(objects, 'Service').spec.type).toBe('NodePort');
    expect(mainContainer(findObject(objects, 'Deployment', 'api')).imagePullPolicy).toBe('Always');
    expect(ServiceType).toBe(KplusServiceType);
    expect(ImagePullPolicy).toBe(KplusImagePullPolicy);
  });
});

describe('generic constructs', () => {
  test('a frontend writes no todo-specific setting, a backend neither', () => {
    const chart = testChart();
    new NextFrontend(chart, 'web', { image: 'web:v1' });
    new FastApiBackend(chart, 'api', { image: 'api:v1' });
    const data = synth(chart).filter((object) => object.kind === 'ConfigMap').flatMap((object) => Object.keys(object.data));
    expect(data).not.toContain('MODE');
    expect(data).not.toContain('MODEL_SERVER_URL');
  });

  test('a cdk8s-plus Deployment beside the constructs is unaffected', () => {
    const chart = testChart();
    new KplusDeployment(chart, 'worker', { containers: [{ image: 'worker:v1' }] });
    new FastApiBackend(chart, 'api', { image: 'api:v1' });
    expect(() => synth(chart)).not.toThrow();
  });
});
