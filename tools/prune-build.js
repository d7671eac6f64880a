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

/** The source a build output comes from: build/lib/x.js, x.d.ts → lib/x.ts; build/lib/x.json → lib/x.json. */
function sourceOf(relative) {
  if (relative.endsWith('.d.ts')) return `${relative.slice(0, -'.d.ts'.length)}.ts`;
  if (relative.endsWith('.js')) return `${relative.slice(0, -'.js'.length)}.ts`;
  return relative;
}

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

const removed = [];
for (const top of ['lib', 'imports']) {
  for (const file of walk(path.join(repoRoot, 'build', top))) {
    const relative = path.relative(path.join(repoRoot, 'build'), file);
    if (!fs.existsSync(path.join(repoRoot, sourceOf(relative)))) {
      fs.rmSync(file);
      removed.push(`build/${relative.split(path.sep).join('/')}`);
    }
  }
}
if (removed.length > 0) console.error(`prune-build: removed ${removed.length} stale file(s): ${removed.join(', ')}`);
