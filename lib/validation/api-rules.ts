/**
 * Checks the API server makes beyond the OpenAPI schema, found missing by sending the same bad
 * manifests to a real API server (test/cluster/admission.test.ts): object names, port ranges and Ingress
 * hosts. (The CRDs' CEL rules, such as the HTTPRoute path rules, are evaluated generically: see cel-rules.ts.)
 * The name and host formats are the constructs' own (value-formats.ts).
 */
import { asList, asRecord } from '../json-access';
import { isDnsLabel, isDnsSubdomain, isIngressHost, isIpAddress, isLabelValue, isPathSegmentName, qualifiedNameProblem } from '../value-formats';
import { isKind } from './objects';
import { fieldPath, indexPath } from './paths';
import { findPodTemplate, listContainers } from './pod-templates';
import { RULES } from './rules';
import { Finding, KubeObject } from './types';

const LABEL_FORMAT = { valid: isDnsLabel, maxLength: 63, what: 'a DNS label (RFC 1123: lower-case letters, digits and "-", at most 63)' };
/**
 * Kinds whose names the API server checks as DNS labels rather than subdomains. Service names are
 * RFC 1123 labels since Kubernetes 1.36 turned RelaxedServiceNameValidation on by default (a leading
 * digit is accepted, a dot is not).
 */
const PATH_SEGMENT_FORMAT = { valid: isPathSegmentName, maxLength: 253, what: 'a name the API server can put in a URL (not "." or "..", no "/" or "%")' };
/** RBAC objects and PodDisruptionBudgets validate their names only as URL path segments. */
const NAME_FORMATS: Readonly<Record<string, typeof LABEL_FORMAT>> = {
  Namespace: LABEL_FORMAT, Service: LABEL_FORMAT, PodDisruptionBudget: PATH_SEGMENT_FORMAT,
  Role: PATH_SEGMENT_FORMAT, RoleBinding: PATH_SEGMENT_FORMAT, ClusterRole: PATH_SEGMENT_FORMAT, ClusterRoleBinding: PATH_SEGMENT_FORMAT,
};
/** The API server's limit on the total size of an object's annotations (keys and values). */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;
const SUBDOMAIN_FORMAT = { valid: isDnsSubdomain, maxLength: 253, what: 'a DNS subdomain (RFC 1123: lower-case letters, digits, "-" and ".", at most 253)' };

/** metadata.name as the API server validates it for the object's kind. */
export function checkObjectName(object: KubeObject): Finding[] {
  const name = asRecord(object.metadata).name;
  if (typeof name !== 'string') return [];
  const format = NAME_FORMATS[String(object.kind)] ?? SUBDOMAIN_FORMAT;
  if (format.valid(name)) return [];
  const suggestion = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return [{
    rule: RULES.schemaObjectName,
    field: 'metadata.name',
    message: `"${name}" is not ${format.what}, so the API server refuses the ${String(object.kind)}`,
    fix: `Rename it, e.g. "${suggestion.slice(0, format.maxLength) || 'app'}".`,
  }];
}

/** Label keys and values, annotation keys and the annotations' total size, as the API server checks them on every object. */
export function checkMetadata(object: KubeObject): Finding[] {
  const metadata = asRecord(object.metadata);
  const findings: Finding[] = [];
  for (const [key, value] of Object.entries(asRecord(metadata.labels))) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem !== undefined) findings.push(metadataFinding(fieldPath('metadata.labels', key), `label key "${key}" is invalid: ${keyProblem}`));
    if (typeof value === 'string' && !isLabelValue(value)) {
      findings.push(metadataFinding(fieldPath('metadata.labels', key), `label value "${value}" is not at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`));
    }
  }
  let annotationBytes = 0;
  for (const [key, value] of Object.entries(asRecord(metadata.annotations))) {
    const keyProblem = qualifiedNameProblem(key.toLowerCase());
    if (keyProblem !== undefined) findings.push(metadataFinding(fieldPath('metadata.annotations', key), `annotation key "${key}" is invalid: ${keyProblem}`));
    annotationBytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  if (annotationBytes > ANNOTATIONS_MAX_BYTES) {
    findings.push(metadataFinding('metadata.annotations', `annotations total ${annotationBytes} bytes; the API server allows ${ANNOTATIONS_MAX_BYTES}`));
  }
  return findings;
}

function metadataFinding(field: string, message: string): Finding {
  return { rule: RULES.schemaMetadata, field, message, fix: 'Correct the key or value: the API server refuses the object otherwise.' };
}

/** Container and Service ports within 1-65535, as the API server requires (a Service targetPort may be 0: it then defaults to the port). */
export function checkPortRanges(object: KubeObject): Finding[] {
  return [...containerPortFindings(object), ...servicePortFindings(object)];
}

function containerPortFindings(object: KubeObject): Finding[] {
  const pod = findPodTemplate(object);
  if (pod === undefined) return [];
  return listContainers(pod, ['containers', 'initContainers']).flatMap((ref) => {
    const portsPath = fieldPath(ref.path, 'ports');
    return asList(ref.container.ports).flatMap((port, position) => portFinding(
      asRecord(port).containerPort, fieldPath(indexPath(portsPath, position), 'containerPort'), ref.label));
  });
}

function servicePortFindings(object: KubeObject): Finding[] {
  if (!isKind(object, '', 'Service')) return [];
  return asList(asRecord(object.spec).ports).flatMap((port, position) => {
    const record = asRecord(port);
    const path = indexPath('spec.ports', position);
    return [
      ...portFinding(record.port, fieldPath(path, 'port'), 'the Service'),
      ...(record.targetPort === 0 ? [] : portFinding(record.targetPort, fieldPath(path, 'targetPort'), 'the Service')),
    ];
  });
}

function portFinding(value: unknown, field: string, owner: string): Finding[] {
  if (typeof value !== 'number' || (Number.isInteger(value) && value >= 1 && value <= 65535)) return [];
  return [{
    rule: RULES.schemaPortRange,
    field,
    message: `${owner} uses port ${value}, outside 1-65535`,
    fix: 'Use a port number from 1 to 65535.',
  }];
}

/** Ingress rule hosts: a DNS name (optionally `*.`-prefixed), never an IP address, as the API server requires. */
export function checkIngressHosts(object: KubeObject): Finding[] {
  if (!isKind(object, 'networking.k8s.io', 'Ingress')) return [];
  return asList(asRecord(object.spec).rules).flatMap((rule, index) => {
    const host = asRecord(rule).host;
    if (typeof host !== 'string' || host === '') return [];
    if (isIngressHost(host)) return [];
    const isIp = isIpAddress(host);
    return [{
      rule: RULES.schemaIngressHost,
      field: fieldPath(indexPath('spec.rules', index), 'host'),
      message: isIp ? `host "${host}" is an IP address; the API server accepts only DNS names` : `host "${host}" is not a lower-case DNS name (a "*." prefix is allowed)`,
      fix: 'Use a DNS name such as "app.example.com" (omit the host to answer on every host, IP addresses included).',
    }];
  });
}
