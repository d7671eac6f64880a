/**
 * The validate-then-write synth of `cdk8s-fastapi-nextjs/validation` (synthValidated, runSynth): what a consumer's
 * main.ts calls. A refused app writes nothing and reports one block (path, problem, value, fix) without a stack
 * trace; a clean one writes and says what, where and how long; under cdk8s-cli a refusal leaves the output
 * directory absent, which cdk8s-cli reports in one line instead of its stack trace.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, JsonPatch } from 'cdk8s';
import { FastApiBackend } from '../../lib';
import { runSynth, synthValidated, SynthOptions } from '../../lib/validation';

let outdir: string;
beforeEach(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-api-'));
});
afterEach(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
  delete process.env.CDK8S_OUTDIR;
  process.exitCode = undefined;
});

function app(options: { image?: string; privileged?: boolean; replicas?: number } = {}): App {
  const result = new App({ outdir });
  const chart = new Chart(result, 'shop', { namespace: 'shop', disableResourceNameHashes: true });
  const api = new FastApiBackend(chart, 'api', { image: options.image ?? 'api:v1.0.0', replicas: options.replicas });
  if (options.privileged) api.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true));
  return result;
}

/** runSynth with its report captured. */
function captured(build: () => App, options: SynthOptions = {}) {
  const lines: string[] = [];
  const result = runSynth(build, { ...options, log: (text) => lines.push(`out: ${text}`), error: (text) => lines.push(`err: ${text}`) });
  return { result, report: lines.join('\n') };
}

const external = { validationOptions: () => ({ externalNamespaces: ['shop'] }) };

describe('synthValidated', () => {
  test('writes every chart when nothing is wrong, and names the files', () => {
    const result = synthValidated(app(), external);
    expect(result).toMatchObject({ written: true, files: ['shop.k8s.yaml'], outdir, violations: [] });
    expect(fs.readdirSync(outdir)).toEqual(['shop.k8s.yaml']);
  });

  test('writes nothing when an object breaks a rule, and returns the violations with the file they belong to', () => {
    const result = synthValidated(app({ privileged: true }), external);
    expect(result.written).toBe(false);
    expect(result.violations.map((violation) => `${violation.file} ${violation.rule}`)).toEqual(['shop.k8s.yaml pss-restricted/privileged']);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('applies each chart\'s validation options (here: the namespace exists outside the output)', () => {
    expect(synthValidated(app()).violations.map((violation) => violation.rule)).toContain('hygiene/namespace-exists');
  });

  test('a failed construct check stops it before validation, with the construct path', () => {
    const refused = app();
    refused.charts[0].node.addValidation({ validate: () => ['replicas must be 1 with SQLite; got 3. Set replicas to 1.'] });
    const result = synthValidated(refused, external);
    expect(result).toMatchObject({ written: false, refusal: '[shop] replicas must be 1 with SQLite; got 3. Set replicas to 1.' });
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});

describe('runSynth', () => {
  test('quiet on success: one line with what was written, where and how long', () => {
    const { result, report } = captured(() => app(), external);
    expect(result.written).toBe(true);
    expect(report).toMatch(new RegExp(`^out: Wrote ${outdir.replace(/[/.]/g, '\\$&')}/shop\\.k8s\\.yaml in \\d+\\.\\d\\d s$`));
    expect(process.exitCode).toBeUndefined();
  });

  test('an error the constructors throw is one block with the construct path, the value and the fix, no stack trace; exit code 2', () => {
    const { result, report } = captured(() => app({ replicas: 0 }), external);
    expect(result).toMatchObject({ written: false, files: [] });
    expect(report).toBe([
      'err: Synthesis refused; nothing was written:',
      '  FastApiBackend \'shop/api\': replicas must be an integer >= 1; got 0. Set replicas to a whole number of 1 or more.',
      '(SYNTH_VERBOSE=1 or --verbose for the stack trace)',
    ].join('\n'));
    expect(report).not.toMatch(/\n\s+at /);
    expect(process.exitCode).toBe(2);
  });

  test('verbose adds the stack trace', () => {
    const { report } = captured(() => app({ replicas: 0 }), { ...external, verbose: true });
    expect(report).toMatch(/\n\s+at /);
  });

  test('violations are reported with the rule, object, field and fix, and nothing is written', () => {
    const { report } = captured(() => app({ privileged: true }), external);
    expect(report).toContain('pss-restricted/privileged');
    expect(report).toContain('Validation failed (1 error, 0 warnings): nothing was written.');
    expect(fs.readdirSync(outdir)).toEqual([]);
    expect(process.exitCode).toBe(2);
  });

  test('under cdk8s-cli (CDK8S_OUTDIR) a refusal removes the empty output directory instead of exiting non-zero', () => {
    process.env.CDK8S_OUTDIR = outdir;
    captured(() => app({ replicas: 0 }));
    expect(fs.existsSync(outdir)).toBe(false);
    expect(process.exitCode).toBeUndefined();
  });

  test('under cdk8s-cli an output directory that holds files is never removed: the exit code says it instead', () => {
    process.env.CDK8S_OUTDIR = outdir;
    fs.writeFileSync(path.join(outdir, 'keep.txt'), 'not ours');
    captured(() => app({ replicas: 0 }));
    expect(fs.readdirSync(outdir)).toEqual(['keep.txt']);
    expect(process.exitCode).toBe(2);
  });
});

test('TODO_ENV=staging npx cdk8s synth: one readable block, no stack trace, a non-zero exit', () => {
  const root = path.resolve(__dirname, '..', '..');
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--output', outdir], {
    cwd: root, encoding: 'utf8', env: { ...process.env, TODO_ENV: 'staging', CDK8S_CHECK_UPGRADE: 'false' }, timeout: 120_000,
  });
  expect(run.status).not.toBe(0);
  const output = `${run.stdout}${run.stderr}`;
  expect(output).toContain('Synthesis refused; nothing was written:\n  TODO_ENV: unknown environment "staging". Use one of local, local-istio, minikube, production');
  expect(output).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(outdir)).toBe(false);
}, 180_000);
