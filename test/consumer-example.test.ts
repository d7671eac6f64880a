/**
 * SLOW (tens of seconds; run it alone with `npm run test:example`): the package as a consumer gets it.
 *
 * Packs the library with `npm pack` (which compiles it), then, in temporary directories:
 * - installs the tarball into a copy of examples/consumer-app, compiles it with its own tsconfig
 *   (declarations of the package included: skipLibCheck is off), synthesizes it and validates the output
 *   with the validation entry point of the installed package (`cdk8s-fastapi-nextjs/validation`);
 * - compiles and runs the code of docs/consumer-guide.md in a fresh directory, against the packages the
 *   example installed, and once more with an image it must reject (nothing written, exit code 1); the guide's
 *   install commands are checked to name the same packages;
 * - installs the tarball with the three peer dependencies only, as an app that uses only the constructs does,
 *   and checks that none of the validation's dependencies come with it.
 *
 * npm runs with --prefer-offline, so a warm npm cache makes the installs take seconds.
 */
import { execFile, execFileSync, spawnSync } from 'child_process';
import { promisify } from 'util';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { cleanEnv, packLibrary, PACKAGE_NAME, REPO } from './npm-project';

jest.setTimeout(240_000);

const EXAMPLE = path.join(REPO, 'examples', 'consumer-app');
const GUIDE = path.join(REPO, 'docs', 'consumer-guide.md');
const NPM_INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

interface Manifest {
  kind: string;
  apiVersion: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: any;
}

function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): string {
  try {
    return execFileSync(command, args, { cwd, env: cleanEnv(extraEnv), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}\n${failed.message}`);
  }
}

/** The same as {@link run}, without blocking: the example and the guide install side by side. */
async function runAsync(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, env: cleanEnv(extraEnv), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}\n${failed.message}`);
  }
}

function readManifests(file: string): Manifest[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map((document) => document.toJS()).filter((object) => object !== null);
}

/** The fenced blocks of one language in a Markdown text, in order. */
function fencedBlocks(markdown: string, language: string): string[] {
  const pattern = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm');
  return [...markdown.matchAll(pattern)].map((match) => match[1]);
}

/** Validates from inside the consumer's tree, so the installed package (and its bundled schemas) is what runs. */
function validateInstalled(appDir: string, manifestFile: string): { violations: { severity: string }[]; report: string } {
  const script = `const p = require(${JSON.stringify(`${PACKAGE_NAME}/validation`)});
    const violations = p.validateYamlFiles([${JSON.stringify(manifestFile)}]);
    process.stdout.write(JSON.stringify({ violations, report: p.formatReport(violations) }));`;
  return JSON.parse(run(process.execPath, ['-e', script], appDir));
}

let work: string;
let tarball: string;
let packedFiles: string[];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-example-'));
  // `npm pack` runs prepack (tsc -b && prune), then writes the tarball; --json lists what it holds.
  ({ tarball, files: packedFiles } = packLibrary(work));
});

let exampleReady: Promise<string>;
let guideReady: Promise<string>;
let constructsOnlyReady: Promise<string>;

beforeAll(() => {
  exampleReady = installExample();
  guideReady = followGuide();
  constructsOnlyReady = installConstructsOnly();
  // None may reject unobserved while another is awaited.
  for (const ready of [exampleReady, guideReady, constructsOnlyReady]) ready.catch(() => undefined);
});

afterAll(async () => {
  await Promise.allSettled([exampleReady, guideReady, constructsOnlyReady]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** examples/consumer-app, copied beside the tarball as in the repository, installed, compiled and synthesized. */
async function installExample(): Promise<string> {
  const appDir = path.join(work, 'examples', 'consumer-app');
  fs.mkdirSync(appDir, { recursive: true });
  for (const entry of fs.readdirSync(EXAMPLE)) {
    if (['node_modules', 'build', 'dist', 'package-lock.json'].includes(entry)) continue;
    fs.cpSync(path.join(EXAMPLE, entry), path.join(appDir, entry), { recursive: true });
  }
  await runAsync('npm', ['install', ...NPM_INSTALL_FLAGS], appDir);
  await runAsync(path.join(appDir, 'node_modules', '.bin', 'tsc'), ['-p', '.'], appDir);
  exampleOutput = await runAsync(process.execPath, ['build/main.js'], appDir, { OUTDIR: 'out' });
  return appDir;
}

/** The example's validation packages: what only `cdk8s-fastapi-nextjs/validation` needs. */
const VALIDATION_PACKAGES = ['@bufbuild/cel', '@bufbuild/protobuf', '@kubernetes-models/apimachinery', 'ajv', 'ajv-formats', 'kubernetes-models', 'yaml'];
const PEER_PACKAGES = ['cdk8s', 'cdk8s-plus-28', 'constructs'];

/** An app with the tarball and the three peer dependencies only, installed and synthesizing one workload. */
async function installConstructsOnly(): Promise<string> {
  const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
  const appDir = path.join(work, 'constructs-only');
  fs.mkdirSync(appDir);
  const dependencies = Object.fromEntries([...PEER_PACKAGES].map((name) => [name, example.dependencies[name]]));
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({
    name: 'constructs-only', version: '1.0.0', private: true, dependencies: { ...dependencies, [PACKAGE_NAME]: `file:${tarball}` },
  }));
  await runAsync('npm', ['install', ...NPM_INSTALL_FLAGS], appDir);
  return appDir;
}

/**
 * The guide's tsconfig.json and main.ts in a fresh directory, compiled and run against the packages the example
 * installed: the guide installs the same set (checked below), and a second install would double the test's time.
 */
async function followGuide(): Promise<string> {
  const guide = fs.readFileSync(GUIDE, 'utf8');
  const [tsconfig] = fencedBlocks(guide, 'json');
  const [mainTs] = fencedBlocks(guide, 'ts');
  const exampleDir = await exampleReady;
  const appDir = path.join(work, 'my-app');
  fs.mkdirSync(appDir);
  fs.symlinkSync(path.join(exampleDir, 'node_modules'), path.join(appDir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(appDir, 'tsconfig.json'), tsconfig);
  fs.writeFileSync(path.join(appDir, 'main.ts'), mainTs);
  await runAsync(path.join(appDir, 'node_modules', '.bin', 'tsc'), [], appDir);
  guideOutput = await runAsync(process.execPath, ['build/main.js'], appDir);
  return appDir;
}

/** What the example's and the guide's app printed on stdout when they synthesized. */
let exampleOutput: string;
let guideOutput: string;

describe('the packed tarball', () => {
  test('holds the compiled library, the generated CRD classes and the validation schemas, and nothing else', () => {
    expect(packedFiles).toEqual(expect.arrayContaining([
      'package.json', 'CHANGELOG.md', 'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/topology.js',
      'build/imports/gateway.networking.k8s.io.js', 'build/imports/networking.istio.io.d.ts',
      'build/lib/validation/index.js', 'build/lib/validation/crd-schemas/gateway.networking.k8s.io.json',
      'build/lib/validation/k8s-fields/k8s-1.36-fields.json',
      // The exact validator: built at prepack (Go), shipped compressed with Go's loader, never committed.
      'build/lib/validation/exact/kube-validator.wasm.br', 'build/lib/validation/exact/wasm_exec.js', 'build/lib/validation/exact/kube-validator.json',
    ]));
    const unexpected = packedFiles.filter((file) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|build\/(lib|imports)\/.+\.(js|d\.ts|json)|build\/lib\/validation\/exact\/kube-validator\.wasm\.br)$/.test(file));
    expect(unexpected).toEqual([]);
    expect(packedFiles.filter((file) => /main\.|\.test\.|tsbuildinfo|^test\/|^lib\//.test(file))).toEqual([]);
  });
});

describe('examples/consumer-app, installed from the tarball', () => {
  let appDir: string;
  let manifests: Manifest[];

  beforeAll(async () => {
    appDir = await exampleReady;
    manifests = readManifests(path.join(appDir, 'out', 'staging.k8s.yaml'));
  });

  test('its package.json installs the tarball that `npm pack` writes', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
    expect(manifest.dependencies[PACKAGE_NAME]).toBe(`file:../../${path.basename(tarball)}`);
    // After a version bump, update the file name in examples/consumer-app/package.json.
  });

  test('shares one copy of constructs and cdk8s with the package (peer dependencies)', () => {
    const installed = path.join(appDir, 'node_modules', PACKAGE_NAME);
    expect(fs.existsSync(path.join(installed, 'node_modules', 'constructs'))).toBe(false);
    expect(fs.existsSync(path.join(installed, 'node_modules', 'cdk8s'))).toBe(false);
    const version = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).version;
    expect(version).toBe(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version);
  });

  test('synthesizes two backends and a static frontend behind one HTTPRoute, in its own namespace', () => {
    const names = (kind: string) => manifests.filter((object) => object.kind === kind).map((object) => object.metadata.name).sort();
    expect(names('Namespace')).toEqual(['shop-staging']);
    expect(names('Deployment')).toEqual(['api', 'site', 'worker-api']);
    expect(names('Service')).toEqual(['api', 'site', 'worker-api']);
    expect(names('HorizontalPodAutoscaler')).toEqual(['worker-api']);
    expect(names('PodDisruptionBudget')).toEqual(['api']);
    expect(names('HTTPRoute')).toEqual(['shop']);
    expect(names('NetworkPolicy')).toContain('default-deny');
    expect(names('Ingress')).toEqual([]);
    for (const object of manifests.filter((candidate) => candidate.kind !== 'Namespace')) {
      expect(object.metadata.namespace).toBe('shop-staging');
    }

    const route = manifests.find((object) => object.kind === 'HTTPRoute')!;
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateway-system' }]);
    expect(route.spec.rules.map((rule: any) => [rule.matches[0].path.value, rule.backendRefs[0].name, rule.backendRefs[0].port])).toEqual([
      ['/jobs', 'worker-api', 8000], ['/api', 'api', 8000], ['/', 'site', 80],
    ]);

    const site = manifests.find((object) => object.kind === 'Deployment' && object.metadata.name === 'site')!;
    expect(site.spec.template.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(site.metadata.labels?.['app.kubernetes.io/version']).toBe('v2.3.1');
  });

  test('uses the options real apps need (issue 11)', () => {
    const find = (kind: string, name: string) => manifests.find((object) => object.kind === kind && object.metadata.name === name)!;
    const api = find('Deployment', 'api').spec.template.spec;
    expect(api).toMatchObject({ serviceAccountName: 'shop-api', imagePullSecrets: [{ name: 'ghcr-pull' }], terminationGracePeriodSeconds: 40 });
    expect(find('ServiceAccount', 'shop-api').automountServiceAccountToken).toBe(false);
    expect(api.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(api.containers[0].resources.limits['ephemeral-storage']).toBe('1Gi');
    expect(api.topologySpreadConstraints[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(find('PodDisruptionBudget', 'api').spec).toMatchObject({ minAvailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(find('HorizontalPodAutoscaler', 'worker-api').spec.metrics.map((metric: any) => metric.resource.name)).toEqual(['cpu', 'memory']);
    expect(find('NetworkPolicy', 'api-from-monitoring').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9000 }]);
    expect(find('NetworkPolicy', 'worker-api-to-observability-otel-collector').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 4317 }]);
  });

  test('says what it wrote, and nothing else', () => {
    expect(exampleOutput).toBe('wrote out/staging.k8s.yaml\n');
  });

  test('passes the validation of the installed package', () => {
    const { violations, report } = validateInstalled(appDir, 'out/staging.k8s.yaml');
    expect(violations.filter((violation) => violation.severity === 'error')).toEqual([]);
    expect(report).toBe('No violations.');
  });
});

describe('an app that installs only the constructs', () => {
  let appDir: string;

  beforeAll(async () => {
    appDir = await constructsOnlyReady;
  });

  test('gets none of the validation dependencies (npm ls --omit=dev)', () => {
    const tree = run('npm', ['ls', '--omit=dev', '--all', '--parseable'], appDir);
    const installed = tree.split('\n').map((line) => path.relative(appDir, line)).filter((line) => line !== '');
    expect(installed).toEqual(expect.arrayContaining([`node_modules/${PACKAGE_NAME}`, 'node_modules/cdk8s-plus-28']));
    expect(installed.filter((line) => /(^|\/)(ajv[^/]*|kubernetes-models|@kubernetes-models)(\/|$)/.test(line))).toEqual([]);
  });

  test('synthesizes a workload with them', () => {
    const script = `const { App, Chart } = require('cdk8s');
      const { FastApiBackend } = require(${JSON.stringify(PACKAGE_NAME)});
      const chart = new Chart(new App(), 'app', { namespace: 'app' });
      new FastApiBackend(chart, 'api', { image: 'api:v1' });
      process.stdout.write(JSON.stringify(chart.toJson().map((object) => object.kind)));`;
    expect(JSON.parse(run(process.execPath, ['-e', script], appDir))).toEqual(['ConfigMap', 'Deployment', 'Service']);
  });
});

describe('docs/consumer-guide.md: its code compiled and run in a fresh directory', () => {
  let appDir: string;

  beforeAll(async () => {
    appDir = await guideReady;
  });

  test('installs the same packages as the example, with the tarball npm pack writes', () => {
    const commands = fencedBlocks(fs.readFileSync(GUIDE, 'utf8'), 'sh').join('\n');
    expect(commands).toContain(`npm install /path/to/${path.basename(tarball)} cdk8s cdk8s-plus-28 constructs\n`);
    expect(commands).toContain(`npm install ${VALIDATION_PACKAGES.join(' ')}\n`);
    expect(commands).toContain('npm install --save-dev typescript@5.9 @types/node@20');
    const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
    expect(Object.keys(example.dependencies).sort()).toEqual([...PEER_PACKAGES, PACKAGE_NAME, ...VALIDATION_PACKAGES].sort());
    expect(Object.keys(example.devDependencies).sort()).toEqual(['@types/node', 'typescript']);
    expect(example.devDependencies.typescript).toMatch(/^5\.9\./);
  });

  test('the validation packages the example lists are the optional peer dependencies of the package, at the same ranges', () => {
    const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    const optionalPeers = Object.keys(manifest.peerDependenciesMeta).filter((name) => manifest.peerDependenciesMeta[name].optional);
    expect(optionalPeers.sort()).toEqual(VALIDATION_PACKAGES);
    for (const name of VALIDATION_PACKAGES) expect(example.dependencies[name]).toBe(manifest.peerDependencies[name]);
  });

  test('compiles, synthesizes dist/my-app.k8s.yaml and reports no violations', () => {
    const manifests = readManifests(path.join(appDir, 'dist', 'my-app.k8s.yaml'));
    expect(manifests.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      'ConfigMap/api-config', 'ConfigMap/web-config', 'Deployment/api', 'Deployment/web', 'Ingress/routes', 'Namespace/my-app',
      'Service/api', 'Service/web',
    ]);
    expect(validateInstalled(appDir, 'dist/my-app.k8s.yaml').report).toBe('No violations.');
    expect(guideOutput).toBe('wrote dist/my-app.k8s.yaml\n');
  });

  test('validates before writing: a rejected object leaves dist/ as it was, with the report and exit code 1', () => {
    const rejected = path.join(work, 'my-app-rejected');
    fs.mkdirSync(rejected);
    for (const entry of ['node_modules', 'tsconfig.json']) fs.symlinkSync(path.join(appDir, entry), path.join(rejected, entry));
    const [mainTs] = fencedBlocks(fs.readFileSync(GUIDE, 'utf8'), 'ts');
    expect(mainTs).toContain("image: 'ghcr.io/acme/my-api:v1.0.0'");
    fs.writeFileSync(path.join(rejected, 'main.ts'), mainTs.replace("image: 'ghcr.io/acme/my-api:v1.0.0'", "image: 'ghcr.io/acme/my-api:latest'"));
    run(path.join(rejected, 'node_modules', '.bin', 'tsc'), [], rejected);
    const result = spawnSync(process.execPath, ['build/main.js'], { cwd: rejected, env: cleanEnv(), encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ERROR hygiene/image-tag  Deployment my-app/api');
    expect(result.stderr).toContain('Validation failed: nothing was written to dist/.');
    expect(result.stdout).toBe('');
    expect(fs.existsSync(path.join(rejected, 'dist'))).toBe(false);
  });
});
