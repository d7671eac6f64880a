#!/usr/bin/env node
/**
 * Deletes compiled files under build/lib and build/imports whose source is gone (a renamed or deleted
 * lib/*.ts leaves its old .js and .d.ts behind, because `tsc -b` never cleans), so `npm pack` ships
 * only what the sources produce. Runs in `prepack`, after `tsc -b`.
 *
 * Usage (from the repository root): node tools/prune-build.js
 */
'use strict';

const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');

/** What tools/kube-validator.js installs into build/lib/validation/exact/, built from lib/validation/exact/go. */
const EXACT_VALIDATOR = new Set(require('./kube-validator.js').ARTIFACTS.map((file) => path.join('lib', 'validation', 'exact', file)));

/**
 * The source a build output comes from: build/lib/x.js, x.d.ts → lib/x.ts; build/lib/x.json → lib/x.json;
 * a precompiled CRD validator (tools/compile-crd-validators.js), build/lib/validation/crd-validators/<group>.js
 * → its schema bundle, lib/validation/crd-schemas/<group>.json; the exact validator's files → its Go sources.
 */
function sourceOf(relative) {
  if (EXACT_VALIDATOR.has(relative)) return path.join('lib', 'validation', 'exact', 'go');
  const crdValidator = /^lib[\\/]validation[\\/]crd-validators[\\/](.+)\.js$/.exec(relative);
  if (crdValidator) return path.join('lib', 'validation', 'crd-schemas', `${crdValidator[1]}.json`);
  if (relative.endsWith('.d.ts')) return `${relative.slice(0, -'.d.ts'.length)}.ts`;
  if (relative.endsWith('.js')) return `${relative.slice(0, -'.js'.length)}.ts`;
  return relative;
}

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

/** Build outputs (paths relative to the repository, with /) whose source is gone. */
function staleOutputs(root = repoRoot) {
  return ['lib', 'imports'].flatMap((top) => walk(path.join(root, 'build', top)))
    .map((file) => path.relative(path.join(root, 'build'), file))
    .filter((relative) => !fs.existsSync(path.join(root, sourceOf(relative))))
    .map((relative) => `build/${relative.split(path.sep).join('/')}`);
}

module.exports = { staleOutputs };
if (require.main === module) {
  const removed = staleOutputs();
  for (const file of removed) fs.rmSync(path.join(repoRoot, file));
  if (removed.length > 0) console.error(`prune-build: removed ${removed.length} stale file(s): ${removed.join(', ')}`);
}
