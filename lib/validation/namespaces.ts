import { crdScopeOf } from './crd-schema';
import { isBuiltInGroup } from './field-tree';
import { identify } from './objects';
import { OutputIndex, isKnownNamespace } from './output-index';
import { RULES } from './rules';
import { EnforcedPodSecurity } from './pod-security';
import { Finding, KubeObject, PodSecurityDefaults } from './types';

/** Cluster-scoped kinds of the Kubernetes 1.28 API, by group; every other built-in kind is namespaced. */
const CLUSTER_SCOPED_KINDS: Readonly<Record<string, readonly string[]>> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'admissionregistration.k8s.io': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'authentication.k8s.io': ['TokenReview', 'SelfSubjectReview'],
  'authorization.k8s.io': ['SubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'internal.apiserver.k8s.io': ['StorageVersion'],
  'networking.k8s.io': ['IngressClass', 'ClusterCIDR', 'IPAddress'],
  'node.k8s.io': ['RuntimeClass'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'resource.k8s.io': ['ResourceClass'],
  'scheduling.k8s.io': ['PriorityClass'],
  'storage.k8s.io': ['StorageClass', 'VolumeAttachment', 'CSIDriver', 'CSINode'],
};

/** Whether a kind is namespaced, or undefined when its scope is unknown (custom resources without a bundled CRD). */
export function isNamespacedKind(group: string, kind: string): boolean | undefined {
  const crdScope = crdScopeOf(group, kind);
  if (crdScope !== undefined) return crdScope === 'Namespaced';
  if (!isBuiltInGroup(group)) return undefined;
  return !(CLUSTER_SCOPED_KINDS[group] ?? []).includes(kind);
}

/** Checks that a namespaced object names a namespace the output creates or the caller documents as external. */
export function checkNamespace(object: KubeObject, index: OutputIndex): Finding[] {
  const { group, kind, namespace } = identify(object);
  if (group === undefined || kind === undefined) return [];
  const namespaced = isNamespacedKind(group, kind);
  if (namespace === undefined) {
    if (namespaced !== true) return [];
    return [{
      rule: RULES.hygieneNamespaceSet,
      field: 'metadata.namespace',
      message: `${kind} is namespaced but sets no metadata.namespace, so it lands in whatever namespace kubectl defaults to`,
      fix: 'Set metadata.namespace to a namespace the output creates (a Namespace object) or one listed in externalNamespaces.',
    }];
  }
  if (namespaced === false || isKnownNamespace(index, namespace)) return [];
  return [{
    rule: RULES.hygieneNamespaceExists,
    field: 'metadata.namespace',
    message: `namespace "${namespace}" is neither created by the output nor documented as external`,
    fix: `Add a Namespace "${namespace}" to the output, or list "${namespace}" in externalNamespaces if the cluster already has it.`,
  }];
}

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';
const LEVELS = ['privileged', 'baseline', 'restricted'];

/**
 * The Pod Security level and version that PodSecurity admission enforces on an object's pods: its namespace's
 * `pod-security.kubernetes.io/enforce` labels when the output creates that namespace with them, else the cluster's
 * defaults (as a PodSecurityConfiguration's `defaults:` apply to namespaces without the labels).
 */
export function enforcedPodSecurity(object: KubeObject, index: OutputIndex, defaults: PodSecurityDefaults): EnforcedPodSecurity {
  const labels = index.namespaceLabels.get(identify(object).namespace ?? 'default') ?? {};
  const level = labels[ENFORCE];
  if (level !== undefined && LEVELS.includes(level)) return { level: level as EnforcedPodSecurity['level'], version: labels[ENFORCE_VERSION] ?? 'latest' };
  return { level: defaults.enforce, version: labels[ENFORCE_VERSION] ?? defaults.enforceVersion ?? 'latest' };
}
