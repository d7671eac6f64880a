import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');

/** Runs one of the repository's check scripts; they need build/, which `npm test` compiles first (tsc -b). */
function runCheck(script: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(root, 'tools', script), ...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('the API reference in docs/api/ is what TypeDoc generates from lib/ now', () => {
  const { status, output } = runCheck('docs-check.js');
  expect(output).toMatch(/docs\/api\/ is current \(\d+ files\)\./);
  expect(status).toBe(0);
}, 60_000);

test('the API reference has a module for every entry point of the package (package.json "exports")', () => {
  const { exports: packageExports } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const subpaths = Object.keys(packageExports).filter((subpath) => packageExports[subpath].types);
  expect(subpaths).toEqual(['.', './validation', './helm']);
  const modules = fs.readFileSync(path.join(root, 'docs', 'api', 'README.md'), 'utf8').match(/^- \[[^\]]+\]\(([^/]+)\/README\.md\)$/gm) ?? [];
  const moduleDirs = modules.map((line) => /\(([^/]+)\//.exec(line)![1]).sort();
  // TypeDoc names a module after its file: lib/index.ts is "index", lib/helm/index.ts "helm".
  expect(moduleDirs).toEqual(subpaths.map((subpath) => (subpath === '.' ? 'index' : subpath.slice(2))).sort());
  for (const dir of moduleDirs) expect(fs.existsSync(path.join(root, 'docs', 'api', dir, 'README.md'))).toBe(true);
});

test('the topology diagrams in docs/topology.md are what the environments synthesize to now', () => {
  const { status, output } = runCheck('topology.js', '--check');
  expect(output).toContain('Topology diagrams are current (docs/topology.md).');
  expect(status).toBe(0);
}, 60_000);

test('the README links the diagrams instead of holding a copy', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  expect(readme).toContain('](docs/topology.md)');
  expect(readme).not.toContain('```mermaid');
});
