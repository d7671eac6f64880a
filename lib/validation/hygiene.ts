/** Per-object hygiene rules: container resources, probes, image tags, and Secrets without data. */
import { asRecord } from '../json-access';
import { isKind } from './objects';
import { imageReferenceProblem, imageTagProblem } from '../image-reference';
import { fieldPath } from './paths';
import { ContainerRef, findPodTemplate, listContainers } from './pod-templates';
import { RULES } from './rules';
import { Finding, KubeObject } from './types';

const RESOURCE_KEYS: ReadonlyArray<['requests' | 'limits', 'cpu' | 'memory']> = [
  ['requests', 'cpu'], ['requests', 'memory'], ['limits', 'cpu'], ['limits', 'memory'],
];
const PROBES: ReadonlyArray<['readinessProbe' | 'livenessProbe', typeof RULES.hygieneReadinessProbe]> = [
  ['readinessProbe', RULES.hygieneReadinessProbe],
  ['livenessProbe', RULES.hygieneLivenessProbe],
];

/** Options of the container hygiene rules. */
export interface ContainerHygieneOptions {
  /**
   * Accept `:latest` and untagged images.
   * @default false
   */
  readonly allowLatestImages?: boolean;
}

/** Checks resources, probes and image tags of every container of a workload or Pod. */
export function checkContainerHygiene(object: KubeObject, options: ContainerHygieneOptions = {}): Finding[] {
  const pod = findPodTemplate(object);
  if (pod === undefined) return [];
  const findings: Finding[] = [];
  // Ephemeral containers cannot set resources or probes; they are only checked for their image.
  for (const ref of listContainers(pod, ['containers', 'initContainers'])) findings.push(...checkResources(ref));
  if (pod.longRunning) for (const ref of listContainers(pod, ['containers'])) findings.push(...checkProbes(ref));
  for (const ref of listContainers(pod)) findings.push(...checkImageReference(ref));
  if (options.allowLatestImages !== true) for (const ref of listContainers(pod)) findings.push(...checkImageTag(ref));
  return findings;
}

/** Flags a core/v1 Secret that carries values in `data` or `stringData`. */
export function checkSecretData(object: KubeObject): Finding[] {
  if (!isKind(object, '', 'Secret')) return [];
  return (['data', 'stringData'] as const).flatMap((field) => {
    const keys = Object.keys(asRecord(object[field]));
    if (keys.length === 0) return [];
    return [{
      rule: RULES.hygieneSecretData,
      field,
      message: `Secret carries secret values in ${field} (${keys.join(', ')}), which end up in the committed manifests`,
      fix: 'Remove the values from the manifest: create the Secret out of band (kubectl create secret, External Secrets, Sealed Secrets) and reference it by name.',
    }];
  });
}

function checkResources(ref: ContainerRef): Finding[] {
  const resourcesPath = fieldPath(ref.path, 'resources');
  if (ref.container.resources === undefined) {
    return [{
      rule: RULES.hygieneResources,
      field: resourcesPath,
      message: `${ref.label} sets no resource requests or limits`,
      fix: `Set resources.requests and resources.limits (cpu and memory) on ${ref.label}.`,
    }];
  }
  const resources = asRecord(ref.container.resources);
  return RESOURCE_KEYS.filter(([section, resource]) => asRecord(resources[section])[resource] === undefined).map(([section, resource]) => ({
    rule: RULES.hygieneResources,
    field: `${resourcesPath}.${section}.${resource}`,
    message: `${ref.label} sets no ${resource} ${section === 'requests' ? 'request' : 'limit'}`,
    fix: `Set resources.${section}.${resource} on ${ref.label}.`,
  }));
}

function checkProbes(ref: ContainerRef): Finding[] {
  return PROBES.filter(([probe]) => ref.container[probe] === undefined).map(([probe, rule]) => ({
    rule,
    field: fieldPath(ref.path, probe),
    message: `${ref.label} of a long-running pod has no ${probe}`,
    fix: `Add a ${probe} (httpGet, tcpSocket, grpc or exec) to ${ref.label}.`,
  }));
}

/** The API server accepts any image text; the kubelet refuses what the OCI distribution grammar does not parse (InvalidImageName). */
function checkImageReference(ref: ContainerRef): Finding[] {
  const image = ref.container.image;
  if (typeof image !== 'string' || image.trim() === '') return [];
  const problem = imageReferenceProblem(image);
  if (problem === undefined) return [];
  return [{
    rule: RULES.hygieneImageReference,
    field: fieldPath(ref.path, 'image'),
    message: `${ref.label} uses "${image}", which is not an OCI image reference: ${problem}; the API server stores it, but the kubelet refuses to pull it (InvalidImageName)`,
    fix: 'Write it as [registry[:port]/]repository[:tag][@sha256:<digest>] with a lower-case repository, e.g. "ghcr.io/acme/api:v1.0.0".',
  }];
}

function checkImageTag(ref: ContainerRef): Finding[] {
  const image = ref.container.image;
  if (typeof image !== 'string') return [];
  const problem = imageTagProblem(image);
  if (problem === undefined) return [];
  return [{
    rule: RULES.hygieneImageTag,
    field: fieldPath(ref.path, 'image'),
    message: `${ref.label} uses ${problem === 'latest' ? 'the :latest tag' : 'an untagged image'} (${image})`,
    fix: 'Pin the image to a version tag or a digest (name@sha256:...); :latest is only allowed where allowLatestImages is set (local environments).',
  }];
}
