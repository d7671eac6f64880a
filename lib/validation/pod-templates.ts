import { asList, asRecord, asString, isRecord } from '../json-access';
import { ObjectCache } from './object-cache';
import { identify, labelsOf } from './objects';
import { fieldPath, indexPath } from './paths';
import { KubeObject } from './types';

/** Which list of a pod spec a container comes from. */
export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

/** A container of a pod template, with its field path. */
export interface ContainerRef {
  readonly container: Record<string, unknown>;
  readonly path: string;
  readonly list: ContainerList;
  /** `container "name"`, `init container "name"` or `ephemeral container "name"`. */
  readonly label: string;
}

/** The pod template of a workload (or the pod itself), with the field paths to it. */
export interface PodTemplateRef {
  readonly spec: Record<string, unknown>;
  readonly specPath: string;
  readonly metadata: Record<string, unknown>;
  readonly metadataPath: string;
  readonly labels: Record<string, string>;
  /** False for Job/CronJob pods and pods that are not restarted: they need no probes. */
  readonly longRunning: boolean;
}

interface TemplateLocation {
  readonly group: string;
  readonly kinds: readonly string[];
  /** Path from the object root to the PodTemplateSpec (metadata + spec); empty for a Pod. */
  readonly templatePath: readonly string[];
  readonly longRunning: boolean;
}

const TEMPLATE_LOCATIONS: readonly TemplateLocation[] = [
  { group: '', kinds: ['Pod'], templatePath: [], longRunning: true },
  { group: '', kinds: ['ReplicationController'], templatePath: ['spec', 'template'], longRunning: true },
  { group: '', kinds: ['PodTemplate'], templatePath: ['template'], longRunning: true },
  { group: 'apps', kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], templatePath: ['spec', 'template'], longRunning: true },
  { group: 'batch', kinds: ['Job'], templatePath: ['spec', 'template'], longRunning: false },
  { group: 'batch', kinds: ['CronJob'], templatePath: ['spec', 'jobTemplate', 'spec', 'template'], longRunning: false },
];

const CONTAINER_LISTS: ReadonlyArray<[ContainerList, string]> = [
  ['containers', 'container'],
  ['initContainers', 'init container'],
  ['ephemeralContainers', 'ephemeral container'],
];

/** True when the object is one of the workload kinds that carry a pod template. */
export function hasPodTemplate(object: KubeObject): boolean {
  return findTemplateLocation(object) !== undefined;
}

/** Pod templates by object, found once per validation run for all the rules that look at them. */
const podTemplates = new ObjectCache<PodTemplateRef | undefined>();

/** Finds the pod template of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ... */
export function findPodTemplate(object: KubeObject): PodTemplateRef | undefined {
  return podTemplates.get(object, () => readPodTemplate(object));
}

function readPodTemplate(object: KubeObject): PodTemplateRef | undefined {
  const location = findTemplateLocation(object);
  if (location === undefined) return undefined;
  let template: unknown = object;
  let templatePath = '';
  for (const key of location.templatePath) {
    template = asRecord(template)[key];
    templatePath = fieldPath(templatePath, key);
  }
  if (!isRecord(template) || !isRecord(template.spec)) return undefined;
  const restartPolicy = asString(template.spec.restartPolicy);
  return {
    spec: template.spec,
    specPath: fieldPath(templatePath, 'spec'),
    metadata: asRecord(template.metadata),
    metadataPath: fieldPath(templatePath, 'metadata'),
    labels: labelsOf(template.metadata),
    longRunning: location.longRunning && (restartPolicy === undefined || restartPolicy === 'Always'),
  };
}

/** Lists the containers, init containers and ephemeral containers of a pod spec. */
export function listContainers(pod: PodTemplateRef, lists: readonly ContainerList[] = ['containers', 'initContainers', 'ephemeralContainers']): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const [list, noun] of CONTAINER_LISTS) {
    if (!lists.includes(list)) continue;
    asList(pod.spec[list]).forEach((container, index) => {
      if (!isRecord(container)) return;
      const name = asString(container.name) ?? `#${index}`;
      refs.push({ container, path: indexPath(fieldPath(pod.specPath, list), index), list, label: `${noun} "${name}"` });
    });
  }
  return refs;
}

function findTemplateLocation(object: KubeObject): TemplateLocation | undefined {
  const { group, kind } = identify(object);
  if (kind === undefined) return undefined;
  return TEMPLATE_LOCATIONS.find((location) => location.group === group && location.kinds.includes(kind));
}
