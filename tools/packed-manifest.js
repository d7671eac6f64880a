#!/usr/bin/env node
/**
 * The package.json that `npm pack` puts in the tarball has no `scripts`: every script here is for developing
 * this repository, and a consumer's npm lists a `prepare` script of a tarball dependency as an install script
 * it has not reviewed (`npm warn install-scripts ...`).
 *
 *   node tools/packed-manifest.js strip      (prepack, last)  package.json without scripts; the original kept aside
 *   node tools/packed-manifest.js restore    (postpack)       the original package.json back, byte for byte
 *
 * npm reads the manifest, runs prepack, tars the directory as it then is, and runs postpack with the manifest it
 * read first: so postpack still runs although the stripped file no longer names it. A pack that stopped between
 * the two leaves the original aside; the next `strip` or `restore` puts it back first, so the original is never
 * lost or overwritten by a stripped copy.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const files = (root) => ({ manifestFile: path.join(root, 'package.json'), originalFile: path.join(root, 'build', 'package.json.before-pack') });

/** Puts the original package.json back, if a strip left it aside. */
function restore(root = repoRoot) {
  const { manifestFile, originalFile } = files(root);
  if (!fs.existsSync(originalFile)) return false;
  fs.writeFileSync(manifestFile, fs.readFileSync(originalFile));
  fs.rmSync(originalFile);
  return true;
}

/** The manifest as published: the same fields in the same order, without `scripts`. */
function packedManifest(text) {
  const { scripts: _developmentScripts, ...published } = JSON.parse(text);
  return `${JSON.stringify(published, null, 2)}\n`;
}

function strip(root = repoRoot) {
  restore(root);
  const { manifestFile, originalFile } = files(root);
  const original = fs.readFileSync(manifestFile);
  fs.mkdirSync(path.dirname(originalFile), { recursive: true });
  fs.writeFileSync(originalFile, original);
  fs.writeFileSync(manifestFile, packedManifest(original.toString('utf8')));
}

function main() {
  const [command] = process.argv.slice(2);
  if (command === 'strip') strip();
  else if (command === 'restore') restore();
  else {
    console.error('Usage: node tools/packed-manifest.js strip|restore   (run by npm pack: prepack strips, postpack restores)');
    process.exitCode = 2;
  }
}

module.exports = { packedManifest, strip, restore };
if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`packed-manifest: ${error.message}`);
    process.exitCode = 1;
  }
}
