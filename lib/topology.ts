/**
 * A Mermaid picture of synthesized manifests: routes → Services → workloads → PersistentVolumeClaims.
 * It reads plain Kubernetes objects (parsed YAML or `Testing.synth(chart)`), so it shows what was
 * synthesized, not what the constructs meant to create.
 */

import { asList, asRecord, getPath } from './json-access';
import { routeBackends } from './route-backends';
import { serviceKey } from './route-target';

type Json = Record<string, unknown>;

/** One node of the diagram. */
interface DiagramNode {
  readonly id: string;
  readonly rank: number;
  readonly namespace?: string;
  readonly text: string;
  readonly shape: 'route' | 'service' | 'workload' | 'claim';
}

/** One arrow of the diagram. */
interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

/** A route's paths to one Service port. */
interface RouteLink {
  readonly serviceNamespace: string;
  readonly serviceName: string;
  readonly port?: number | string;
  readonly paths: string[];
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/**
 * A Mermaid `flowchart LR` of the objects' traffic and storage path: each route object (Ingress, Istio
 * VirtualService, Gateway API HTTPRoute) with its host, arrows labelled with the paths (`= /x` is an exact
 * match, other paths are prefixes) to the Services they reach (name and ports), the workloads those
 * Services select (replica count, or `HPA min-max` when a HorizontalPodAutoscaler owns it, and container
 * ports), and the PersistentVolumeClaims the workloads mount (size and where the volume comes from).
 * One subgraph per namespace. The output is sorted, so the same objects always give the same text.
 *
 * @param objects Kubernetes objects, e.g. the parsed documents of `dist/local.k8s.yaml`; anything that is
 *   not an object with `kind` and `metadata.name` (such as an empty YAML document) is ignored.
 * @returns the diagram source, without a Markdown fence, ending in a newline
 *
 * @example
 * const diagram = topologyDiagram(Testing.synth(chart));
 * fs.writeFileSync('topology.md', '```mermaid\n' + diagram + '```\n');
 */
export function topologyDiagram(objects: readonly unknown[]): string {
  const all = objects.filter(isKubernetesObject);
  const nodes = new Map<string, DiagramNode>();
  const edges: DiagramEdge[] = [];
  const services = all.filter((object) => object.kind === 'Service' && object.apiVersion === 'v1');
  const workloads = all.filter((object) => WORKLOAD_KINDS.includes(String(object.kind)));
  const claims = all.filter((object) => object.kind === 'PersistentVolumeClaim');
  const volumes = all.filter((object) => object.kind === 'PersistentVolume');
  const autoscalers = all.filter((object) => object.kind === 'HorizontalPodAutoscaler');

  const serviceId = (namespace: string, name: string) => nodeId('svc', namespace, name);
  for (const service of services) {
    nodes.set(serviceId(namespaceOf(service), nameOf(service)), serviceNode(service));
  }
  const knownNamespaces = new Set([...all.map(namespaceOf), ...all.filter((object) => object.kind === 'Namespace').map(nameOf)]);
  for (const route of all) {
    const links = routeLinks(route, (namespace) => knownNamespaces.has(namespace));
    if (links === undefined) continue;
    const id = nodeId('route', namespaceOf(route), `${route.kind}-${nameOf(route)}`);
    nodes.set(id, { id, rank: 0, namespace: namespaceOf(route), text: routeText(route), shape: 'route' });
    for (const link of mergeLinks(links)) {
      const target = serviceId(link.serviceNamespace, link.serviceName);
      if (!nodes.has(target)) {
        nodes.set(target, {
          id: target, rank: 1, namespace: link.serviceNamespace, shape: 'service',
          text: lines(`Service ${link.serviceName}`, 'not in the output'),
        });
      }
      const service = services.find((candidate) => namespaceOf(candidate) === link.serviceNamespace && nameOf(candidate) === link.serviceName);
      const showPort = link.port !== undefined && servicePorts(service).length !== 1;
      edges.push({ from: id, to: target, label: lines(...link.paths, ...(showPort ? [`port ${link.port}`] : [])) });
    }
  }
  for (const workload of workloads) {
    const id = nodeId('workload', namespaceOf(workload), `${workload.kind}-${nameOf(workload)}`);
    nodes.set(id, { id, rank: 2, namespace: namespaceOf(workload), text: workloadText(workload, autoscalers), shape: 'workload' });
    const podLabels = asRecord(getPath(workload, 'spec', 'template', 'metadata', 'labels'));
    for (const service of services) {
      const selector = asRecord(getPath(service, 'spec', 'selector'));
      if (namespaceOf(service) !== namespaceOf(workload) || Object.keys(selector).length === 0) continue;
      if (Object.entries(selector).every(([key, value]) => podLabels[key] === value)) {
        edges.push({ from: serviceId(namespaceOf(service), nameOf(service)), to: id });
      }
    }
    for (const { claimName, mountPaths } of claimMounts(workload)) {
      const claimId = nodeId('pvc', namespaceOf(workload), claimName);
      if (!claims.some((claim) => namespaceOf(claim) === namespaceOf(workload) && nameOf(claim) === claimName)) {
        nodes.set(claimId, { id: claimId, rank: 3, namespace: namespaceOf(workload), shape: 'claim', text: lines(`PVC ${claimName}`, 'not in the output') });
      }
      edges.push({ from: id, to: claimId, label: mountPaths.length > 0 ? lines(...mountPaths) : undefined });
    }
  }
  for (const claim of claims) {
    const id = nodeId('pvc', namespaceOf(claim), nameOf(claim));
    nodes.set(id, { id, rank: 3, namespace: namespaceOf(claim), text: claimText(claim, volumes), shape: 'claim' });
  }
  return render([...nodes.values()], edges);
}

function render(nodes: DiagramNode[], edges: DiagramEdge[]): string {
  const out = ['flowchart LR'];
  const byNode = (a: DiagramNode, b: DiagramNode) => a.rank - b.rank || compare(a.id, b.id);
  const namespaces = [...new Set(nodes.map((node) => node.namespace ?? ''))].sort(compare);
  for (const namespace of namespaces) {
    const members = nodes.filter((node) => (node.namespace ?? '') === namespace).sort(byNode);
    const indent = namespace === '' ? '  ' : '    ';
    // A subgraph lays its nodes out top-down unless told otherwise.
    if (namespace !== '') out.push(`  subgraph ${nodeId('ns', namespace, '')}["namespace ${escape(namespace)}"]`, '    direction LR');
    for (const node of members) out.push(`${indent}${node.id}${shape(node)}`);
    if (namespace !== '') out.push('  end');
  }
  const rankOf = new Map(nodes.map((node) => [node.id, node.rank]));
  const unique = new Map(edges.map((edge) => [`${edge.from} ${edge.to}`, edge]));
  const sorted = [...unique.values()].sort((a, b) => (rankOf.get(a.from) ?? 0) - (rankOf.get(b.from) ?? 0)
    || compare(a.from, b.from) || compare(a.to, b.to));
  for (const edge of sorted) {
    out.push(`  ${edge.from} -->${edge.label === undefined ? '' : `|"${escape(edge.label)}"|`} ${edge.to}`);
  }
  return `${out.join('\n')}\n`;
}

function shape(node: DiagramNode): string {
  const text = `"${escape(node.text)}"`;
  switch (node.shape) {
    case 'route': return `([${text}])`;
    case 'service': return `[${text}]`;
    case 'workload': return `[[${text}]]`;
    case 'claim': return `[(${text})]`;
  }
}

/** The route object's links to Services (namespace "default" where the output names none), or undefined when it is not a route. */
function routeLinks(route: Json, isKnownNamespace: (namespace: string) => boolean): RouteLink[] | undefined {
  return routeBackends(route, isKnownNamespace)?.backends.map((backend) => ({
    serviceNamespace: backend.serviceNamespace ?? 'default',
    serviceName: backend.serviceName,
    port: backend.portNumber ?? backend.portName,
    paths: backend.matches,
  }));
}

/** One arrow per route object and Service port, with every path that goes there, in route order. */
function mergeLinks(links: RouteLink[]): RouteLink[] {
  const merged = new Map<string, RouteLink>();
  for (const link of links) {
    const key = serviceKey(link.serviceNamespace, link.serviceName);
    const existing = merged.get(key);
    const port = existing === undefined || existing.port === link.port ? link.port : `${existing.port}, ${link.port}`;
    const paths = [...(existing?.paths ?? []), ...link.paths.filter((path) => !existing?.paths.includes(path))];
    merged.set(key, { ...link, port, paths });
  }
  return [...merged.values()];
}

function routeText(route: Json): string {
  const spec = asRecord(route.spec);
  const details: string[] = [];
  switch (route.kind) {
    case 'Ingress': {
      const hosts = [...new Set(asList(spec.rules).map((rule) => getPath(rule, 'host')).filter((host): host is string => typeof host === 'string'))];
      details.push(`host ${hosts.length > 0 ? hosts.join(', ') : 'any'}`);
      if (typeof spec.ingressClassName === 'string') details.push(`class ${spec.ingressClassName}`);
      const tls = asList(spec.tls).map((entry) => getPath(entry, 'secretName')).filter((name) => typeof name === 'string');
      if (tls.length > 0) details.push(`TLS ${tls.join(', ')}`);
      break;
    }
    case 'VirtualService':
      details.push(`host ${asList(spec.hosts).map(String).join(', ') || 'any'}`);
      if (asList(spec.gateways).length > 0) details.push(`gateway ${asList(spec.gateways).map(String).join(', ')}`);
      break;
    case 'HTTPRoute': {
      details.push(`host ${asList(spec.hostnames).map(String).join(', ') || 'any'}`);
      const parents = asList(spec.parentRefs).map((parent) => {
        const ref = asRecord(parent);
        const name = `${typeof ref.namespace === 'string' ? `${ref.namespace}/` : ''}${String(ref.name)}`;
        return typeof ref.sectionName === 'string' ? `${name} (${ref.sectionName})` : name;
      });
      if (parents.length > 0) details.push(`gateway ${parents.join(', ')}`);
      break;
    }
  }
  return lines(`${String(route.kind)} ${nameOf(route)}`, ...details);
}

function serviceNode(service: Json): DiagramNode {
  const namespace = namespaceOf(service);
  const type = getPath(service, 'spec', 'type');
  const ports = servicePorts(service).map((port) => {
    const nodePort = typeof port.nodePort === 'number' ? ` → node ${port.nodePort}` : '';
    return `${String(port.port)}${nodePort}`;
  });
  const details = [`port ${ports.join(', ') || 'none'}`];
  if (typeof type === 'string' && type !== 'ClusterIP') details.push(type);
  return { id: nodeId('svc', namespace, nameOf(service)), rank: 1, namespace, shape: 'service', text: lines(`Service ${nameOf(service)}`, ...details) };
}

function workloadText(workload: Json, autoscalers: Json[]): string {
  const autoscaler = autoscalers.find((hpa) => namespaceOf(hpa) === namespaceOf(workload)
    && getPath(hpa, 'spec', 'scaleTargetRef', 'kind') === workload.kind && getPath(hpa, 'spec', 'scaleTargetRef', 'name') === nameOf(workload));
  let scale: string;
  if (autoscaler !== undefined) {
    scale = `HPA ${String(getPath(autoscaler, 'spec', 'minReplicas') ?? 1)}-${String(getPath(autoscaler, 'spec', 'maxReplicas'))}`;
  } else if (workload.kind === 'DaemonSet') {
    scale = 'one per node';
  } else {
    const replicas = getPath(workload, 'spec', 'replicas') ?? 1;
    scale = `${String(replicas)} ${replicas === 1 ? 'replica' : 'replicas'}`;
  }
  const ports = asList(getPath(workload, 'spec', 'template', 'spec', 'containers'))
    .flatMap((container) => asList(getPath(container, 'ports')).map((port) => String(getPath(port, 'containerPort'))));
  const details = [scale];
  if (ports.length > 0) details.push(`container port ${[...new Set(ports)].join(', ')}`);
  return lines(`${String(workload.kind)} ${nameOf(workload)}`, ...details);
}

function claimMounts(workload: Json): { claimName: string; mountPaths: string[] }[] {
  const podSpec = asRecord(getPath(workload, 'spec', 'template', 'spec'));
  const containers = asList(podSpec.containers);
  return asList(podSpec.volumes).flatMap((volume) => {
    const claimName = getPath(volume, 'persistentVolumeClaim', 'claimName');
    if (typeof claimName !== 'string') return [];
    const volumeName = getPath(volume, 'name');
    const mountPaths = containers.flatMap((container) => asList(getPath(container, 'volumeMounts'))
      .filter((mount) => getPath(mount, 'name') === volumeName)
      .map((mount) => String(getPath(mount, 'mountPath'))));
    return [{ claimName, mountPaths: [...new Set(mountPaths)] }];
  });
}

function claimText(claim: Json, volumes: Json[]): string {
  const size = getPath(claim, 'spec', 'resources', 'requests', 'storage');
  const details = [typeof size === 'string' || typeof size === 'number' ? String(size) : 'no size'];
  const className = getPath(claim, 'spec', 'storageClassName');
  const volumeName = getPath(claim, 'spec', 'volumeName');
  const volume = volumes.find((candidate) => nameOf(candidate) === volumeName);
  const hostPath = volume === undefined ? undefined : getPath(volume, 'spec', 'hostPath', 'path');
  if (typeof hostPath === 'string') details.push(`hostPath ${hostPath}`);
  else if (typeof volumeName === 'string') details.push(`volume ${volumeName}`);
  else if (typeof className === 'string' && className !== '') details.push(`class ${className}`);
  else details.push('default class');
  return lines(`PVC ${nameOf(claim)}`, ...details);
}

function servicePorts(service: Json | undefined): Json[] {
  return service === undefined ? [] : asList(getPath(service, 'spec', 'ports')).map(asRecord);
}

function isKubernetesObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && typeof (value as Json).kind === 'string'
    && typeof getPath(value, 'metadata', 'name') === 'string';
}

function nameOf(object: Json): string {
  return String(getPath(object, 'metadata', 'name'));
}

function namespaceOf(object: Json): string {
  const namespace = getPath(object, 'metadata', 'namespace');
  return typeof namespace === 'string' ? namespace : 'default';
}

/**
 * A Mermaid node id of letters, digits and "_": runs of other characters become one "_", and the parts are
 * joined with "__", so different (prefix, namespace, name) triples never share an id.
 */
function nodeId(prefix: string, namespace: string, name: string): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9]+/g, '_');
  return [prefix, clean(namespace), clean(name)].filter((part) => part !== '').join('__');
}

function lines(...parts: string[]): string {
  return parts.join('<br/>');
}

/** Mermaid labels are double-quoted: a quote inside is written as an entity. */
function escape(text: string): string {
  return text.replace(/"/g, '#quot;');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
