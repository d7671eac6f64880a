import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

// Kinds without a namespace: two with one name collide whatever namespace cdk8s gave their chart.
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass',
  'CustomResourceDefinition', 'GatewayClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'RuntimeClass',
]);

// The apps whose check is registered; an app is checked once, however many constructs it holds.
const checkedApps = new WeakSet<IConstruct>();

/**
 * Registers, once per app, a synth-time check across all its charts: no two objects of one kind share a
 * namespace and name (kubectl would apply the second over the first), and no two Services claim one node port.
 */
export function checkUniqueInApp(scope: IConstruct): void {
  const root = scope.node.root;
  if (checkedApps.has(root)) return;
  checkedApps.add(root);
  root.node.addValidation({ validate: () => [...duplicateObjects(root), ...duplicateNodePorts(root)] });
}

function apiObjects(root: IConstruct): ApiObject[] {
  return root.node.findAll().filter((node): node is ApiObject => node instanceof ApiObject);
}

function objectKey(apiObject: ApiObject): string {
  const group = apiObject.apiVersion.includes('/') ? apiObject.apiVersion.split('/')[0] : '';
  const namespace = CLUSTER_SCOPED_KINDS.has(apiObject.kind) ? '' : apiObject.metadata.namespace ?? '';
  return `${apiObject.kind}${group ? `.${group}` : ''} ${namespace ? `${namespace}/` : ''}${apiObject.name}`;
}

function duplicateObjects(root: IConstruct): string[] {
  const byKey = new Map<string, ApiObject[]>();
  for (const apiObject of apiObjects(root)) {
    const key = objectKey(apiObject);
    byKey.set(key, [...(byKey.get(key) ?? []), apiObject]);
  }
  return [...byKey.entries()].filter(([, objects]) => objects.length > 1).map(([key, objects]) =>
    `${key} is defined ${objects.length} times, by ${objects.map((object) => `'${object.node.path}'`).join(' and ')}; `
    + 'kubectl would apply one over the other. Give one of them another name (e.g. the name prop of the workload) or another namespace, '
    + 'or create it once (one AppNetworkPolicies per namespace).');
}

function duplicateNodePorts(root: IConstruct): string[] {
  const byPort = new Map<number, string[]>();
  for (const service of apiObjects(root).filter((object) => object.kind === 'Service' && object.apiVersion === 'v1')) {
    const ports: Array<{ nodePort?: number }> = service.toJson().spec?.ports ?? [];
    for (const nodePort of ports.map((port) => port.nodePort).filter((port): port is number => typeof port === 'number')) {
      byPort.set(nodePort, [...(byPort.get(nodePort) ?? []), service.node.path]);
    }
  }
  return [...byPort.entries()].filter(([, paths]) => paths.length > 1).map(([port, paths]) =>
    `nodePort ${port} is used by ${paths.length} Services, ${paths.map((path) => `'${path}'`).join(' and ')}; a node port belongs to one Service in the cluster. `
    + 'Give each Service its own nodePort (30000-32767), or leave it unset for Kubernetes to pick one.');
}
