import { ApiObject, JsonPatch } from 'cdk8s';

/** cdk8s gives every object its chart's namespace; cluster-scoped kinds (Namespace, PersistentVolume, StorageClass) must not carry one. */
export function clusterScoped<T extends ApiObject>(apiObject: T): T {
  if (apiObject.metadata.namespace !== undefined) apiObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return apiObject;
}
