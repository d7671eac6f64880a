/**
 * The package as `npm pack` writes it and a consumer installs it (docs/consumer-guide.md): the published
 * package.json carries no development scripts, and installing the tarball prints no warning. Runs in `npm test`
 * (a few seconds with a warm npm cache); the consumer example (`npm run test:example`) goes further and compiles
 * and synthesizes apps against the installed package.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cleanEnv, packLibrary, Packed, PACKAGE_NAME, readTarEntry, REPO, runNpm } from './npm-project';
import { noiseLines } from './quiet-output';

jest.setTimeout(120_000);

const MANIFEST = path.join(REPO, 'package.json');
const manifestBefore = fs.readFileSync(MANIFEST);
const repoManifest = JSON.parse(manifestBefore.toString('utf8'));
const { packedManifest, strip, restore } = require('../tools/packed-manifest.js');

let work: string;
let packed: Packed;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
  packed = packLibrary(work);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('publishes the repository package.json without its scripts, every other field as it is', () => {
    const published = JSON.parse(readTarEntry(packed.tarball, 'package/package.json'));
    expect(published.scripts).toBeUndefined();
    const { scripts, ...rest } = repoManifest;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['build', 'test', 'prepare', 'prepack', 'postpack']));
    expect(published).toEqual(rest);
    expect(Object.keys(published)).toEqual(Object.keys(rest));
  });

  test('leaves the repository package.json byte for byte as it was, and nothing aside', () => {
    expect(fs.readFileSync(MANIFEST).equals(manifestBefore)).toBe(true);
    expect(fs.existsSync(path.join(REPO, 'build', 'package.json.before-pack'))).toBe(false);
  });

  test('prints no warning, and no build step reports stale files it then writes again', () => {
    expect(noiseLines(packed.stderr)).toEqual([]);
    expect(packed.stderr).not.toContain('prune-build: removed');
  });
});

describe('tools/packed-manifest.js', () => {
  test('drops scripts only, keeping the order of the other fields', () => {
    const text = JSON.stringify({ name: 'x', scripts: { prepare: 'npm run build' }, version: '1.0.0', files: ['build'] }, null, 2);
    expect(packedManifest(text)).toBe(`${JSON.stringify({ name: 'x', version: '1.0.0', files: ['build'] }, null, 2)}\n`);
  });

  test('strip, then restore, gives back the original bytes; a pack interrupted before restore loses nothing', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'packed-manifest-'));
    try {
      const original = '{\n  "name": "x",\n  "scripts": { "prepare": "npm run build" },\n  "version": "1.0.0"\n}\n';
      const manifest = path.join(root, 'package.json');
      fs.writeFileSync(manifest, original);
      strip(root);
      expect(JSON.parse(fs.readFileSync(manifest, 'utf8'))).toEqual({ name: 'x', version: '1.0.0' });
      strip(root); // the next pack, after one that never reached postpack
      expect(restore(root)).toBe(true);
      expect(fs.readFileSync(manifest, 'utf8')).toBe(original);
      expect(restore(root)).toBe(false);
      expect(fs.readFileSync(manifest, 'utf8')).toBe(original);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('says how to use it when the command is unknown', () => {
    const result = spawnSync(process.execPath, [path.join(REPO, 'tools', 'packed-manifest.js'), 'unknown'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Usage: node tools/packed-manifest.js strip|restore');
  });
});

describe('tools/prune-build.js', () => {
  const { staleOutputs } = require('../tools/prune-build.js');

  test('prunes compiled files whose source is gone, never the exact validator tools/kube-validator.js installs', () => {
    // The exact validator's files have no lib/ file of their name: pruning them made every second pack report
    // "prune-build: removed" and install them again.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prune-build-'));
    try {
      const write = (relative: string) => {
        fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
        fs.writeFileSync(path.join(root, relative), '');
      };
      for (const file of ['lib/kept.ts', 'lib/validation/exact/go/main.go', 'build/lib/kept.js', 'build/lib/gone.js', 'build/lib/gone.d.ts']) write(file);
      for (const file of ['kube-validator.wasm.br', 'wasm_exec.js', 'kube-validator.json']) write(`build/lib/validation/exact/${file}`);
      expect(staleOutputs(root).sort()).toEqual(['build/lib/gone.d.ts', 'build/lib/gone.js']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the tarball, installed as docs/consumer-guide.md installs it', () => {
  let app: string;
  let install: { stdout: string; stderr: string };

  beforeAll(() => {
    app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    const peers = ['cdk8s', 'cdk8s-plus-28', 'constructs'].map((name) => `${name}@${repoManifest.peerDependencies[name]}`);
    install = runNpm(['install', '--prefer-offline', '--no-audit', '--no-fund', packed.tarball, ...peers], app);
  });

  test('prints no warning (no install script to review, no peer conflict)', () => {
    expect(noiseLines(`${install.stdout}\n${install.stderr}`)).toEqual([]);
    expect(install.stdout).toMatch(/added \d+ packages? in/);
  });

  test('resolves every entry point of package.json "exports"', () => {
    const entries = Object.keys(repoManifest.exports).map((subpath) => path.posix.join(PACKAGE_NAME, subpath));
    const script = `for (const entry of ${JSON.stringify(entries)}) require.resolve(entry); process.stdout.write('ok')`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: app, env: cleanEnv(), encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('ok');
  });
});
