#!/usr/bin/env node
/**
 * Extracts the openAPIV3Schema of every served version of the Istio networking and
 * Gateway API CRDs into small committed JSON files, one per API group:
 *   lib/validation/crd-schemas/networking.istio.io.json
 *   lib/validation/crd-schemas/gateway.networking.k8s.io.json
 *
 * `description` fields are stripped to keep the files small, and versions whose schemas
 * are identical are stored once. Nothing else in the schemas is changed: the validator
 * itself decides how strict to be (it rejects unknown fields where a schema lists
 * `properties`, like the API server prunes them).
 *
 * The project's tests and runtime never read ../shared; only this generator does.
 *
 * Usage (from the repository root):
 *   node tools/extract-crd-schemas.js [schemasDir]
 * Default schemasDir: ../shared/schemas
 */
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const repoRoot = path.resolve(__dirname, '..');
const defaultSchemasDir = path.resolve(repoRoot, '..', 'shared', 'schemas');
const outputDir = path.join(repoRoot, 'lib', 'validation', 'crd-schemas');

/** The CRD bundles to extract, with where they came from (see ../shared/schemas/README.md). */
const SOURCES = [
  {
    file: 'istio-networking-crds.yaml',
    source: 'istio/api 1.24.6 (commit 4933c1da972e2dbb2c63706d2d77076280f95860) kubernetes/customresourcedefinitions.gen.yaml, Apache-2.0',
  },
  {
    file: 'gateway-api-standard-crds.yaml',
    source: 'kubernetes-sigs/gateway-api v1.3.0 (commit 40be951cebe5cb3f0365fe6951403de4ff8b9f33) config/crd/standard, Apache-2.0',
  },
];

function stripDescriptions(schema) {
  return JSON.parse(JSON.stringify(schema, (key, value) => (key === 'description' ? undefined : value)));
}

function readCrds(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((document) => document.toJS())
    .filter((crd) => crd && crd.kind === 'CustomResourceDefinition');
}

/** One entry per kind and distinct schema: versions sharing a schema are listed together. */
function kindEntries(crd) {
  const entries = [];
  for (const version of crd.spec.versions.filter((v) => v.served)) {
    const schema = stripDescriptions(version.schema.openAPIV3Schema);
    const serialized = JSON.stringify(schema);
    const existing = entries.find((entry) => JSON.stringify(entry.schema) === serialized);
    if (existing) {
      existing.versions.push(version.name);
    } else {
      entries.push({ kind: crd.spec.names.kind, scope: crd.spec.scope, versions: [version.name], schema });
    }
  }
  return entries;
}

function collectFormats(schema, formats = new Set()) {
  if (schema && typeof schema === 'object') {
    if (typeof schema.format === 'string') formats.add(schema.format);
    for (const value of Object.values(schema)) collectFormats(value, formats);
  }
  return formats;
}

function main() {
  const schemasDir = path.resolve(process.argv[2] ?? defaultSchemasDir);
  fs.mkdirSync(outputDir, { recursive: true });
  for (const { file, source } of SOURCES) {
    const byGroup = new Map();
    for (const crd of readCrds(path.join(schemasDir, file))) {
      const group = crd.spec.group;
      const bundle = byGroup.get(group) ?? { group, source, kinds: [] };
      bundle.kinds.push(...kindEntries(crd));
      byGroup.set(group, bundle);
    }
    for (const bundle of byGroup.values()) {
      const outputFile = path.join(outputDir, `${bundle.group}.json`);
      fs.writeFileSync(outputFile, JSON.stringify(bundle) + '\n');
      const summary = bundle.kinds.map((entry) => `${entry.kind}(${entry.versions.join(',')})`).join(' ');
      const formats = [...collectFormats(bundle.kinds)].sort().join(', ');
      console.log(`wrote ${path.relative(repoRoot, outputFile)} (${fs.statSync(outputFile).size} bytes): ${summary}; formats: ${formats || 'none'}`);
    }
  }
}

main();
