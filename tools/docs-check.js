#!/usr/bin/env node
/**
 * Fails when docs/api/ differs from what TypeDoc generates now from the package's entry points (every subpath of
 * package.json "exports": the root, validation, helm; see typedoc.config.cjs).
 * It regenerates into a temporary directory (typedoc.config.cjs's settings, with --out replaced) and compares
 * every file both ways, so an added, removed or changed page is reported.
 *
 * Usage (from the repository root): node tools/docs-check.js   (npm run docs:check)
 * Fix a failure with: npm run docs   and commit docs/api/.
 */
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const committed = path.join(repoRoot, 'docs', 'api');

function listFiles(dir, prefix = '') {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(prefix, entry.name);
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
  }).sort();
}

function main() {
  const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'api-docs-'));
  try {
    const typedoc = path.join(repoRoot, 'node_modules', 'typedoc', 'bin', 'typedoc');
    const result = spawnSync(process.execPath, [typedoc, '--out', temporary, '--logLevel', 'Warn'], { cwd: repoRoot, encoding: 'utf8' });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    if (result.status !== 0) {
      console.error('docs:check: TypeDoc failed (see above): fix the doc comments in lib/.');
      return 1;
    }
    const generated = listFiles(temporary);
    const existing = listFiles(committed);
    const missing = generated.filter((file) => !existing.includes(file));
    const extra = existing.filter((file) => !generated.includes(file));
    const changed = generated.filter((file) => existing.includes(file)
      && !fs.readFileSync(path.join(temporary, file)).equals(fs.readFileSync(path.join(committed, file))));
    if (missing.length + extra.length + changed.length > 0) {
      const describe = (label, files) => (files.length > 0 ? [`  ${label}: ${files.join(', ')}`] : []);
      console.error(['docs/api/ is out of date with lib/ (the API reference is generated from its doc comments):',
        ...describe('missing', missing), ...describe('no longer generated', extra), ...describe('changed', changed),
        'Run `npm run docs` and commit docs/api/.'].join('\n'));
      return 1;
    }
    console.log(`docs/api/ is current (${generated.length} files).`);
    return 0;
  } finally {
    fs.rmSync(temporary, { recursive: true, force: true });
  }
}

process.exitCode = main();
