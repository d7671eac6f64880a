import { RuleDefinition, Severity } from './types';

function rule(id: string, summary: string, severity: Severity = 'error', modelsApiServer = false): RuleDefinition {
  return { id, severity, summary, modelsApiServer };
}

/** A rule of the fast validator that stands in for a check of the API server: the exact validator replaces it. */
function serverRule(id: string, summary: string, severity: Severity = 'error'): RuleDefinition {
  return rule(id, summary, severity, true);
}

/** Every rule the validator can report, by stable id. */
export const RULES = {
  schemaNotAnObject: rule('schema/not-an-object', 'A manifest document is not a Kubernetes object.'),
  schemaYamlSyntax: rule('schema/yaml-syntax', 'A manifest file cannot be parsed as YAML.'),
  schemaTypeMeta: serverRule('schema/type-meta', 'An object lacks apiVersion, kind or metadata.name.'),
  schemaUnknownKind: serverRule('schema/unknown-kind', 'The apiVersion belongs to a known API group, but the kind/version does not exist in it.'),
  schemaInvalid: serverRule('schema/invalid', 'A field value violates the schema of its apiVersion/kind.'),
  schemaUnknownField: serverRule('schema/unknown-field', 'A field name is not in the schema (misspelled or unsupported).'),
  schemaCelRule: serverRule('schema/cel-rule', 'A value breaks a CEL rule (x-kubernetes-validations) of its CRD schema.'),
  schemaObjectName: serverRule('schema/object-name', 'metadata.name has the format the API server requires for the kind (DNS subdomain, or DNS label for Namespaces and Services).'),
  schemaMetadata: serverRule('schema/metadata', 'Label keys and values, annotation keys and the annotations\' size are what the API server accepts.'),
  schemaIngressHost: serverRule('schema/ingress-host', 'Ingress rule hosts are DNS names, not IP addresses.'),
  schemaPortRange: serverRule('schema/port-range', 'Container and Service ports are from 1 to 65535.'),
  schemaNotChecked: serverRule('schema/not-checked', 'No offline schema exists for the object, so it was not schema-checked.', 'warning'),

  pssHostProcess: serverRule('pss-restricted/host-process', 'Windows HostProcess containers are forbidden.'),
  pssHostNamespaces: serverRule('pss-restricted/host-namespaces', 'hostNetwork, hostPID and hostIPC must be unset or false.'),
  pssPrivileged: serverRule('pss-restricted/privileged', 'Privileged containers are forbidden.'),
  pssCapabilitiesAdd: serverRule('pss-restricted/capabilities-add', 'Containers may add back only NET_BIND_SERVICE.'),
  pssCapabilitiesDropAll: serverRule('pss-restricted/capabilities-drop-all', 'Containers must drop ALL capabilities.'),
  pssHostPathVolumes: serverRule('pss-restricted/host-path-volumes', 'hostPath volumes are forbidden.'),
  pssVolumeTypes: serverRule('pss-restricted/volume-types', 'Only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes are allowed.'),
  pssHostPorts: serverRule('pss-restricted/host-ports', 'hostPort must be unset or 0.'),
  pssAppArmor: serverRule('pss-restricted/apparmor', 'AppArmor may not be overridden to anything but RuntimeDefault or Localhost profiles.'),
  pssSeLinux: serverRule('pss-restricted/selinux', 'SELinux type is restricted; custom SELinux user and role are forbidden.'),
  pssHostProbes: serverRule('pss-restricted/host-probes', 'Probes and lifecycle handlers may not set a host (baseline, since 1.34).'),
  pssProcMount: serverRule('pss-restricted/proc-mount', 'procMount must be unset or Default.'),
  pssSeccomp: serverRule('pss-restricted/seccomp', 'A seccomp profile of RuntimeDefault or Localhost is required (pod or every container).'),
  pssSysctls: serverRule('pss-restricted/sysctls', 'Only the safe sysctl subset is allowed.'),
  pssAllowPrivilegeEscalation: serverRule('pss-restricted/allow-privilege-escalation', 'allowPrivilegeEscalation must be false on every container.'),
  pssRunAsNonRoot: serverRule('pss-restricted/run-as-non-root', 'runAsNonRoot must be true (pod level, or every container).'),
  pssRunAsUser: serverRule('pss-restricted/run-as-user', 'runAsUser must not be 0.'),

  apiServerInvalid: rule('api-server/invalid', 'The API server refuses a field value (its own validation, run offline by the exact validator).'),
  apiServerUnknownField: rule('api-server/unknown-field', 'The API server refuses a field its schema does not declare, or a duplicate field (strict field validation).'),
  apiServerPodSecurity: rule('api-server/pod-security', 'Pod Security admission refuses the pod, or the pods a workload would create, at the level its namespace enforces.'),
  apiServerUnknownKind: rule('api-server/unknown-kind', 'The API server serves no such kind in this apiVersion.'),
  apiServerRejected: rule('api-server/rejected', 'The API server refuses the object for another reason (malformed document, name, namespace).'),
  apiServerWarning: rule('api-server/warning', 'The API server accepts the object with a warning (a deprecated field, an ignored value).', 'warning'),

  hygieneResources: rule('hygiene/resources', 'Every container sets cpu and memory requests and limits.'),
  hygieneReadinessProbe: rule('hygiene/readiness-probe', 'Every long-running container has a readiness probe.'),
  hygieneLivenessProbe: rule('hygiene/liveness-probe', 'Every long-running container has a liveness probe.'),
  hygieneImageReference: rule('hygiene/image-reference', 'Images follow the OCI distribution reference grammar (lower-case repository), which the kubelet needs to pull them.'),
  hygieneImageTag: rule('hygiene/image-tag', 'Images are pinned by tag or digest; no :latest or untagged images (unless allowLatestImages).'),
  hygieneSecretData: rule('hygiene/secret-data', 'Secret objects carry no data or stringData.'),
  hygienePlainTextSecret: rule('hygiene/plain-text-secret', 'No ConfigMap value or container env value is a credential that secretlint\'s recommended rules recognize (API keys, tokens, webhooks, private keys, URLs with a password).'),
  hygieneCidr: serverRule('hygiene/cidr', 'NetworkPolicy ipBlocks and Service loadBalancerSourceRanges are CIDRs.'),
  hygieneNamespaceSet: rule('hygiene/namespace-set', 'Every namespaced object sets metadata.namespace.'),
  hygieneNamespaceExists: rule('hygiene/namespace-exists', 'Every namespace used is created by the output or documented as external.'),
  hygieneServiceSelector: rule('hygiene/service-selector', 'Every Service selector matches the labels of a pod template in the output.'),
  hygieneIngressBackend: rule('hygiene/ingress-backend', 'Every Ingress backend points at an existing Service port.'),
  hygieneVirtualServiceDestination: rule('hygiene/virtualservice-destination', 'Every VirtualService route destination points at an existing Service port.'),
  hygieneVirtualServiceExternalHost: rule('hygiene/virtualservice-external-host', 'A VirtualService destination is outside the cluster and was not checked.', 'warning'),
  hygieneHttpRouteBackend: rule('hygiene/httproute-backend', 'Every HTTPRoute backendRef points at an existing Service port.'),
} as const;

/** All rule definitions, in catalog order. */
export const ALL_RULES: readonly RuleDefinition[] = Object.values(RULES);

/** True when `ruleId` is listed in `skipRules`, exactly or through a `family/*` entry. */
export function isSkipped(ruleId: string, skipRules: readonly string[]): boolean {
  return skipRules.some((entry) => entry === ruleId || (entry.endsWith('/*') && ruleId.startsWith(entry.slice(0, -1))));
}
