import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, SCRIPTS_DIR } from './helpers';

/** Every shell script under a directory (sourced libraries included, installed dependencies not). */
function shellScripts(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : shellScripts(p);
    return e.name.endsWith('.sh') ? [p] : [];
  });
}

function findShellcheck(): string | undefined {
  const r = spawnSync('bash', ['-c', 'command -v shellcheck'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

describe('shellcheck', () => {
  test('is installed (CI needs it: apt-get install shellcheck)', () => {
    if (!findShellcheck()) {
      throw new Error(
        'shellcheck was not found on PATH; install it (Debian/Ubuntu: apt-get install shellcheck, macOS: brew install shellcheck)',
      );
    }
  });

  test('reports nothing for any script in scripts/, test/control-plane/, test/node/, test/lib/ or examples/', async () => {
    const shellcheck = findShellcheck();
    if (!shellcheck) throw new Error('shellcheck was not found on PATH; run: apt-get install shellcheck');
    const files = [SCRIPTS_DIR, ...['control-plane', 'node', 'lib'].map((dir) => path.join(REPO_ROOT, 'test', dir)), path.join(REPO_ROOT, 'examples')]
      .flatMap(shellScripts).map((f) => path.relative(REPO_ROOT, f)).sort();
    expect(files).toContain(path.join('test', 'control-plane', 'control-plane.sh'));
    expect(files).toContain(path.join('test', 'node', 'node.sh'));
    expect(files).toContain(path.join('test', 'lib', 'components.sh'));
    expect(files).toContain(path.join('scripts', 'lib', 'common.sh'));
    expect(files.length).toBeGreaterThanOrEqual(9);
    // One process per file, in parallel. Each file is checked on its own (lib/common.sh included),
    // without following `source` (--norc ignores scripts/.shellcheckrc, SC1091 is "not followed"):
    // that keeps this test to a few seconds. `shellcheck scripts/*.sh scripts/lib/*.sh` run by hand
    // or in CI reads scripts/.shellcheckrc and also checks each script together with common.sh.
    const results = await Promise.all(
      files.map(
        (file) =>
          new Promise<{ file: string; code: number | null; output: string }>((resolve, reject) => {
            const child = spawn(shellcheck, ['--norc', '--exclude=SC1091', '--format=gcc', file], { cwd: REPO_ROOT });
            let output = '';
            child.stdout.on('data', (d) => (output += d));
            child.stderr.on('data', (d) => (output += d));
            child.on('error', reject);
            child.on('close', (code) => resolve({ file, code, output }));
          }),
      ),
    );
    expect(results.map((r) => r.output).join('')).toBe('');
    expect(results.map((r) => [r.file, r.code])).toEqual(files.map((f) => [f, 0]));
    // Nine shellcheck processes on two cores take 2-4 s, more while other suites run: no timing assertion here.
  }, 60_000);
});
