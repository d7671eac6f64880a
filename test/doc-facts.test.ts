/**
 * Facts the docs state that come from somewhere else: each is compared with its source, so the page cannot drift.
 * - docs/helm.md and the chart's NOTES.txt label namespaces with the Pod Security version the constructs enforce,
 *   which is the Kubernetes minor of the test control plane (test/control-plane/go.mod);
 * - docs/validation.md gives the exit codes of a rejected synth, the app's and `npx cdk8s synth`'s;
 * - docs/development.md's timings are the last `npm run bench` (BENCHMARKS.md), and its pinned versions go.mod's;
 *   no other page states how long something takes in prose.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_POD_SECURITY_VERSION } from '../lib/app-namespace';

const benchDocs = require('../tools/bench-docs.js');

const REPO = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(REPO, file), 'utf8');

describe('the Pod Security version', () => {
  test('is the Kubernetes minor the cluster suite runs (test/control-plane/go.mod)', () => {
    const kubernetes = /^\s*k8s\.io\/kubernetes (v\d+\.\d+)\.\d+/m.exec(read('test/control-plane/go.mod'));
    expect(kubernetes?.[1]).toBe(DEFAULT_POD_SECURITY_VERSION);
  });

  test.each(['docs/helm.md', 'helm/todo/templates/NOTES.txt'])('%s labels namespaces with it', (file) => {
    const versions = [...read(file).matchAll(/pod-security\.kubernetes\.io\/enforce-version=(\S+)/g)].map((match) => match[1]);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.filter((version) => version !== DEFAULT_POD_SECURITY_VERSION)).toEqual([]);
  });
});

describe('docs/validation.md: the exit codes of a rejected synth', () => {
  const page = read('docs/validation.md');
  const appCode = /The app \(`node build\/main\.js`\) exits with code (\d+)/.exec(page)?.[1];
  const cliCode = /`npx cdk8s synth` exits with code (\d+)/.exec(page)?.[1];

  test('the page states both', () => {
    expect(appCode).toBeDefined();
    expect(cliCode).toBeDefined();
  });

  test("`npx cdk8s synth` of an app that exits with the app's code exits with the page's", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'failing-app-'));
    try {
      fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: node -e "process.exitCode = ${appCode}"\n`);
      const result = spawnSync(path.join(REPO, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade'], { cwd: project, encoding: 'utf8' });
      expect(result.stderr).toContain(`returned a non-zero exit code ${appCode}`);
      expect(String(result.status)).toBe(cliCode);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('timings and versions in docs/development.md', () => {
  test('the bench:timings block is what the last `npm run bench` wrote to BENCHMARKS.md', () => {
    const page = read('docs/development.md');
    expect(page).toContain(benchDocs.BEGIN);
    expect(benchDocs.renderedDevelopmentDoc(read('BENCHMARKS.md'), page)).toBe(page);
  });

  test('the block renders each suite BENCHMARKS.md measured, and says which it did not', () => {
    const benchmarks = [
      'Written by `npm run bench` (tools/bench.js) on 2030-01-02 03:04 UTC.', '',
      'Machine: 2 × Some CPU, 24 GiB, Linux, Node v20.', '',
      ...benchDocs.suitesSection({ npmTest: { median: 31.25, min: 30, max: 33, runs: 3, loadMin: 0.8, loadMax: 1.1 },
        controlPlaneStart: { median: 9.5, min: 9, max: 11, runs: 3, loadMin: 3.1, loadMax: 3.1 } }, {}),
      '', '## Next', '',
    ].join('\n');
    expect(benchDocs.timingsBlock(benchDocs.parseBenchmarks(benchmarks)).split('\n')[1]).toBe(
      'Measured by the last `npm run bench` (2030-01-02, 2 cores, 1-minute load 0.8–3.1: a load above the core count inflates every time): '
      + '`npm test` took 31.3 s; a built control plane started in 9.5 s. Not timed in that run: `npm run test:cluster`, `npm run test:node`, `node.sh start DIR`. '
      + 'Every run, its load, and why a suite was not timed: [BENCHMARKS.md](../BENCHMARKS.md#test-suites).');
    const nothing = benchmarks.replace(/^\| `npm test` \|.*$/m, '| `npm test` | not measured (`--skip-tests`) | | | 0 | |').replace(/^\| `control-plane.*$/m, '');
    expect(benchDocs.timingsBlock(benchDocs.parseBenchmarks(nothing)).split('\n')[1]).toMatch(
      /^Measured by the last `npm run bench` \(2030-01-02, 2 cores\): no test suite was timed\. Not timed in that run: `npm test`, `npm run test:cluster`, `control-plane\.sh start DIR`, `npm run test:node`, `node\.sh start DIR`\./);
    expect(benchDocs.duration(400.4)).toBe('6 min 40 s');
  });

  test('the pinned versions it names are go.mod\'s (control-plane.sh versions)', () => {
    const pinned = /versions are pinned: Kubernetes (v\d+\.\d+\.\d+), etcd (v\d+\.\d+\.\d+), kwok (v\d+\.\d+\.\d+)/.exec(read('docs/development.md'));
    const result = spawnSync('bash', [path.join(REPO, 'test', 'control-plane', 'control-plane.sh'), 'versions'], { encoding: 'utf8' });
    expect(pinned && `kubernetes ${pinned[1]}\netcd ${pinned[2]}\nkwok ${pinned[3]}\n`).toBe(result.stdout);
  });

  test('README.md and docs/ say how long something takes only through the bench block', () => {
    // docs/yaml-writer.md is a dated record of one investigation; the bench's YAML-writer table reproduces it.
    const pages = ['README.md', ...fs.readdirSync(path.join(REPO, 'docs')).filter((name) => name.endsWith('.md') && name !== 'yaml-writer.md').map((name) => `docs/${name}`)];
    const claim = /\b(about|around|roughly|~|takes?|took|in|under)\s+\d+(\.\d+)?([–-]\d+(\.\d+)?)?\s*(ms|s|seconds?|min|minutes?)\b/i;
    const claims = pages.flatMap((page) => {
      const text = read(page);
      const outsideBlock = text.includes(benchDocs.BEGIN) ? text.slice(0, text.indexOf(benchDocs.BEGIN)) + text.slice(text.indexOf(benchDocs.END)) : text;
      return outsideBlock.split('\n').filter((line) => claim.test(line)).map((line) => `${page}: ${line.trim()}`);
    });
    expect(claims).toEqual([]);
    expect(claim.test('`npm test` takes about 20 s')).toBe(true);
  });
});
