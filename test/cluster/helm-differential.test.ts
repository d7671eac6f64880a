/**
 * The todo chart is the constructs for every value the schema accepts: seeded random value sets drawn from the
 * values schema (app/values-schema.ts), and a covering set in which every combination of three switches occurs,
 * each built by TodoChart and rendered by the real `helm template`. Both must give identical objects (the
 * Namespace aside, which the chart never holds) or both must refuse.
 *
 * HELM_DIFF_COUNT and HELM_DIFF_SEED change the number of random sets (default 1000) and the seed.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { TodoChart, TodoRelease, TodoValues, defaultValues, setPath, valueLeaves } from '../../app';
import { k8sTools } from '../k8s-tools';
import { coveringRows, Random, randomValues, releases, switches } from './helm-value-sets';

const CHART = path.resolve(__dirname, '..', '..', 'helm', 'todo');
const COUNT = Number(process.env.HELM_DIFF_COUNT ?? 1000);
const SEED = Number(process.env.HELM_DIFF_SEED ?? 18);
const helm = k8sTools().helm;
const run = promisify(execFile);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-differential-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

type Outcome = { objects: any[] } | { refusal: string };

function constructs(values: TodoValues, release: TodoRelease): Outcome {
  try {
    const app = new App();
    const chart = new TodoChart(app, 'differential', { values, release });
    const errors = app.node.findAll().flatMap((construct) => construct.node.validate().map((message) => `[${construct.node.path}] ${message}`));
    if (errors.length > 0) return { refusal: errors.join('\n') };
    return { objects: Testing.synth(chart).filter((object: any) => object.kind !== 'Namespace') };
  } catch (error) {
    return { refusal: (error as Error).message };
  }
}

async function rendered(values: TodoValues, release: TodoRelease, index: number): Promise<Outcome> {
  const file = path.join(scratch, `values-${index}.json`);
  fs.writeFileSync(file, JSON.stringify(values));
  try {
    const { stdout } = await run(helm, ['template', release.name, CHART, '-n', release.namespace, '-f', file, '--skip-tests'], { maxBuffer: 64 * 1024 * 1024 });
    return { objects: YAML.parseAllDocuments(stdout).map((document) => document.toJS()).filter((object) => object !== null) };
  } catch (error) {
    return { refusal: String((error as { stderr?: string }).stderr ?? error) };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const identity = (object: any) => `${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;

/** Where two renderings differ, at most a few paths. */
function differences(expected: any[], actual: any[]): string[] {
  const byId = (objects: any[]) => new Map(objects.map((object) => [identity(object), object]));
  const [left, right] = [byId(expected), byId(actual)];
  const found = [...left.keys()].filter((id) => !right.has(id)).map((id) => `only the constructs write ${id}`);
  found.push(...[...right.keys()].filter((id) => !left.has(id)).map((id) => `only helm writes ${id}`));
  const walk = (a: unknown, b: unknown, where: string): void => {
    if (JSON.stringify(a) === JSON.stringify(b) || found.length > 5) return;
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk((a as any)[key], (b as any)[key], `${where}.${key}`);
    } else {
      found.push(`${where}: constructs ${JSON.stringify(a)}, helm ${JSON.stringify(b)}`);
    }
  };
  for (const [id, object] of left) if (right.has(id)) walk(object, right.get(id), id);
  return found;
}

interface Tally { sets: number; equal: number; bothRefused: number; divergences: string[] }

async function compare(sets: Array<{ values: TodoValues; release: TodoRelease }>, label: string): Promise<Tally> {
  const tally: Tally = { sets: sets.length, equal: 0, bothRefused: 0, divergences: [] };
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < sets.length; index = next++) {
      const { values, release } = sets[index];
      const [expected, actual] = [constructs(values, release), await rendered(values, release, index)];
      if ('refusal' in expected && 'refusal' in actual) {
        tally.bothRefused++;
      } else if ('objects' in expected && 'objects' in actual) {
        const found = differences(expected.objects, actual.objects);
        if (found.length === 0) tally.equal++;
        else tally.divergences.push(`${label} #${index} ${JSON.stringify({ release, values: changed(values) })}\n    ${found.join('\n    ')}`);
      } else {
        const refused = 'refusal' in expected ? `the constructs refuse: ${expected.refusal}` : `helm refuses: ${(actual as { refusal: string }).refusal.trim()}`;
        tally.divergences.push(`${label} #${index} ${JSON.stringify({ release, values: changed(values) })}\n    only ${refused}`);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return tally;
}

/** The values that differ from the defaults, to read a divergence. */
function changed(values: TodoValues): Record<string, unknown> {
  const defaults = defaultValues() as Record<string, any>;
  const result: Record<string, unknown> = {};
  for (const leaf of valueLeaves()) {
    const [value, original] = [leaf.path.split('.').reduce<any>((node, key) => node?.[key], values), leaf.path.split('.').reduce<any>((node, key) => node?.[key], defaults)];
    if (JSON.stringify(value) !== JSON.stringify(original)) setPath(result, leaf.path, value);
  }
  return result;
}

function report(tally: Tally, label: string): void {
  console.log(`${label}: ${tally.sets} value sets, ${tally.equal} rendered identically, ${tally.bothRefused} refused by both, ${tally.divergences.length} divergences`);
  if (tally.divergences.length > 0) {
    const file = path.join(os.tmpdir(), `helm-differential-${label.replace(/\W+/g, '-')}.txt`);
    fs.writeFileSync(file, tally.divergences.join('\n\n'));
    console.log(`every divergence, with its values: ${file}`);
  }
  expect(tally.divergences.slice(0, 3).map((divergence) => divergence.replace(/ \{"release".*\}\n/, '\n'))).toEqual([]);
  // Both paths must be exercised: most sets render, and refusals are compared too.
  expect(tally.equal).toBeGreaterThan(tally.sets / 3);
  expect(tally.bothRefused).toBeGreaterThan(0);
}

test(`${COUNT} random value sets (seed ${SEED}): identical objects or the same refusal`, async () => {
  const random = new Random(SEED);
  const sets = Array.from({ length: COUNT }, () => ({ values: randomValues(random), release: random.pick(releases) }));
  report(await compare(sets, 'random'), `random (seed ${SEED})`);
}, 3_600_000);

test('every combination of three switches: identical objects or the same refusal', async () => {
  const random = new Random(SEED + 1);
  const rows = coveringRows(switches(), random);
  const sets = rows.map((row) => ({ values: row, release: random.pick(releases) }));
  report(await compare(sets, 'covering'), `3-way covering (${switches().length} switches, ${rows.length} rows)`);
}, 3_600_000);
