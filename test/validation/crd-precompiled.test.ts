import { execFileSync } from 'child_process';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CRD_AJV_OPTIONS, CRD_BUNDLES, bundleFingerprint, precompiledFileName, strictCrdSchema } from '../../lib/validation/crd-bundles';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
const root = path.resolve(__dirname, '..', '..');
const tool = require(path.join(root, 'tools', 'compile-crd-validators.js'));
// Where `npm run build` writes them (inside the repository, so the generated code resolves ajv's runtime).
const outDir = path.join(root, 'build', 'lib', 'validation', 'crd-validators');

/** Objects of every kind of every bundle: a minimal one, and broken variants that hit each kind of error. */
function samples(group: string, kind: string, version: string): unknown[] {
  const base = { apiVersion: `${group}/${version}`, kind, metadata: { name: 'x', namespace: 'app' }, spec: {} as Record<string, unknown> };
  return [
    base,
    { ...base, spec: { unknownField: 1 } },
    { ...base, spec: 'not an object' },
    { ...base, extra: true },
    { ...base, spec: { hosts: [1], http: [{ route: [{ destination: { port: { number: 'eighty' } } }] }] } },
    { ...base, spec: { parentRefs: [{ name: 'web', port: 70000 }], rules: [{ matches: [{ path: { type: 'Prefix', value: '/' } }] }] } },
    { ...base, spec: { controllerName: 'Not A Domain', listeners: [{ name: 'http', port: 0, protocol: 'HTTP' }] } },
  ];
}

const comparable = (errors: any[] | null | undefined) => (errors ?? []).map((error) => ({
  instancePath: error.instancePath, schemaPath: error.schemaPath, keyword: error.keyword, params: error.params, message: error.message,
  parentSchema: error.parentSchema, schema: error.schema,
}));

describe('precompiled CRD validators (tools/compile-crd-validators.js)', () => {
  // As `npm run build` does; a no-op when they are up to date (generating them takes about 0.7 s).
  const results: Array<{ group: string; file: string; written: boolean }> = tool.compileCrdValidators();

  test('one module per bundle, recording the fingerprint of the bundle it came from', () => {
    expect(results.map((result) => path.basename(result.file))).toEqual(CRD_BUNDLES.map(precompiledFileName));
    for (const bundle of CRD_BUNDLES) {
      const module = require(path.join(outDir, precompiledFileName(bundle)));
      expect(module.fingerprint).toBe(bundleFingerprint(bundle));
      expect(Object.keys(module).filter((key) => key !== 'fingerprint').sort()).toEqual(bundle.kinds.map((entry) => entry.kind).sort());
    }
  });

  test('an up-to-date module is not regenerated; a changed schema changes the fingerprint', () => {
    expect(tool.compileCrdValidators({ outDir }).map((result: { written: boolean }) => result.written)).toEqual(CRD_BUNDLES.map(() => false));
    const [bundle] = CRD_BUNDLES;
    const changed = { ...bundle, kinds: bundle.kinds.map((entry, index) => (index === 0 ? { ...entry, schema: { ...entry.schema, required: ['spec'] } } : entry)) };
    expect(bundleFingerprint(changed)).not.toBe(bundleFingerprint(bundle));
  });

  test('report exactly the errors of the same schemas compiled at run time, for every kind', () => {
    const ajv = new Ajv(CRD_AJV_OPTIONS);
    addFormats(ajv);
    const kindsWithErrors = new Set<string>();
    for (const bundle of CRD_BUNDLES) {
      const module = require(path.join(outDir, precompiledFileName(bundle)));
      for (const entry of bundle.kinds) {
        const runtime = ajv.compile(strictCrdSchema(entry));
        const precompiled = module[entry.kind];
        for (const sample of samples(bundle.group, entry.kind, entry.versions[0])) {
          expect({ kind: entry.kind, valid: precompiled(sample), errors: comparable(precompiled.errors) })
            .toEqual({ kind: entry.kind, valid: runtime(sample), errors: comparable(runtime.errors) });
          if ((runtime.errors ?? []).length > 0) kindsWithErrors.add(`${bundle.group} ${entry.kind}`);
        }
      }
    }
    // Every kind was compared on failing input too, not only on objects both accept.
    expect(kindsWithErrors.size).toBe(CRD_BUNDLES.reduce((count, bundle) => count + bundle.kinds.length, 0));
  });

  test('the compiled library uses them: validating custom resources loads no ajv compiler', () => {
    const validation = path.join(root, 'build', 'lib', 'validation');
    const script = `
      const { validateManifests } = require(${JSON.stringify(path.join(validation, 'index.js'))});
      const { usesPrecompiledValidators } = require(${JSON.stringify(path.join(validation, 'crd-schema.js'))});
      const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'app' },
        spec: { rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'api' } }] }] } };
      const service = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'v', namespace: 'app' }, spec: { hosts: [1] } };
      const rules = validateManifests([route, service], { externalNamespaces: ['app'] }).map((v) => v.rule);
      const ajvCompilerLoaded = Object.keys(require.cache).some((file) => file.includes('/ajv/dist/core.js'));
      process.stdout.write(JSON.stringify({ rules, ajvCompilerLoaded, precompiled: ['gateway.networking.k8s.io', 'networking.istio.io'].map(usesPrecompiledValidators) }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(result.precompiled).toEqual([true, true]);
    expect(result.ajvCompilerLoaded).toBe(false);
    expect(result.rules).toEqual(expect.arrayContaining(['schema/cel-rule', 'schema/invalid']));
  });
});
