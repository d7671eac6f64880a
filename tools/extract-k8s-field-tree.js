#!/usr/bin/env node
/**
 * Generates lib/validation/k8s-fields/k8s-1.36-fields.json from the OpenAPI (v2) definitions of the Kubernetes
 * release the test control plane pins (test/control-plane/go.mod: k8s.io/kubernetes, whose module holds
 * api/openapi-spec/swagger.json, the API a default kube-apiserver of that release serves).
 *
 * The output is a compact "field tree": for every object definition, the names of its
 * fields and, for fields that hold further objects, the definition those objects use.
 * The validator walks manifests with it to report unknown (misspelled) field names,
 * which the upstream schemas and kubernetes-models do not reject on their own
 * (they never set `additionalProperties: false`).
 *
 * Usage (from the repository root; needs Go only to find the module when no path is given):
 *   node tools/extract-k8s-field-tree.js [path/to/swagger.json]
 * Default input: api/openapi-spec/swagger.json of k8s.io/kubernetes at the version test/control-plane/go.mod pins.
 *
 * Encoding of a field's value in the output:
 *   0            leaf: scalar, scalar list/map, or free-form (IntOrString, Quantity, RawExtension...)
 *   "Type"       an object of definition Type
 *   ["Type"]     a list of objects of definition Type
 *   {"*":"Type"} a map whose values are objects of definition Type
 * and `required` lists, per type, the fields its definition requires (kubernetes-models, which checks the values,
 * is older and requires some fields that this release no longer does).
 */
'use strict';

const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const outputFile = path.join(repoRoot, 'lib', 'validation', 'k8s-fields', 'k8s-1.36-fields.json');

/** The pinned k8s.io/kubernetes module's swagger.json (downloaded into the module cache when missing). */
function defaultInput() {
  const { execFileSync } = require('child_process');
  const controlPlane = path.join(repoRoot, 'test', 'control-plane');
  execFileSync('go', ['mod', 'download', 'k8s.io/kubernetes'], { cwd: controlPlane, stdio: 'inherit' });
  const dir = execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', 'k8s.io/kubernetes'], { cwd: controlPlane, encoding: 'utf8' }).trim();
  return path.join(dir, 'api', 'openapi-spec', 'swagger.json');
}

function pinnedVersion() {
  return /^\s*k8s\.io\/kubernetes v([0-9.]+)/m.exec(fs.readFileSync(path.join(repoRoot, 'test', 'control-plane', 'go.mod'), 'utf8'))[1];
}
const REF_PREFIX = '#/definitions/';

function refName(schema) {
  return schema && typeof schema.$ref === 'string' ? schema.$ref.slice(REF_PREFIX.length) : undefined;
}

/** True when a definition has named fields that can be checked. */
function isCheckable(definitions, name) {
  const definition = definitions[name];
  return Boolean(definition && definition.properties && !definition['x-kubernetes-preserve-unknown-fields']);
}

function encodeField(definitions, fieldSchema) {
  const direct = refName(fieldSchema);
  if (direct) return isCheckable(definitions, direct) ? direct : 0;
  const item = refName(fieldSchema.items);
  if (item) return isCheckable(definitions, item) ? [item] : 0;
  const value = refName(fieldSchema.additionalProperties);
  if (value) return isCheckable(definitions, value) ? { '*': value } : 0;
  return 0;
}

function collectReachableTypes(definitions, roots) {
  const reachable = new Set();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop();
    if (reachable.has(name) || !isCheckable(definitions, name)) continue;
    reachable.add(name);
    for (const fieldSchema of Object.values(definitions[name].properties)) {
      const target = refName(fieldSchema) ?? refName(fieldSchema.items) ?? refName(fieldSchema.additionalProperties);
      if (target) queue.push(target);
    }
  }
  return reachable;
}

function groupVersionKindKey(gvk) {
  const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
  return `${apiVersion}/${gvk.kind}`;
}

function findRoots(definitions) {
  const roots = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const gvks = definition['x-kubernetes-group-version-kind'] ?? [];
    // Only top-level API objects (they carry apiVersion/kind); skips List kinds and option types.
    if (!definition.properties || !definition.properties.kind || name.endsWith('List')) continue;
    if (!definition.properties.metadata || name === 'io.k8s.apimachinery.pkg.apis.meta.v1.Status') continue;
    // swagger.json describes every API of the release; a default API server serves only the GA versions
    // (DefaultAPIResourceConfigSource in pkg/controlplane/instance.go disables every alpha and beta version).
    for (const gvk of gvks) if (!/(alpha|beta)[0-9]*$/.test(gvk.version)) roots[groupVersionKindKey(gvk)] = name;
  }
  return roots;
}

function buildFieldTree(definitions) {
  const roots = findRoots(definitions);
  const types = {};
  const required = {};
  for (const name of [...collectReachableTypes(definitions, Object.values(roots))].sort()) {
    const fields = {};
    for (const [field, fieldSchema] of Object.entries(definitions[name].properties)) {
      fields[field] = encodeField(definitions, fieldSchema);
    }
    types[name] = fields;
    if (definitions[name].required?.length > 0) required[name] = [...definitions[name].required].sort();
  }
  return { roots: sortKeys(roots), types, required };
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}

function main() {
  const input = path.resolve(process.argv[2] ?? defaultInput());
  const { definitions } = JSON.parse(fs.readFileSync(input, 'utf8'));
  const tree = buildFieldTree(definitions);
  const version = pinnedVersion();
  const output = {
    kubernetesVersion: version,
    source: `k8s.io/kubernetes v${version} api/openapi-spec/swagger.json (Apache-2.0), generated by tools/extract-k8s-field-tree.js`,
    ...tree,
  };
  fs.mkdirSync(path.dirname(outputFile), { recursive: true });
  fs.writeFileSync(outputFile, JSON.stringify(output) + '\n');
  const size = fs.statSync(outputFile).size;
  console.log(`wrote ${path.relative(repoRoot, outputFile)}: ${Object.keys(tree.roots).length} kinds, ${Object.keys(tree.types).length} types, ${size} bytes`);
}

main();
