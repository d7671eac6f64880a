import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { FastApiBackend, FastApiBackendProps, NextFrontend, SqlitePersistence, SqlitePersistenceProps } from '../lib';
import { Manifest, chartWithoutNamespace, exactError, findObject, kinds, mainContainer, synth, testChart } from './util';

const IMAGE = 'todo-backend:v1';

const LABELS = {
  'app.kubernetes.io/name': 'data',
  'app.kubernetes.io/instance': 'test',
  'app.kubernetes.io/component': 'database',
  'app.kubernetes.io/part-of': 'data',
  'app.kubernetes.io/managed-by': 'cdk8s',
  'app.kubernetes.io/version': 'v1',
};

/** SqlitePersistence `data` in chart `test` (namespace `test`). */
function persistence(props: SqlitePersistenceProps = {}, chart: Chart = testChart()) {
  const data = new SqlitePersistence(chart, 'data', props);
  return { chart, data, objects: () => synth(chart) };
}

/** A backend `api` with SqlitePersistence `data` attached. */
function attached(backendProps: Partial<FastApiBackendProps> = {}, props: SqlitePersistenceProps = {}) {
  const chart = testChart();
  const api = new FastApiBackend(chart, 'api', { image: IMAGE, ...backendProps });
  const data = new SqlitePersistence(chart, 'data', props);
  data.attachTo(api);
  return { chart, api, data, objects: () => synth(chart) };
}

function deploymentOf(objects: Manifest[]): Manifest {
  return findObject(objects, 'Deployment', 'api');
}

/** The init step's script: the directories, or a message that says why the volume refuses them and what to do. */
function prepareScript(directories: string, claim = 'data'): string {
  return `mkdir -p ${directories} || { echo "SqlitePersistence (claim ${claim}): uid $(id -u) cannot create ${directories} on the volume `
    + '(its root: $(ls -ldn /volume | cut -d \' \' -f 1,3,4)). Make the volume writable by that uid: a provisioner that creates world-writable '
    + 'directories (kind\'s local-path, minikube\'s hostpath), or for a hostPath volume chown the directory on the node to that uid before the pod starts." >&2; exit 1; }';
}

const PREPARE_DATA = {
  name: 'prepare-data',
  image: IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', prepareScript('/volume/data /volume/logs')],
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  securityContext: {
    runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, privileged: false,
    readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  },
  volumeMounts: [{ name: 'sqlite', mountPath: '/volume' }],
};

describe('SqlitePersistence defaults', () => {
  test('a 5Gi ReadWriteOnce claim from the default class, kept by helm uninstall', () => {
    const { data, objects } = persistence();
    expect(objects()).toEqual([{
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'test', labels: LABELS, annotations: { 'helm.sh/resource-policy': 'keep' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
    }]);
    expect(data.claimName).toBe('data');
    expect(data.namespace).toBe('test');
    expect(data.databaseUrl).toBe('sqlite:////data/db.sqlite3');
  });

  test('attachTo mounts /data and /logs as subPaths, sets DATABASE_URL and pins one replica with Recreate', () => {
    const { objects } = attached();
    const deployment = deploymentOf(objects());
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const podSpec = deployment.spec.template.spec;
    expect(podSpec.volumes).toEqual([{ name: 'writable-tmp', emptyDir: {} }, { name: 'sqlite', persistentVolumeClaim: { claimName: 'data' } }]);
    const container = mainContainer(deployment);
    expect(container.volumeMounts).toEqual([
      { name: 'writable-tmp', mountPath: '/tmp' },
      { name: 'sqlite', mountPath: '/data', subPath: 'data' },
      { name: 'sqlite', mountPath: '/logs', subPath: 'logs' },
    ]);
    expect(container.env).toEqual([{ name: 'DATABASE_URL', value: 'sqlite:////data/db.sqlite3' }]);
  });

  test('attachTo adds an init container that creates the directories as the workload user, without app settings', () => {
    expect(deploymentOf(attached().objects()).spec.template.spec.initContainers).toEqual([PREPARE_DATA]);
  });

  test('the prepare container runs as the user of the workload it is attached to', () => {
    const chart = testChart();
    const web = new NextFrontend(chart, 'web', { image: 'todo-frontend:v1' });
    new SqlitePersistence(chart, 'data').attachTo(web);
    const initContainer = findObject(synth(chart), 'Deployment', 'web').spec.template.spec.initContainers[0];
    expect(initContainer.name).toBe('prepare-data');
    expect(initContainer.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001 });
  });

  test('DATABASE_URL is not written to a ConfigMap', () => {
    const objects = attached().objects();
    expect(findObject(objects, 'ConfigMap').data.DATABASE_URL).toBeUndefined();
  });
});

describe('SqlitePersistence options', () => {
  test('dataSubdirectories are created inside the data directory before the app starts (the todo app asks for images/)', () => {
    const { chart, api } = attached({}, { dataSubdirectories: ['images', 'uploads/tmp'] });
    const init = findObject(synth(chart), 'Deployment', api.name).spec.template.spec.initContainers[0];
    expect(init.command).toEqual(['sh', '-c', prepareScript('/volume/data/images /volume/data/uploads/tmp /volume/logs')]);
  });

  test('prepare-data runs first, before a migration init container, which sees the data mounts and DATABASE_URL', () => {
    const { objects } = attached({ initContainer: { name: 'migrate', command: ['alembic', 'upgrade', 'head'] } });
    const [prepare, migrate, ...rest] = deploymentOf(objects()).spec.template.spec.initContainers;
    expect(rest).toEqual([]);
    expect(prepare).toEqual(PREPARE_DATA);
    expect(migrate.name).toBe('migrate');
    expect(migrate.command).toEqual(['alembic', 'upgrade', 'head']);
    expect(migrate.image).toBe(IMAGE);
    expect(migrate.env).toEqual([{ name: 'DATABASE_URL', value: 'sqlite:////data/db.sqlite3' }]);
    expect(migrate.envFrom).toEqual([{ configMapRef: { name: 'api-config' } }]);
    expect(migrate.volumeMounts).toEqual([
      { name: 'writable-tmp', mountPath: '/tmp' },
      { name: 'sqlite', mountPath: '/data', subPath: 'data' },
      { name: 'sqlite', mountPath: '/logs', subPath: 'logs' },
    ]);
  });

  test('storageClassName claims from an existing class', () => {
    const { data, objects } = persistence({ storageClassName: 'fast-ssd', size: '10Gi' });
    expect(kinds(objects())).toEqual(['PersistentVolumeClaim']);
    expect(findObject(objects(), 'PersistentVolumeClaim').spec).toEqual({
      accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'fast-ssd',
    });
    expect(data.storageClass).toBeUndefined();
    expect(data.volume).toBeUndefined();
  });

  test('retainingStorageClass creates a cluster-scoped StorageClass with reclaim policy Retain and claims from it', () => {
    const { objects } = persistence({ retainingStorageClass: { provisioner: 'rancher.io/local-path' } });
    const storageClass = findObject(objects(), 'StorageClass');
    expect(storageClass).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      // Kept by helm uninstall with the claim: deleting the class would strand the kept claim's volume.
      metadata: { name: 'test-data-retain', labels: LABELS, annotations: { 'helm.sh/resource-policy': 'keep' } },
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    expect(findObject(objects(), 'PersistentVolumeClaim').spec.storageClassName).toBe('test-data-retain');
  });

  test('retainingStorageClass with a name', () => {
    const { objects } = persistence({ retainingStorageClass: { provisioner: 'k8s.io/minikube-hostpath', name: 'todo-retain' } });
    expect(findObject(objects(), 'StorageClass').metadata.name).toBe('todo-retain');
    expect(findObject(objects(), 'PersistentVolumeClaim').spec.storageClassName).toBe('todo-retain');
  });

  test('existingClaim mounts a claim that exists already and writes no claim, class or volume of its own', () => {
    const { objects, data, api } = attached({}, { existingClaim: 'legacy-data' });
    expect(kinds(objects())).toEqual(['ConfigMap', 'Deployment', 'Service']);
    expect(data.claim).toBeUndefined();
    expect(data.claimName).toBe('legacy-data');
    expect(deploymentOf(objects()).spec.template.spec.volumes).toContainEqual({ name: 'sqlite', persistentVolumeClaim: { claimName: 'legacy-data' } });
    expect(api.replicas).toBe(1);
  });

  test('hostPath binds the claim to a cluster-scoped, retained hostPath PersistentVolume', () => {
    const { objects } = persistence({ hostPath: '/tmp/aiq-storage', size: '2Gi' });
    expect(kinds(objects())).toEqual(['PersistentVolume', 'PersistentVolumeClaim']);
    expect(findObject(objects(), 'PersistentVolume')).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'test-data', labels: LABELS, annotations: { 'helm.sh/resource-policy': 'keep' } },
      spec: {
        capacity: { storage: '2Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        claimRef: { namespace: 'test', name: 'data' },
        hostPath: { path: '/tmp/aiq-storage', type: 'DirectoryOrCreate' },
      },
    });
    expect(findObject(objects(), 'PersistentVolumeClaim').spec).toEqual({
      accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, storageClassName: '', volumeName: 'test-data',
    });
  });

  test('claimName, namespace and labels', () => {
    const { data, objects } = persistence({ claimName: 'todo-data', namespace: 'todo', partOf: 'todo', instance: 'blue', version: 'v2', hostPath: '/srv/todo' },
      chartWithoutNamespace());
    expect(data.claimName).toBe('todo-data');
    expect(data.namespace).toBe('todo');
    const claim = findObject(objects(), 'PersistentVolumeClaim', 'todo-data');
    expect(claim.metadata.namespace).toBe('todo');
    expect(claim.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'todo-data',
      'app.kubernetes.io/instance': 'blue',
      'app.kubernetes.io/component': 'database',
      'app.kubernetes.io/part-of': 'todo',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'app.kubernetes.io/version': 'v2',
    });
    const volume = findObject(objects(), 'PersistentVolume', 'todo-todo-data');
    expect(volume.metadata.namespace).toBeUndefined();
    expect(volume.spec.claimRef).toEqual({ namespace: 'todo', name: 'todo-data' });
  });

  test('custom dataPath, logsPath and database file name', () => {
    const { data, objects } = attached({}, { dataPath: '/var/lib/todo', logsPath: '/var/log/todo', databaseFileName: 'todo.db' });
    expect(data.databaseUrl).toBe('sqlite:////var/lib/todo/todo.db');
    const container = mainContainer(deploymentOf(objects()));
    expect(container.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'sqlite', mountPath: '/var/lib/todo', subPath: 'data' },
      { name: 'sqlite', mountPath: '/var/log/todo', subPath: 'logs' },
    ]));
    expect(container.env).toEqual([{ name: 'DATABASE_URL', value: 'sqlite:////var/lib/todo/todo.db' }]);
  });

  test('a custom databaseUrl', () => {
    const { data, objects } = attached({}, { databaseUrl: 'sqlite+aiosqlite:////data/app.db' });
    expect(data.databaseUrl).toBe('sqlite+aiosqlite:////data/app.db');
    expect(mainContainer(deploymentOf(objects())).env).toEqual([{ name: 'DATABASE_URL', value: 'sqlite+aiosqlite:////data/app.db' }]);
  });

  test('an explicit replicas: 1 is accepted', () => {
    expect(deploymentOf(attached({ replicas: 1 }).objects()).spec.replicas).toBe(1);
  });
});

describe('SqlitePersistence children', () => {
  test('claim, volume and storageClass are the ApiObjects of the expected kinds', () => {
    const withVolume = persistence({ hostPath: '/srv/data' }).data;
    expect(ApiObject.of(withVolume.claim!)).toBe(withVolume.claim!);
    expect(`${withVolume.claim!.kind}/${withVolume.claim!.name}`).toBe('PersistentVolumeClaim/data');
    expect(`${withVolume.volume!.kind}/${withVolume.volume!.name}`).toBe('PersistentVolume/test-data');
    expect(withVolume.storageClass).toBeUndefined();
    const withClass = persistence({ retainingStorageClass: { provisioner: 'rancher.io/local-path' } }).data;
    expect(`${withClass.storageClass!.apiVersion} ${withClass.storageClass!.kind}/${withClass.storageClass!.name}`).toBe('storage.k8s.io/v1 StorageClass/test-data-retain');
    expect(withClass.volume).toBeUndefined();
  });

  test('can be modified by the user', () => {
    const { data, objects } = persistence({ hostPath: '/srv/data' });
    data.claim!.addJsonPatch(JsonPatch.add('/spec/accessModes/-', 'ReadWriteOncePod'));
    data.volume!.addJsonPatch(JsonPatch.add('/spec/nodeAffinity', { required: { nodeSelectorTerms: [] } }));
    expect(findObject(objects(), 'PersistentVolumeClaim').spec.accessModes).toEqual(['ReadWriteOnce', 'ReadWriteOncePod']);
    expect(findObject(objects(), 'PersistentVolume').spec.nodeAffinity).toEqual({ required: { nodeSelectorTerms: [] } });
  });
});

describe('SqlitePersistence errors', () => {
  const attach = (backendProps: Partial<FastApiBackendProps>) => () => attached(backendProps);

  test('a workload with more than one replica', () => {
    expect(attach({ replicas: 3 })).toThrow(exactError(
      "FastApiBackend 'test/api': replicas must be 1 when SqlitePersistence is attached (SQLite allows one writer); got 3. Set replicas to 1 (or leave it unset)."));
  });

  test('a workload with an autoscaler', () => {
    expect(attach({ autoscaling: { minReplicas: 2, maxReplicas: 4 } })).toThrow(exactError(
      `FastApiBackend 'test/api': autoscaling must not be set when SqlitePersistence is attached (SQLite allows one writer); got {"minReplicas":2,"maxReplicas":4}. `
      + 'Remove autoscaling; scale with an external database instead.'));
  });

  test('an autoscaler with at most one replica is still refused', () => {
    expect(attach({ autoscaling: { minReplicas: 1, maxReplicas: 1 } })).toThrow(/^FastApiBackend 'test\/api': autoscaling must not be set when SqlitePersistence is attached/);
  });

  test('a workload with a disruption budget (only allowed with 2+ replicas) is refused for its replicas', () => {
    expect(attach({ replicas: 2, disruptionBudget: {} })).toThrow(/^FastApiBackend 'test\/api': replicas must be 1 when SqlitePersistence is attached/);
  });

  test('attaching twice', () => {
    const { chart, data } = attached();
    const other = new FastApiBackend(chart, 'other', { image: IMAGE });
    expect(() => data.attachTo(other)).toThrow(exactError(
      "SqlitePersistence 'test/data': attachTo can only be called once (SQLite allows one writer); got \"test/other\". "
      + "It is already attached to 'test/api'; create another SqlitePersistence for another workload."));
  });

  test('a workload in another namespace', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: IMAGE, namespace: 'other' });
    const data = new SqlitePersistence(chart, 'data');
    expect(() => data.attachTo(api)).toThrow(exactError(
      `SqlitePersistence 'test/data': attachTo needs a workload in the claim's namespace "test"; got "other". Create the SqlitePersistence in the same namespace as the workload.`));
  });

  test('a mount path the workload already uses', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: IMAGE, writablePaths: ['/data'] });
    expect(() => new SqlitePersistence(chart, 'data').attachTo(api)).toThrow(exactError(`FastApiBackend 'test/api': mountPath is already mounted; got "/data". Mount each path once.`));
  });

  test('an init container already named prepare-data', () => {
    const chart = testChart();
    const api = new FastApiBackend(chart, 'api', { image: IMAGE, initContainer: { name: 'prepare-data', command: ['x'] } });
    expect(() => new SqlitePersistence(chart, 'data').attachTo(api)).toThrow(/^FastApiBackend 'test\/api': initContainer\.name must be unique in the pod; got "prepare-data"\./);
  });

  test('a size in GB', () => {
    expect(() => persistence({ size: '5GB' })).toThrow(exactError(
      `SqlitePersistence 'test/data': size must be a Kubernetes quantity; got "5GB". Use a form like "5Gi" (binary suffixes Ki, Mi, Gi; "MB" is not a Kubernetes unit).`));
  });

  test.each<[string, SqlitePersistenceProps, RegExp]>([
    ['size in millibytes', { size: '5000m' }, /^SqlitePersistence 'test\/data': size is in thousandths of a byte \("m" means milli\); got "5000m"\. Use Mi for mebibytes, e\.g\. "5Gi"\.$/],
    ['claimName', { claimName: 'Todo_Data' }, /^SqlitePersistence 'test\/data': claimName must be a DNS-1123 subdomain .*; got "Todo_Data"\. Use a name like "todo-data"\.$/],
    ['namespace', { namespace: 'Todo' }, /^SqlitePersistence 'test\/data': namespace must be a DNS-1123 label .*; got "Todo"\./],
    ['hostPath and storageClassName', { hostPath: '/srv', storageClassName: 'fast' },
      /^SqlitePersistence 'test\/data': hostPath and storageClassName are exclusive; got \["hostPath","storageClassName"\]\. Choose one way to provide the volume\.$/],
    ['all three storage choices', { hostPath: '/srv', storageClassName: 'fast', retainingStorageClass: { provisioner: 'p' } },
      /^SqlitePersistence 'test\/data': hostPath and storageClassName and retainingStorageClass are exclusive; got \["hostPath","storageClassName","retainingStorageClass"\]\./],
    ['storageClassName and retainingStorageClass', { storageClassName: 'fast', retainingStorageClass: { provisioner: 'p' } }, /storageClassName and retainingStorageClass are exclusive/],
    ['hostPath without /', { hostPath: 'tmp/storage' }, /^SqlitePersistence 'test\/data': hostPath must start with "\/"; got "tmp\/storage"\. Write it as "\/tmp\/storage"\.$/],
    ['storageClassName', { storageClassName: 'Fast_SSD' }, /^SqlitePersistence 'test\/data': storageClassName must be a DNS-1123 subdomain .*; got "Fast_SSD"\./],
    ['retainingStorageClass.name', { retainingStorageClass: { provisioner: 'p', name: 'Retain!' } }, /^SqlitePersistence 'test\/data': retainingStorageClass\.name must be a DNS-1123 subdomain .*; got "Retain!"\./],
    ['existingClaim with a description of the claim to create', { existingClaim: 'legacy', size: '10Gi', storageClassName: 'fast' },
      /^SqlitePersistence 'test\/data': existingClaim is exclusive with size, storageClassName, which describe a claim the construct creates; got "legacy"\. Remove size and storageClassName, or existingClaim\.$/],
    ['existingClaim', { existingClaim: 'Legacy Data' }, /^SqlitePersistence 'test\/data': existingClaim must be a DNS-1123 subdomain/],
    ['dataPath without /', { dataPath: 'data' }, /^SqlitePersistence 'test\/data': dataPath must start with "\/"; got "data"\. Write it as "\/data"\.$/],
    ['logsPath without /', { logsPath: 'logs' }, /^SqlitePersistence 'test\/data': logsPath must start with "\/"; got "logs"\./],
    ['instance', { instance: 'blue/green' }, /^SqlitePersistence 'test\/data': instance must be a valid label value .*; got "blue\/green"\./],
    ['partOf', { partOf: 'todo app' }, /^SqlitePersistence 'test\/data': partOf must be a valid label value .*; got "todo app"\./],
    ['version', { version: 'v1+1' }, /^SqlitePersistence 'test\/data': version must be a valid label value .*; got "v1\+1"\./],
  ])('%s', (_, props, message) => {
    expect(() => persistence(props)).toThrow(message);
  });

  test('no namespace in the prop or the chart', () => {
    expect(() => persistence({}, chartWithoutNamespace())).toThrow(/^SqlitePersistence 'test\/data': namespace is required \(neither the prop nor the chart sets one\); got undefined\./);
  });
});
