import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';

/* The generated app `npm run bench` times (the timings themselves are the bench's business, not a test's). */
const root = path.resolve(__dirname, '..');
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pairs-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('tools/bench-pairs-app.js', () => {
  const result = JSON.parse(execFileSync(process.execPath, [path.join(root, 'tools', 'bench-pairs-app.js'), '2', outdir, '--writers'], { encoding: 'utf8' }));

  test('synthesizes N pairs the way the app does: validated in memory, without errors, then written by cdk8s', () => {
    expect(result).toMatchObject({ pairs: 2, errors: 0 });
    expect(Object.keys(result.seconds)).toEqual(['load', 'construct', 'resolve', 'validate', 'write', 'total']);
    const written = fs.readFileSync(path.join(outdir, 'bench.k8s.yaml'), 'utf8');
    const documents = Yaml.load(path.join(outdir, 'bench.k8s.yaml'));
    expect(documents).toHaveLength(result.objects);
    expect(documents.filter((document: { kind: string }) => document.kind === 'Deployment')).toHaveLength(4);
    expect(written.startsWith('apiVersion: v1\nkind: Namespace\n')).toBe(true);
  });

  test('compares the writers on the same objects and says which ones write cdk8s\'s bytes', () => {
    const sameBytes = Object.fromEntries(Object.entries(result.writers as Record<string, { sameAsCdk8s: boolean }>).map(([name, writer]) => [name.split(' (')[0], writer.sameAsCdk8s]));
    expect(sameBytes).toMatchObject({ 'cdk8s Yaml.stringify': true, 'tools/yaml-writer.js': true, 'JSON.stringify': false });
  });
});
