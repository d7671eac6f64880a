import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { AppNamespace, AppNamespaceProps, ContainerLimitOptions, NamespaceQuotaOptions, PodSecurityLevel } from '../lib';
import { chartWithoutNamespace, exactError, findObject, synth, testChart } from './util';

const LABELS = {
  'app.kubernetes.io/name': 'todo',
  'app.kubernetes.io/instance': 'todo',
  'app.kubernetes.io/component': 'namespace',
  'app.kubernetes.io/part-of': 'todo',
  'app.kubernetes.io/managed-by': 'cdk8s',
  'app.kubernetes.io/version': 'v1',
};
const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'v1.36',
  'pod-security.kubernetes.io/audit': 'restricted',
  'pod-security.kubernetes.io/audit-version': 'v1.36',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'v1.36',
};
const QUOTA: NamespaceQuotaOptions = { requestsCpu: '2', requestsMemory: '2Gi', limitsCpu: '8', limitsMemory: '8Gi' };
const LIMITS: ContainerLimitOptions = { defaultRequestCpu: '100m', defaultRequestMemory: '128Mi', defaultLimitCpu: '500m', defaultLimitMemory: '512Mi' };

/** AppNamespace `todo` in chart `test` (namespace `test`). */
function appNamespace(props: AppNamespaceProps = {}, chart: Chart = testChart()) {
  const namespace = new AppNamespace(chart, 'todo', props);
  return { chart, namespace, objects: () => synth(chart) };
}

describe('AppNamespace defaults', () => {
  test('a Namespace enforcing, auditing and warning about Pod Security "restricted" v1.36, without metadata.namespace even in a chart with one', () => {
    const { namespace, objects } = appNamespace();
    expect(objects()).toEqual([{
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'todo', labels: { ...LABELS, ...RESTRICTED } },
    }]);
    expect(namespace.name).toBe('todo');
  });

  test('the same in a chart without a namespace', () => {
    expect(appNamespace({}, chartWithoutNamespace()).objects()).toEqual([{
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'todo', labels: { ...LABELS, ...RESTRICTED } },
    }]);
  });
});

describe('AppNamespace options', () => {
  test('name, partOf and version', () => {
    const { namespace, objects } = appNamespace({ name: 'todo-prod', partOf: 'todo', version: 'v2' });
    expect(namespace.name).toBe('todo-prod');
    expect(findObject(objects(), 'Namespace').metadata).toEqual({
      name: 'todo-prod',
      labels: {
        'app.kubernetes.io/name': 'todo-prod',
        'app.kubernetes.io/instance': 'todo-prod',
        'app.kubernetes.io/component': 'namespace',
        'app.kubernetes.io/part-of': 'todo',
        'app.kubernetes.io/managed-by': 'cdk8s',
        'app.kubernetes.io/version': 'v2',
        ...RESTRICTED,
      },
    });
  });

  test('baseline level and another version, for all three modes', () => {
    const labels = findObject(appNamespace({ podSecurity: PodSecurityLevel.BASELINE, podSecurityVersion: 'latest' }).objects(), 'Namespace').metadata.labels;
    expect(Object.fromEntries(Object.entries(labels!).filter(([key]) => key.startsWith('pod-security.')))).toEqual({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/audit': 'baseline',
      'pod-security.kubernetes.io/audit-version': 'latest',
      'pod-security.kubernetes.io/warn': 'baseline',
      'pod-security.kubernetes.io/warn-version': 'latest',
    });
  });

  test('Istio sidecar injection label only when asked', () => {
    expect(findObject(appNamespace({ istioInjection: true }).objects(), 'Namespace').metadata.labels!['istio-injection']).toBe('enabled');
    expect(findObject(appNamespace({ istioInjection: false }).objects(), 'Namespace').metadata.labels!['istio-injection']).toBeUndefined();
    expect(findObject(appNamespace().objects(), 'Namespace').metadata.labels!['istio-injection']).toBeUndefined();
  });

  test('quota writes a ResourceQuota in the namespace', () => {
    const { objects } = appNamespace({ quota: { ...QUOTA, pods: 20, persistentVolumeClaims: 0 } }, chartWithoutNamespace());
    expect(findObject(objects(), 'ResourceQuota')).toEqual({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'todo-quota', namespace: 'todo', labels: LABELS },
      spec: { hard: { 'requests.cpu': '2', 'requests.memory': '2Gi', 'limits.cpu': '8', 'limits.memory': '8Gi', 'pods': '20', 'persistentvolumeclaims': '0' } },
    });
  });

  test('quota without pod and claim counts', () => {
    const { objects } = appNamespace({ quota: QUOTA });
    const quota = findObject(objects(), 'ResourceQuota');
    // The namespace is the AppNamespace's, not the chart's.
    expect(quota.metadata.namespace).toBe('todo');
    expect(quota.spec.hard).toEqual({ 'requests.cpu': '2', 'requests.memory': '2Gi', 'limits.cpu': '8', 'limits.memory': '8Gi' });
  });

  test('containerLimits writes a LimitRange for containers, with max when given', () => {
    const { objects } = appNamespace({ containerLimits: { ...LIMITS, maxCpu: '2', maxMemory: '2Gi' } });
    expect(findObject(objects(), 'LimitRange')).toEqual({
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'todo-limits', namespace: 'todo', labels: LABELS },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: '100m', memory: '128Mi' },
          default: { cpu: '500m', memory: '512Mi' },
          max: { cpu: '2', memory: '2Gi' },
        }],
      },
    });
  });

  test('containerLimits without max, or with only one', () => {
    expect(findObject(appNamespace({ containerLimits: LIMITS }).objects(), 'LimitRange').spec.limits[0].max).toBeUndefined();
    expect(findObject(appNamespace({ containerLimits: { ...LIMITS, maxMemory: '1Gi' } }).objects(), 'LimitRange').spec.limits[0].max).toEqual({ memory: '1Gi' });
  });

  test('the Namespace comes first in the output', () => {
    const { objects } = appNamespace({ quota: QUOTA, containerLimits: LIMITS });
    expect(objects().map((object) => object.kind)).toEqual(['Namespace', 'ResourceQuota', 'LimitRange']);
  });
});

describe('AppNamespace children', () => {
  test('namespace, resourceQuota and limitRange are the ApiObjects of the expected kinds', () => {
    const { namespace } = appNamespace({ quota: QUOTA, containerLimits: LIMITS });
    expect(ApiObject.of(namespace.namespace)).toBe(namespace.namespace);
    expect([namespace.namespace, namespace.resourceQuota!, namespace.limitRange!].map((object) => `${object.kind}/${object.name}`))
      .toEqual(['Namespace/todo', 'ResourceQuota/todo-quota', 'LimitRange/todo-limits']);
  });

  test('resourceQuota and limitRange are undefined without their options', () => {
    const { namespace } = appNamespace();
    expect(namespace.resourceQuota).toBeUndefined();
    expect(namespace.limitRange).toBeUndefined();
  });

  test('can be modified by the user', () => {
    const { namespace, objects } = appNamespace({ quota: QUOTA });
    namespace.namespace.metadata.addLabel('team', 'core');
    namespace.resourceQuota!.addJsonPatch(JsonPatch.add('/spec/scopes', ['NotTerminating']));
    expect(findObject(objects(), 'Namespace').metadata.labels!.team).toBe('core');
    expect(findObject(objects(), 'Namespace').metadata.namespace).toBeUndefined();
    expect(findObject(objects(), 'ResourceQuota').spec.scopes).toEqual(['NotTerminating']);
  });
});

describe('AppNamespace errors', () => {
  const build = (props: AppNamespaceProps) => () => appNamespace(props);

  test('an invalid name', () => {
    expect(build({ name: 'My_App' })).toThrow(exactError(
      `AppNamespace 'test/todo': name must be a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters); got "My_App". Use a name like "my-app".`));
  });

  test('a Pod Security version that is not a minor version', () => {
    expect(build({ podSecurityVersion: '1.28' })).toThrow(exactError(
      `AppNamespace 'test/todo': podSecurityVersion must be a Kubernetes minor version like "v1.36" or "latest"; got "1.28". Use the cluster version you test against, e.g. "v1.36".`));
  });

  test('memory in MB in the quota', () => {
    expect(build({ quota: { ...QUOTA, limitsMemory: '8GB' } })).toThrow(exactError(
      `AppNamespace 'test/todo': quota.limitsMemory must be a Kubernetes quantity; got "8GB". Use a form like "256Mi" or "1Gi" (binary suffixes Ki, Mi, Gi; "MB" is not a Kubernetes unit).`));
  });

  test('a default request above the default limit', () => {
    expect(build({ containerLimits: { ...LIMITS, defaultRequestCpu: '1' } })).toThrow(exactError(
      `AppNamespace 'test/todo': containerLimits cpu request must not exceed the limit; got {"request":"1","limit":"500m"}. Lower the request or raise the limit.`));
  });

  test.each<[string, AppNamespaceProps, RegExp]>([
    ['a name longer than 63 characters', { name: 'a'.repeat(64) }, /^AppNamespace 'test\/todo': name must be a DNS-1123 label .*; got "a{64}"\./],
    ['podSecurityVersion v2', { podSecurityVersion: 'v2.0' }, /podSecurityVersion must be a Kubernetes minor version .*; got "v2\.0"\./],
    ['partOf', { partOf: 'todo app' }, /^AppNamespace 'test\/todo': partOf must be a valid label value .*; got "todo app"\./],
    ['version', { version: 'v1+2' }, /^AppNamespace 'test\/todo': version must be a valid label value .*; got "v1\+2"\./],
    ['quota.requestsCpu', { quota: { ...QUOTA, requestsCpu: '2 cores' } }, /^AppNamespace 'test\/todo': quota\.requestsCpu must be a Kubernetes quantity; got "2 cores"\. Use a form like "250m" or "1"/],
    ['quota.limitsCpu', { quota: { ...QUOTA, limitsCpu: 'eight' } }, /^AppNamespace 'test\/todo': quota\.limitsCpu must be a Kubernetes quantity; got "eight"\./],
    ['quota.requestsMemory in millibytes', { quota: { ...QUOTA, requestsMemory: '512m' } }, /^AppNamespace 'test\/todo': quota\.requestsMemory is in thousandths of a byte \("m" means milli\); got "512m"\./],
    ['quota.pods 0', { quota: { ...QUOTA, pods: 0 } }, /^AppNamespace 'test\/todo': quota\.pods must be an integer >= 1; got 0\./],
    ['quota.persistentVolumeClaims -1', { quota: { ...QUOTA, persistentVolumeClaims: -1 } }, /^AppNamespace 'test\/todo': quota\.persistentVolumeClaims must be an integer >= 0; got -1\./],
    ['quota.persistentVolumeClaims 1.5', { quota: { ...QUOTA, persistentVolumeClaims: 1.5 } }, /quota\.persistentVolumeClaims must be an integer >= 0; got 1\.5\./],
    ['containerLimits.defaultRequestCpu', { containerLimits: { ...LIMITS, defaultRequestCpu: '100 m' } }, /^AppNamespace 'test\/todo': containerLimits\.defaultRequestCpu must be a Kubernetes quantity; got "100 m"\./],
    ['containerLimits.defaultLimitCpu', { containerLimits: { ...LIMITS, defaultLimitCpu: '' } }, /^AppNamespace 'test\/todo': containerLimits\.defaultLimitCpu must be a Kubernetes quantity; got ""\./],
    ['containerLimits.maxCpu', { containerLimits: { ...LIMITS, maxCpu: '2CPU' } }, /^AppNamespace 'test\/todo': containerLimits\.maxCpu must be a Kubernetes quantity; got "2CPU"\./],
    ['containerLimits.defaultRequestMemory', { containerLimits: { ...LIMITS, defaultRequestMemory: '128MB' } }, /^AppNamespace 'test\/todo': containerLimits\.defaultRequestMemory must be a Kubernetes quantity; got "128MB"\./],
    ['containerLimits.defaultLimitMemory', { containerLimits: { ...LIMITS, defaultLimitMemory: '512m' } }, /^AppNamespace 'test\/todo': containerLimits\.defaultLimitMemory is in thousandths of a byte/],
    ['containerLimits.maxMemory', { containerLimits: { ...LIMITS, maxMemory: '2 Gi' } }, /^AppNamespace 'test\/todo': containerLimits\.maxMemory must be a Kubernetes quantity; got "2 Gi"\./],
    ['containerLimits memory request above the limit', { containerLimits: { ...LIMITS, defaultRequestMemory: '1Gi' } },
      /^AppNamespace 'test\/todo': containerLimits memory request must not exceed the limit; got {"request":"1Gi","limit":"512Mi"}\./],
  ])('%s', (_, props, message) => {
    expect(build(props)).toThrow(message);
  });
});
