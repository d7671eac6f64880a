/**
 * npm test leaves nothing in the temporary directory: cdk8s's `Testing.app()` makes a directory per call and
 * never removes it, which left tens of thousands of `cdk8s.outdir.*` directories behind after a few runs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../app';
import { synth, testChart } from './util';

function temporaryEntries(): Set<string> {
  return new Set(fs.readdirSync(os.tmpdir()).filter((entry) => entry.startsWith('cdk8s.outdir.')));
}

test('the test helpers and the app build charts without making a temporary directory', () => {
  const before = temporaryEntries();
  synth(testChart('app'));
  buildApp({ environments: ['all'] }).synthYaml();
  expect([...temporaryEntries()].filter((entry) => !before.has(entry))).toEqual([]);
});

test('no test or tool makes an App through cdk8s Testing.app(), which leaks a directory per call', () => {
  const root = path.join(__dirname, '..');
  const sourcesIn = (dir: string, extension: string) => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(extension) && !file.includes('node_modules')).map((file) => path.join(dir, file));
  const sources = [path.join(root, 'main.test.ts'), ...sourcesIn(__dirname, '.ts'), ...sourcesIn(path.join(root, 'tools'), '.js')];
  const leaking = sources.filter((file) => /Testing\s*\.\s*app\s*\(/.test(fs.readFileSync(file, 'utf8')) && file !== __filename);
  expect(leaking.map((file) => path.relative(root, file))).toEqual([]);
});
