/**
 * A faster YAML writer for synthesized manifests that writes byte for byte what cdk8s's `Yaml.stringify` writes
 * (the `yaml` package with YAML 1.1, lineWidth 0, keepUndefined). It is the fix proposed to cdk8s in
 * docs/yaml-writer.md, measured by `npm run bench` and checked against `Yaml.stringify` by
 * test/yaml-writer.test.ts; the app does not use it (see the doc for why).
 *
 * How: manifests are plain JSON after cdk8s resolves them, and their block layout is simple, so the layout is
 * written directly; every scalar and key is rendered by the `yaml` package itself (once per distinct value), except
 * the common plain strings, for which it applies the same test the package applies (does the text resolve to
 * another YAML 1.1 type?). Anything else it is not sure about (multi-line strings, document markers, shared
 * objects, undefined, nested sequences, non-JSON values) makes it hand that whole document to `yaml`.
 */
'use strict';
const path = require('path');

const YAML = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] }));

/** The options cdk8s's Yaml.stringify passes (cdk8s 2.70, lib/yaml.js). */
const CDK8S_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' };

/** Thrown (and caught per document) when the direct path is not sure to match `yaml`. */
class Unsure extends Error {}

/** Strings that are plain in `yaml` unless they resolve to another type: no spaces, no indicators, no `: `. */
const SIMPLE_PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_./:=+-]*$/;

function createWriter() {
  const schema = new YAML.Document(null, CDK8S_OPTIONS).schema;
  // The test `yaml` makes before writing a string plain (stringifyString.js, plainString).
  const resolvesToOtherType = (text) => [...schema.tags, ...(schema.compat ?? [])]
    .some((tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test?.test(text));
  const values = new Map();
  const keys = new Map();

  /** A scalar as `yaml` writes it as a map value; memoized by type and value. */
  function scalar(value) {
    const type = value === null ? 'null' : typeof value;
    if (type === 'string' && SIMPLE_PLAIN.test(value) && !value.endsWith(':') && !resolvesToOtherType(value)) return value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean' && type !== 'null') throw new Unsure();
    const cacheKey = `${type}:${Object.is(value, -0) ? '-0' : value}`; // String(-0) is "0", yaml writes -0
    let text = values.get(cacheKey);
    if (text === undefined) {
      text = stripPrefix(YAML.stringify({ k: value }, CDK8S_OPTIONS), 'k: ');
      values.set(cacheKey, text);
    }
    return text;
  }

  /** A map key as `yaml` writes it; memoized. */
  function key(name) {
    let text = keys.get(name);
    if (text === undefined) {
      const line = YAML.stringify({ [name]: null }, CDK8S_OPTIONS);
      if (!line.endsWith(': null\n')) throw new Unsure();
      text = line.slice(0, -': null\n'.length);
      if (text.includes('\n') || text.startsWith('? ')) throw new Unsure();
      keys.set(name, text);
    }
    return text;
  }

  function stripPrefix(line, prefix) {
    // Multi-line output (block scalars) depends on the indentation: leave those documents to `yaml`.
    if (!line.startsWith(prefix) || line.indexOf('\n') !== line.length - 1) throw new Unsure();
    return line.slice(prefix.length, -1);
  }

  function isPlainObject(value) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const prototype = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
  }

  function checkDocumentMarker(text) {
    if (/^(%|---|\.\.\.)/m.test(text)) throw new Unsure();
  }

  /** Lines of a block map whose keys start at `indent`; `first` replaces the indent of the first line (a `- `). */
  function writeMap(object, indent, lines, seen, first = indent) {
    let prefix = first;
    for (const name of Object.keys(object)) {
      const value = object[name];
      checkDocumentMarker(name);
      const head = `${prefix}${key(name)}:`;
      prefix = indent;
      if (value === undefined) throw new Unsure();
      if (Array.isArray(value)) {
        if (value.length === 0) lines.push(`${head} []`);
        else {
          lines.push(head);
          writeSeq(value, `${indent}  `, lines, seen);
        }
      } else if (value !== null && typeof value === 'object') {
        enter(value, seen);
        if (Object.keys(value).length === 0) lines.push(`${head} {}`);
        else {
          lines.push(head);
          writeMap(value, `${indent}  `, lines, seen);
        }
      } else {
        if (typeof value === 'string') checkDocumentMarker(value);
        lines.push(`${head} ${scalar(value)}`);
      }
    }
  }

  function writeSeq(list, indent, lines, seen) {
    enter(list, seen);
    for (const item of list) {
      if (Array.isArray(item)) throw new Unsure();
      if (item !== null && typeof item === 'object') {
        enter(item, seen);
        if (Object.keys(item).length === 0) lines.push(`${indent}- {}`);
        else writeMap(item, `${indent}  `, lines, seen, `${indent}- `);
      } else {
        if (typeof item === 'string') checkDocumentMarker(item);
        if (item === undefined) throw new Unsure();
        lines.push(`${indent}- ${scalar(item)}`);
      }
    }
  }

  /** `yaml` writes an object met twice as an anchor and aliases; leave that to it. */
  function enter(value, seen) {
    if (!Array.isArray(value) && !isPlainObject(value)) throw new Unsure();
    if (seen.has(value)) throw new Unsure();
    seen.add(value);
  }

  function writeDocument(document) {
    if (document === undefined) return '\n';
    try {
      if (!isPlainObject(document) || Object.keys(document).length === 0) throw new Unsure();
      const lines = [];
      const seen = new Set([document]);
      writeMap(document, '', lines, seen);
      return `${lines.join('\n')}\n`;
    } catch (error) {
      if (!(error instanceof Unsure)) throw error;
      return YAML.stringify(document, CDK8S_OPTIONS);
    }
  }

  /** Same contract as cdk8s `Yaml.stringify(...docs)`: documents separated by `---`, undefined ones empty. */
  return function stringify(...documents) {
    return documents.map(writeDocument).join('---\n');
  };
}

module.exports = { createWriter, CDK8S_OPTIONS };
