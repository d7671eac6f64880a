import { k8s } from './k8s';
import { Construct } from 'constructs';
import { PropChecker, resolveNamespace } from './checks';
import { checkUniqueInApp } from './app-uniqueness';
import { clusterScoped } from './cluster-scoped';
import { finalJsonPatches } from './final-json-patches';
import { LabelProps, resolveLabelValues, standardLabels } from './labels';
import { WebWorkload } from './web-workload';

/** A StorageClass the construct creates so dynamically provisioned volumes are retained. */
export interface RetainingStorageClassOptions {
  /** The provisioner, e.g. `rancher.io/local-path` (kind) or `k8s.io/minikube-hostpath` (minikube). */
  readonly provisioner: string;
  /**
   * The StorageClass name (cluster-scoped, so make it unique per environment).
   * @default - "<namespace>-<claim name>-retain"
   */
  readonly name?: string;
}

/** Properties of {@link SqlitePersistence}. */
export interface SqlitePersistenceProps extends LabelProps {
  /**
   * The PersistentVolumeClaim's name.
   * @default - the construct id
   */
  readonly claimName?: string;
  /**
   * Mount an existing PersistentVolumeClaim of the namespace by name instead of creating one (e.g. a claim that
   * holds data from before, or one a platform team provides). Exclusive with `claimName`, `size`, `hostPath`,
   * `storageClassName` and `retainingStorageClass`, which describe the claim the construct would create.
   * @default - the construct creates its claim
   */
  readonly existingClaim?: string;
  /**
   * The namespace of the claim (the workload's namespace).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The requested size.
   * @default "5Gi"
   */
  readonly size?: string;
  /**
   * An existing StorageClass for the claim. Exclusive with `hostPath` and `retainingStorageClass`.
   * @default - the cluster's default class (kind and minikube provision on demand)
   */
  readonly storageClassName?: string;
  /**
   * Create a StorageClass with reclaim policy `Retain` for this provisioner and claim from it, so deleting
   * the claim keeps the data on the node. Exclusive with `hostPath` and `storageClassName`.
   * @default - no StorageClass is created
   */
  readonly retainingStorageClass?: RetainingStorageClassOptions;
  /**
   * Use a static hostPath PersistentVolume at this node path instead of a provisioner (single-node clusters
   * such as kind, with the path mounted from the host through `extraMounts`). The directory must exist and be
   * writable by the workload's user: the kubelet creates a missing one owned by root.
   * @default - a dynamically provisioned volume
   */
  readonly hostPath?: string;
  /**
   * Subdirectories of the data directory that the init container creates, owned by the workload's user, before
   * the app starts (e.g. `["images"]` for uploads).
   * @default - none: only the data and log directories
   */
  readonly dataSubdirectories?: string[];
  /**
   * Where the database directory is mounted.
   * @default "/data"
   */
  readonly dataPath?: string;
  /**
   * Where the log directory is mounted.
   * @default "/logs"
   */
  readonly logsPath?: string;
  /**
   * The database file name inside `dataPath`.
   * @default "db.sqlite3"
   */
  readonly databaseFileName?: string;
  /**
   * `DATABASE_URL` given to the workload.
   * @default - "sqlite:///" followed by the absolute database path, e.g. "sqlite:////data/db.sqlite3"
   */
  readonly databaseUrl?: string;
}

const VOLUME_NAME = 'sqlite';
const PREPARE_MOUNT = '/volume';

/**
 * Durable storage for a SQLite database and uploaded files: a ReadWriteOnce PersistentVolumeClaim
 * (5Gi by default) that `helm uninstall` and re-applies never delete, optionally backed by a static
 * hostPath PersistentVolume or a StorageClass with reclaim policy `Retain`.
 *
 * {@link attachTo} mounts it into one workload: `/data` and `/logs` as subPaths, `DATABASE_URL`, and an
 * init container that creates the directories as the workload's user. It pins the workload to one replica
 * with the `Recreate` strategy, because SQLite allows one writer.
 */
export class SqlitePersistence extends Construct {
  /** The claim's name. */
  public readonly claimName: string;
  /** The claim's namespace. */
  public readonly namespace: string;
  /** The `DATABASE_URL` given to the workload. */
  public readonly databaseUrl: string;
  /** The PersistentVolumeClaim, unless `existingClaim` names one that exists already. */
  public readonly claim?: k8s.KubePersistentVolumeClaim;
  /** The static hostPath PersistentVolume, with `hostPath`. */
  public readonly volume?: k8s.KubePersistentVolume;
  /** The StorageClass, with `retainingStorageClass`. */
  public readonly storageClass?: k8s.KubeStorageClass;

  private readonly check: PropChecker = new PropChecker(this, 'SqlitePersistence');
  private readonly dataPath: string;
  private readonly dataSubdirectories: string[];
  private readonly logsPath: string;
  private readonly labels: Record<string, string>;
  private attachedTo?: WebWorkload;

  constructor(scope: Construct, id: string, props: SqlitePersistenceProps = {}) {
    super(scope, id);
    if (props === null || typeof props !== 'object') this.check.fail('props', 'must be an object', props, 'Pass { claimName: "data" } or nothing.');
    this.claimName = props.existingClaim ?? props.claimName ?? id;
    this.check.dnsSubdomain(props.existingClaim === undefined ? 'claimName' : 'existingClaim', this.claimName);
    this.namespace = resolveNamespace(this.check, this, props.namespace);
    const size = props.size ?? '5Gi';
    this.check.positiveQuantity('size', size, 'storage');
    this.validateStorageChoice(props);
    this.dataPath = props.dataPath ?? '/data';
    this.check.array('dataSubdirectories', props.dataSubdirectories);
    this.dataSubdirectories = props.dataSubdirectories ?? [];
    for (const directory of this.dataSubdirectories) {
      this.check.string('dataSubdirectories[]', directory);
      if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(directory) || directory.split('/').some((part) => part === '..' || part === '.')) {
        this.check.fail('dataSubdirectories[]', 'must be a relative path of letters, digits, ".", "_" and "-" inside the data directory', directory, 'Use a name like "images" or "uploads/tmp".');
      }
    }
    this.logsPath = props.logsPath ?? '/logs';
    this.check.absolutePath('dataPath', this.dataPath);
    this.check.absolutePath('logsPath', this.logsPath);
    const fileName = props.databaseFileName ?? 'db.sqlite3';
    this.databaseUrl = props.databaseUrl ?? `sqlite:///${this.dataPath}/${fileName}`;
    this.labels = standardLabels(resolveLabelValues(this.check, props, {
      name: this.claimName, component: 'database', instance: this.namespace, version: 'v1',
    }));

    if (props.retainingStorageClass) this.storageClass = this.createStorageClass(props.retainingStorageClass);
    if (props.hostPath !== undefined) this.volume = this.createHostPathVolume(props.hostPath, size);
    if (props.existingClaim !== undefined) {
      checkUniqueInApp(this);
      return;
    }
    this.claim = finalJsonPatches(new k8s.KubePersistentVolumeClaim(this, 'claim', {
      metadata: {
        name: this.claimName,
        namespace: this.namespace,
        labels: this.labels,
        // Helm leaves the claim (and the data) in place on `helm uninstall`.
        annotations: { 'helm.sh/resource-policy': 'keep' },
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: k8s.Quantity.fromString(size) } },
        storageClassName: this.claimStorageClassName(props),
        volumeName: this.volume?.name,
      },
    }));
    checkUniqueInApp(this);
  }

  /**
   * Mounts the storage into a workload and pins it to one replica with the `Recreate` strategy.
   * Throws when the workload has more than one replica or an autoscaler.
   */
  public attachTo(workload: WebWorkload): void {
    if (this.attachedTo) {
      this.check.fail('attachTo', 'can only be called once (SQLite allows one writer)', workload.node.path,
        `It is already attached to '${this.attachedTo.node.path}'; create another SqlitePersistence for another workload.`);
    }
    if (workload.namespace !== this.namespace) {
      this.check.fail('attachTo', `needs a workload in the claim's namespace "${this.namespace}"`, workload.namespace,
        'Create the SqlitePersistence in the same namespace as the workload.');
    }
    workload.requireSingleReplica('SqlitePersistence is attached (SQLite allows one writer)');
    workload.addVolume({ name: VOLUME_NAME, persistentVolumeClaim: { claimName: this.claimName } },
      { name: VOLUME_NAME, mountPath: this.dataPath, subPath: 'data' },
      { name: VOLUME_NAME, mountPath: this.logsPath, subPath: 'logs' });
    workload._addEnv('DATABASE_URL', this.databaseUrl, `SqlitePersistence '${this.node.path}' (DATABASE_URL)`);
    this.addPrepareContainer(workload);
    this.attachedTo = workload;
  }

  private validateStorageChoice(props: SqlitePersistenceProps): void {
    if (props.existingClaim !== undefined) {
      const described = (['claimName', 'size', 'hostPath', 'storageClassName', 'retainingStorageClass'] as const).filter((prop) => props[prop] !== undefined);
      if (described.length > 0) {
        this.check.fail('existingClaim', `is exclusive with ${described.join(', ')}, which describe a claim the construct creates`, props.existingClaim,
          `Remove ${described.join(' and ')}, or existingClaim.`);
      }
    }
    const choices = [
      props.hostPath !== undefined && 'hostPath',
      props.storageClassName !== undefined && 'storageClassName',
      props.retainingStorageClass !== undefined && 'retainingStorageClass',
    ].filter((choice): choice is string => typeof choice === 'string');
    if (choices.length > 1) {
      this.check.fail(choices.join(' and '), 'are exclusive', choices, 'Choose one way to provide the volume.');
    }
    this.check.absolutePath('hostPath', props.hostPath);
    this.check.dnsSubdomain('storageClassName', props.storageClassName);
    this.check.dnsSubdomain('retainingStorageClass.name', props.retainingStorageClass?.name);
    if (props.retainingStorageClass) {
      const provisioner = props.retainingStorageClass.provisioner;
      this.check.string('retainingStorageClass.provisioner', provisioner);
      if (!/^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/.test(provisioner) || provisioner.length > 253) {
        this.check.fail('retainingStorageClass.provisioner', 'must be a provisioner name such as "rancher.io/local-path"', provisioner,
          'Name the cluster\'s provisioner: kind "rancher.io/local-path", minikube "k8s.io/minikube-hostpath" (kubectl get storageclass shows it).');
      }
    }
  }

  private claimStorageClassName(props: SqlitePersistenceProps): string | undefined {
    // An empty class name binds to the static volume instead of letting the default class provision one.
    if (this.volume) return '';
    return this.storageClass?.name ?? props.storageClassName;
  }

  private createStorageClass(options: RetainingStorageClassOptions): k8s.KubeStorageClass {
    const storageClass = finalJsonPatches(new k8s.KubeStorageClass(this, 'storage-class', {
      // Kept by helm uninstall like the claim that uses it: deleting it would strand the kept claim's volume.
      metadata: { name: options.name ?? `${this.namespace}-${this.claimName}-retain`, labels: this.labels, annotations: { 'helm.sh/resource-policy': 'keep' } },
      provisioner: options.provisioner,
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
    }));
    clusterScoped(storageClass);
    return storageClass;
  }

  private createHostPathVolume(path: string, size: string): k8s.KubePersistentVolume {
    const volume = finalJsonPatches(new k8s.KubePersistentVolume(this, 'volume', {
      metadata: { name: `${this.namespace}-${this.claimName}`, labels: this.labels, annotations: { 'helm.sh/resource-policy': 'keep' } },
      spec: {
        capacity: { storage: k8s.Quantity.fromString(size) },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        claimRef: { namespace: this.namespace, name: this.claimName },
        hostPath: { path, type: 'DirectoryOrCreate' },
      },
    }));
    clusterScoped(volume);
    return volume;
  }

  /**
   * The kubelet creates missing subPath directories as root; create them first as the app's user. A volume
   * whose root that user cannot write (a hostPath directory the kubelet made, owned by root: fsGroup does not
   * apply to hostPath) fails here with the owner, the mode and the fix, instead of a bare "Permission denied".
   */
  private addPrepareContainer(workload: WebWorkload): void {
    const directories = [PREPARE_MOUNT + '/data', ...this.dataSubdirectories.map((directory) => `${PREPARE_MOUNT}/data/${directory}`), PREPARE_MOUNT + '/logs']
      .filter((path, index, all) => !all.some((other, otherIndex) => otherIndex !== index && other.startsWith(`${path}/`))).join(' ');
    // The claim names the volume; the construct path would differ between apps that write the same objects (and a Helm chart has none).
    const notWritable = `SqlitePersistence (claim ${this.claimName}): uid $(id -u) cannot create ${directories} on the volume (its root: $(ls -ldn ${PREPARE_MOUNT} | cut -d ' ' -f 1,3,4)). `
      + 'Make the volume writable by that uid: a provisioner that creates world-writable directories (kind\'s local-path, minikube\'s hostpath), '
      + 'or for a hostPath volume chown the directory on the node to that uid before the pod starts.';
    workload.addInitContainer({
      name: 'prepare-data',
      command: ['sh', '-c', `mkdir -p ${directories} || { echo "${notWritable}" >&2; exit 1; }`],
      runFirst: true,
      appEnvironment: false,
      volumeMounts: [{ name: VOLUME_NAME, mountPath: PREPARE_MOUNT }],
    });
  }
}
