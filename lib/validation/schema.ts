import { checkCelRules } from './cel-rules';
import { CRD_GROUPS, lookupCrd, validateWithCrd } from './crd-schema';
import { FIELD_TREE_KUBERNETES_VERSION, OBJECT_META_TYPE, builtInKindsOfGroup, findUnknownFields, isBuiltInGroup, isRequiredField, rootTypeOf } from './field-tree';
import { loadModel, validateObjectMeta, validateWithModel } from './kubernetes-models-schema';
import { identify } from './objects';
import { RULES } from './rules';
import { findingsFromSchemaErrors } from './schema-findings';
import { Finding, KubeObject } from './types';

const K8S = `Kubernetes ${FIELD_TREE_KUBERNETES_VERSION}`;

/**
 * Checks an object against the schema of its apiVersion/kind: kubernetes-models (values, less what this release no
 * longer requires) plus the Kubernetes 1.36 field tree (field names) for built-in kinds, the offline CRD schemas for Istio
 * and Gateway API kinds. Anything else yields an explicit `schema/not-checked` warning.
 */
export function checkSchema(object: KubeObject): Finding[] {
  const identity = identify(object);
  const { apiVersion, kind, group, version } = identity;
  if (apiVersion === undefined || kind === undefined || group === undefined || version === undefined) {
    return [missingTypeMeta(apiVersion === undefined ? 'apiVersion' : 'kind')];
  }
  const findings: Finding[] = identity.name === undefined ? [missingName()] : [];
  const crd = lookupCrd(group, version, kind);
  if (crd.status === 'found') {
    const schemaName = `${apiVersion} ${kind} (CRD schema)`;
    findings.push(...findingsFromSchemaErrors(validateWithCrd(crd.validate(), object), object, schemaName));
    findings.push(...celRuleFindings(crd.entry.schema, object, schemaName));
    findings.push(...checkCustomResourceMetadata(object, schemaName));
  } else if (crd.status === 'unserved') {
    findings.push(unservedCrdVersion(apiVersion, kind, crd.served, crd.source));
  } else if (crd.status === 'missing') {
    findings.push(notChecked(`no offline CRD schema for ${apiVersion} ${kind}; available: ${crd.available.join(', ')}`));
  } else {
    findings.push(...checkBuiltInKind(object, apiVersion, kind, group));
  }
  return findings;
}

function checkBuiltInKind(object: KubeObject, apiVersion: string, kind: string, group: string): Finding[] {
  const schemaName = `${apiVersion} ${kind}`;
  const model = loadModel(apiVersion, kind);
  const rootType = rootTypeOf(apiVersion, kind);
  if (model === undefined && rootType === undefined) {
    return isBuiltInGroup(group) ? [unknownKind(apiVersion, kind, group)] : [notChecked(notCheckedReason(apiVersion, kind))];
  }
  if (rootType === undefined) return [notServed(apiVersion, kind)];
  const findings = findUnknownFields(object, rootType, '', `${schemaName} (${K8S})`);
  if (model === undefined) {
    findings.push(notChecked(`kubernetes-models has no validator for ${schemaName}; only field names were checked`));
  } else {
    const errors = validateWithModel(model, object).filter((error) => error.keyword !== 'required'
      || isRequiredField(rootType, error.instancePath, String(error.params.missingProperty)));
    findings.push(...findingsFromSchemaErrors(errors, object, schemaName));
  }
  return findings;
}

function celRuleFindings(schema: unknown, object: KubeObject, schemaName: string): Finding[] {
  return checkCelRules(schema, object).map((violation) => ({
    rule: RULES.schemaCelRule,
    field: violation.field,
    message: `${violation.message} (CEL rule of ${schemaName}: ${violation.rule})`,
    fix: 'Change the value so that the rule holds; the API server evaluates the same rule and refuses the object.',
  }));
}

function checkCustomResourceMetadata(object: KubeObject, schemaName: string): Finding[] {
  return [
    ...findingsFromSchemaErrors(validateObjectMeta(object.metadata), object, schemaName),
    ...findUnknownFields(object.metadata, OBJECT_META_TYPE, 'metadata', 'ObjectMeta'),
  ];
}

function notCheckedReason(apiVersion: string, kind: string): string {
  return `no offline schema for ${apiVersion} ${kind} (schemas are bundled for Kubernetes ${FIELD_TREE_KUBERNETES_VERSION} and the CRD groups ${CRD_GROUPS.join(', ')})`;
}

function missingTypeMeta(field: 'apiVersion' | 'kind'): Finding {
  return { rule: RULES.schemaTypeMeta, field, message: `${field} is missing`, fix: `Set ${field} on the object.` };
}

function missingName(): Finding {
  return { rule: RULES.schemaTypeMeta, field: 'metadata.name', message: 'metadata.name is missing', fix: 'Give the object a metadata.name.' };
}

function unknownKind(apiVersion: string, kind: string, group: string): Finding {
  return {
    rule: RULES.schemaUnknownKind,
    field: 'kind',
    message: `${K8S} has no kind ${kind} in ${apiVersion}`,
    fix: `Correct apiVersion/kind; the ${group === '' ? 'core' : group} group has: ${builtInKindsOfGroup(group).join(', ')}.`,
  };
}

function notServed(apiVersion: string, kind: string): Finding {
  return {
    rule: RULES.schemaUnknownKind,
    field: 'apiVersion',
    message: `${apiVersion} ${kind} is not served by ${K8S}`,
    fix: `Use an apiVersion of ${kind} that ${K8S} serves.`,
  };
}

function unservedCrdVersion(apiVersion: string, kind: string, served: readonly string[], source: string): Finding {
  return {
    rule: RULES.schemaUnknownKind,
    field: 'apiVersion',
    message: `${apiVersion} ${kind} is not served by the bundled CRDs (${source})`,
    fix: `Use an apiVersion the CRD serves: ${served.join(' or ')}.`,
  };
}

function notChecked(reason: string): Finding {
  return {
    rule: RULES.schemaNotChecked,
    field: 'apiVersion',
    message: `not schema-checked: ${reason}`,
    fix: 'Check this object against its CRD in a cluster (kubectl apply --dry-run=server), or add its CRD schema to lib/validation/crd-schemas via tools/extract-crd-schemas.js.',
  };
}
