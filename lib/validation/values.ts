/** Value rules: credentials in plain text (ConfigMaps and container env values) and malformed CIDRs. */
import { asList, asRecord, asString, getPath } from '../json-access';
import { secretValueKind } from '../secret-values';
import { isCidr } from '../value-formats';
import { isKind } from './objects';
import { fieldPath, indexPath } from './paths';
import { findPodTemplate, listContainers } from './pod-templates';
import { RULES } from './rules';
import { Finding, KubeObject } from './types';

const SECRET_FIX = 'Move the value into a Secret created out of band (kubectl create secret, External Secrets, Sealed Secrets) and reference it (envFrom.secretRef or valueFrom.secretKeyRef).';

/** Flags ConfigMap data and container env values that are credentials, whatever their key is called. */
export function checkPlainTextSecrets(object: KubeObject): Finding[] {
  const findings: Finding[] = [];
  if (isKind(object, '', 'ConfigMap')) {
    for (const [key, value] of Object.entries(asRecord(object.data))) {
      const kind = typeof value === 'string' ? secretValueKind(value, key) : undefined;
      if (kind) findings.push({ rule: RULES.hygienePlainTextSecret, field: fieldPath('data', key), message: `ConfigMap key "${key}" holds ${kind} in plain text`, fix: SECRET_FIX });
    }
  }
  const pod = findPodTemplate(object);
  if (pod === undefined) return findings;
  for (const ref of listContainers(pod)) {
    asList(ref.container.env).forEach((variable, index) => {
      const value = asString(asRecord(variable).value);
      const kind = value === undefined ? undefined : secretValueKind(value, asString(asRecord(variable).name));
      if (kind) {
        findings.push({
          rule: RULES.hygienePlainTextSecret,
          field: fieldPath(indexPath(fieldPath(ref.path, 'env'), index), 'value'),
          message: `${ref.label} sets ${asString(asRecord(variable).name) ?? 'a variable'} to ${kind} in plain text`,
          fix: SECRET_FIX,
        });
      }
    });
  }
  return findings;
}

/** Flags NetworkPolicy ipBlocks and Service source ranges that are not CIDRs. */
export function checkCidrs(object: KubeObject): Finding[] {
  const candidates: Array<[string, unknown]> = [];
  if (isKind(object, 'networking.k8s.io', 'NetworkPolicy')) {
    for (const direction of ['ingress', 'egress'] as const) {
      const peersKey = direction === 'ingress' ? 'from' : 'to';
      asList(getPath(object, 'spec', direction)).forEach((rule, ruleIndex) => {
        asList(asRecord(rule)[peersKey]).forEach((peer, peerIndex) => {
          const ipBlock = asRecord(asRecord(peer).ipBlock);
          const base = fieldPath(indexPath(fieldPath(indexPath(fieldPath('spec', direction), ruleIndex), peersKey), peerIndex), 'ipBlock');
          if (ipBlock.cidr !== undefined) candidates.push([fieldPath(base, 'cidr'), ipBlock.cidr]);
          asList(ipBlock.except).forEach((cidr, index) => candidates.push([indexPath(fieldPath(base, 'except'), index), cidr]));
        });
      });
    }
  }
  if (isKind(object, '', 'Service')) {
    asList(getPath(object, 'spec', 'loadBalancerSourceRanges')).forEach((cidr, index) => candidates.push([indexPath('spec.loadBalancerSourceRanges', index), cidr]));
  }
  return candidates.filter(([, cidr]) => typeof cidr !== 'string' || !isCidr(cidr)).map(([field, cidr]) => ({
    rule: RULES.hygieneCidr,
    field,
    message: `${JSON.stringify(cidr)} is not a CIDR`,
    fix: 'Write an IP address, "/" and a prefix length, e.g. "10.0.0.0/8" or "2001:db8::/32".',
  }));
}
