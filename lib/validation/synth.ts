import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { formatReport, summarize } from './report';
import { ValidationOptions, Violation } from './types';
import { hasErrors, validateManifests } from './validate';

/** Options of {@link synthValidated} and {@link runSynth}. */
export interface SynthOptions {
  /**
   * How the objects of each chart are validated (e.g. `allowLatestImages` for a laptop chart, the namespaces
   * that exist outside the output).
   * @default - the default options for every chart
   */
  readonly validationOptions?: (chart: Chart) => ValidationOptions;
  /**
   * Print stack traces and a line per chart. {@link runSynth} only.
   * @default - true when the command line has `--verbose` or the environment sets `SYNTH_VERBOSE=1`
   */
  readonly verbose?: boolean;
  /**
   * Where {@link runSynth} prints what was written.
   * @default - standard error (cdk8s-cli keeps the app's standard output to itself)
   */
  readonly log?: (text: string) => void;
  /**
   * Where {@link runSynth} prints refusals, violations and warnings.
   * @default - standard error
   */
  readonly error?: (text: string) => void;
}

/** The outcome of {@link synthValidated} and {@link runSynth}. */
export interface SynthResult {
  /** Whether the manifests were written (only when the app was built, every construct check passed and no violation is an error). */
  readonly written: boolean;
  /** The files written, relative to `outdir`, in chart order; empty when nothing was written. */
  readonly files: string[];
  /** Where the files go: the app's `outdir`. */
  readonly outdir: string;
  /** Every violation of every chart, warnings included; `file` names the manifest the chart writes. */
  readonly violations: Violation[];
  /**
   * What stopped the synth before validation: the message of the error building the app threw, or the
   * failed construct checks (`[construct path] message`, one a line).
   * @default - nothing stopped it
   */
  readonly refusal?: string;
  /** The error behind `refusal`, for its stack trace. @default - none */
  readonly cause?: unknown;
  /** Milliseconds from the start of the synth (and of building the app, with {@link runSynth}) to its end. */
  readonly elapsedMs: number;
}

/**
 * Validates an app in memory and writes its manifests only when nothing is wrong: every construct's own checks
 * (`node.addValidation`) first, then each chart's objects (schema, Pod Security "restricted", hygiene). A refused
 * app writes nothing, so no rejected manifest ever reaches the output directory (which `cdk8s synth` empties before
 * it runs the app). Prints nothing and leaves the exit code alone: {@link runSynth} does both.
 */
export function synthValidated(app: App, options: SynthOptions = {}, started = Date.now()): SynthResult {
  const outdir = app.outdir;
  const elapsed = () => Date.now() - started;
  const constructErrors = app.node.findAll().flatMap((construct) => construct.node.validate().map((message) => `[${construct.node.path}] ${message}`));
  if (constructErrors.length > 0) {
    return { written: false, files: [], outdir, violations: [], refusal: constructErrors.join('\n'), elapsedMs: elapsed() };
  }
  const violations = app.charts.flatMap((chart) => validateManifests(chart.toJson(), options.validationOptions?.(chart) ?? {})
    .map((violation) => ({ ...violation, file: manifestFileName(chart) })));
  if (hasErrors(violations)) return { written: false, files: [], outdir, violations, elapsedMs: elapsed() };
  app.synth();
  return { written: true, files: app.charts.map(manifestFileName), outdir, violations, elapsedMs: elapsed() };
}

/**
 * The whole synth of a cdk8s app's entry point in one call: builds the app, validates it in memory
 * ({@link synthValidated}), writes the manifests only when nothing is wrong, and reports.
 *
 * Quiet by default: one line saying what was written, where, and how long it took, plus any warnings. A refusal
 * (an error the app's constructors threw, a failed construct check, or an object that breaks a rule) is one block
 * naming the construct path or object, the problem, the value and the fix, without stack traces (`--verbose` or
 * `SYNTH_VERBOSE=1` adds them), and nothing is written. The exit code is then 2; under `cdk8s synth` the refusal is
 * signalled by leaving its (empty) output directory absent, which cdk8s-cli reports in one line and with exit code 1
 * instead of its own stack trace.
 *
 * @example
 * // main.ts
 * runSynth(() => { const app = new App(); new MyChart(app, 'prod'); return app; });
 */
export function runSynth(build: () => App, options: SynthOptions = {}): SynthResult {
  const started = Date.now();
  const verbose = options.verbose ?? (process.argv.includes('--verbose') || process.env.SYNTH_VERBOSE === '1');
  const log = options.log ?? ((text: string) => process.stderr.write(`${text}\n`));
  const error = options.error ?? ((text: string) => process.stderr.write(`${text}\n`));
  let result: SynthResult;
  try {
    result = synthValidated(build(), options, started);
  } catch (thrown) {
    const outdir = process.env.CDK8S_OUTDIR || 'dist';
    result = { written: false, files: [], outdir, violations: [], refusal: thrown instanceof Error ? thrown.message : String(thrown), cause: thrown, elapsedMs: Date.now() - started };
  }
  report(result, verbose, log, error);
  if (!result.written) refuse(result.outdir);
  return result;
}

function report(result: SynthResult, verbose: boolean, log: (text: string) => void, error: (text: string) => void): void {
  if (result.violations.length > 0) error(formatReport(result.violations));
  if (result.refusal !== undefined) {
    const cause = verbose && result.cause instanceof Error && result.cause.stack ? `\n${indent(result.cause.stack)}` : '';
    error(`Synthesis refused; nothing was written:\n${indent(result.refusal)}${cause}${verbose ? '' : '\n(SYNTH_VERBOSE=1 or --verbose for the stack trace)'}`);
  } else if (!result.written) {
    error(`Validation failed (${summarize(result.violations)}): nothing was written. Fix the objects above and synthesize again.`);
  } else {
    const relative = path.relative(process.cwd(), result.outdir);
    const where = relative.startsWith('..') || path.isAbsolute(relative) ? result.outdir : relative || '.';
    const files = result.files.length === 1 ? path.join(where, result.files[0]) : `${result.files.length} manifests to ${where}/ (${result.files.join(', ')})`;
    log(`Wrote ${files} in ${(result.elapsedMs / 1000).toFixed(2)} s`);
  }
}

/**
 * Sets the exit code of a refused synth. cdk8s-cli prints its own stack trace for an app that exits non-zero,
 * but reports an app that created no output directory in one line (and exits 1): so under cdk8s-cli, which sets
 * CDK8S_OUTDIR and empties that directory first, an empty output directory is removed instead.
 */
function refuse(outdir: string): void {
  const underCdk8sCli = process.env.CDK8S_OUTDIR !== undefined && path.resolve(process.env.CDK8S_OUTDIR) === path.resolve(outdir);
  if (underCdk8sCli && isEmptyDirectoryOrAbsent(outdir)) {
    fs.rmSync(outdir, { recursive: true, force: true });
    return;
  }
  process.exitCode = 2;
}

function isEmptyDirectoryOrAbsent(directory: string): boolean {
  return !fs.existsSync(directory) || (fs.statSync(directory).isDirectory() && fs.readdirSync(directory).length === 0);
}

function manifestFileName(chart: Chart): string {
  return `${chart.node.id}.k8s.yaml`;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
