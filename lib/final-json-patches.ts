import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * Makes JSON patches (`addJsonPatch`) apply to the object's final JSON, and refuses a patch whose path does
 * not exist.
 *
 * Why: cdk8s's generated classes (`KubeDeployment`, `KubeService`, the CRD classes, ...) apply the patches to
 * their typed props and only then convert those props to JSON, field by field. A patched value is not of the
 * typed form the conversion expects, so `replace .../resources/limits/memory "1Gi"` turns the whole `limits`
 * map into `{}`, and a patch to a misspelled path is dropped with the unknown field, so no validation or
 * schema check ever sees it. Here the class renders first and the patches apply to what it rendered.
 */
export function finalJsonPatches<T extends ApiObject>(apiObject: T): T {
  const render = apiObject.toJson.bind(apiObject);
  const patches: JsonPatch[] = [];
  apiObject.addJsonPatch = (...ops: JsonPatch[]): void => {
    patches.push(...ops);
  };
  apiObject.toJson = (): any => {
    const rendered = render();
    return patches.reduce((json, patch) => applyOne(apiObject, json, patch), rendered);
  };
  return apiObject;
}

function applyOne(apiObject: ApiObject, json: any, patch: JsonPatch): any {
  const { op, path } = patch._toJson();
  if (op !== 'add' && op !== 'test' && !pathExists(json, path)) {
    throw new Error(`${apiObject.kind} '${apiObject.node.path}': JSON patch "${op} ${path}" points at a field the object does not have. `
      + 'Check the path against the synthesized object (npx cdk8s synth); use "add" to create a field.');
  }
  try {
    return JsonPatch.apply(json, patch);
  } catch (error) {
    throw new Error(`${apiObject.kind} '${apiObject.node.path}': JSON patch "${op} ${path}" cannot be applied (${(error as Error).message.split('\n')[0]}). `
      + 'Check that every parent of the path exists in the synthesized object (npx cdk8s synth).');
  }
}

function pathExists(json: any, pointer: string): boolean {
  let node = json;
  for (const token of pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (node === null || typeof node !== 'object' || !(token in node)) return false;
    node = node[token];
  }
  return true;
}
