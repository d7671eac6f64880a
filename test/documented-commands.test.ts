/**
 * The commands README.md and docs/ give a new user are quiet: a command that succeeds prints what it did and no
 * warning, no stack trace and no upgrade banner, also where the network lets nothing through but the npm registry.
 * - `npx cdk8s synth` is always documented with `--no-check-upgrade`: without it cdk8s-cli fetches
 *   http://registry.npmjs.org/cdk8s-cli/latest on every run, and where that is blocked prints a Node stack trace and
 *   "A new version undefined of cdk8s-cli is available".
 * - npm, run in this project, shows no funding appeal and no "new npm version" notice (.npmrc).
 * - jest, as `npm test` runs it, prints no ts-jest configuration warning.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import MarkdownIt from 'markdown-it';
import { cleanEnv, REPO } from './npm-project';
import { noiseLines } from './quiet-output';

jest.setTimeout(60_000);

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return entry.name === 'api' ? [] : markdownFiles(path.join(dir, entry.name));
    return entry.name.endsWith('.md') ? [path.join(dir, entry.name)] : [];
  });
}

/** Every command line of the shell blocks of README.md and docs/, with its file. */
function documentedCommands(): { file: string; line: string }[] {
  const markdown = new MarkdownIt();
  return [path.join(REPO, 'README.md'), ...markdownFiles(path.join(REPO, 'docs'))].flatMap((file) => markdown.parse(fs.readFileSync(file, 'utf8'), {})
    .filter((token) => token.type === 'fence' && /^(bash|sh|shell|console)?$/.test(token.info.trim()))
    .flatMap((token) => token.content.split('\n').map((line) => ({ file: path.relative(REPO, file), line: line.replace(/\s+#.*$/, '').trim() }))))
    .filter(({ line }) => line !== '' && !line.startsWith('#'));
}

/** The README's first command: install and synthesize. */
function readmeSynthCommand(): string[] {
  const first = documentedCommands().find(({ file }) => file === 'README.md');
  expect(first?.line).toMatch(/^npm ci && npx cdk8s synth\b/);
  return first!.line.split(' && ')[1].split(/\s+/);
}

test('every documented `npx cdk8s synth` skips the CLI upgrade check', () => {
  const synths = documentedCommands().filter(({ line }) => /\bnpx cdk8s synth\b/.test(line));
  expect(synths.length).toBeGreaterThanOrEqual(5);
  expect(synths.filter(({ line }) => !/\bnpx cdk8s synth\b.*--no-check-upgrade\b/.test(line))).toEqual([]);
});

test('the scripts run the synth the same way', () => {
  const deploy = fs.readFileSync(path.join(REPO, 'scripts', 'deploy.sh'), 'utf8');
  const runs = deploy.split('\n').filter((line) => /\bnpx cdk8s synth\b/.test(line) && !/^\s*#|die "|replaces/.test(line));
  expect(runs.length).toBeGreaterThan(0);
  expect(runs.filter((line) => !line.includes('npx cdk8s synth --no-check-upgrade'))).toEqual([]);
});

test("the README's synth, with no cdk8s-cli version cache in HOME, prints what it wrote and nothing else", () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-synth-home-'));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-synth-'));
  try {
    const [command, ...args] = readmeSynthCommand();
    const env = cleanEnv({ HOME: home });
    delete env.CDK8S_CHECK_UPGRADE;
    const result = spawnSync(command, [...args, '--output', outdir], { cwd: REPO, env, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    expect(noiseLines(output)).toEqual([]);
    expect(result.status).toBe(0);
    expect(output).toContain(`${outdir}/local.k8s.yaml`);
    expect(fs.readdirSync(outdir)).toEqual(['local.k8s.yaml']);
    // Nothing looked up the CLI's latest version: the look-up caches its answer here.
    expect(fs.existsSync(path.join(home, '.cdk8s-cli.version'))).toBe(false);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('npm in this project shows no funding appeal and no update notice, whatever the user config says', () => {
  const emptyUserConfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'npmrc-')), '.npmrc');
  fs.writeFileSync(emptyUserConfig, '');
  const result = spawnSync('npm', ['config', 'get', 'fund', 'update-notifier'], {
    cwd: REPO, env: cleanEnv({ npm_config_userconfig: emptyUserConfig }), encoding: 'utf8',
  });
  fs.rmSync(path.dirname(emptyUserConfig), { recursive: true, force: true });
  expect(result.stdout.trim().split('\n')).toEqual(['fund=false', 'update-notifier=false']);
});

test('jest, configured as `npm test` runs it, prints no configuration warning', () => {
  const jestBin = path.join(REPO, 'node_modules', 'jest', 'bin', 'jest.js');
  const result = spawnSync(process.execPath, [jestBin, '--ci', '--reporters=summary', '--runTestsByPath', 'test/doc-links.test.ts'], {
    cwd: REPO, env: cleanEnv(), encoding: 'utf8',
  });
  expect(noiseLines(`${result.stdout}${result.stderr}`)).toEqual([]);
  expect(result.stderr).toMatch(/Tests:\s+\d+ passed/);
  expect(result.status).toBe(0);
});

test('`npm run test:example` runs the consumer example, which `npm test` leaves to the cluster suite', () => {
  const result = spawnSync('npm', ['run', '--silent', 'test:example', '--', '--listTests'], { cwd: REPO, env: cleanEnv(), encoding: 'utf8' });
  expect(result.stdout.trim().split('\n').map((file) => path.relative(REPO, file))).toEqual(['test/consumer-example.test.ts']);
  expect(result.status).toBe(0);
});

/** Every jest configuration of the repository: `npm test`'s and the other suites'. */
function jestConfigs(dir = REPO): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return ['node_modules', 'build', 'dist', '.git'].includes(entry.name) ? [] : jestConfigs(path.join(dir, entry.name));
    return entry.name === 'jest.config.js' ? [path.relative(REPO, path.join(dir, entry.name))] : [];
  });
}

test('no jest configuration passes ts-jest options it deprecates', () => {
  const configs = jestConfigs();
  expect(configs).toEqual(expect.arrayContaining(['jest.config.js', 'test/cluster/jest.config.js']));
  for (const config of configs) {
    const { transform } = require(path.join(REPO, config));
    const [, options] = Object.values(transform as Record<string, [string, Record<string, unknown>]>)[0];
    expect({ config, options: Object.keys(options) }).toEqual({ config, options: expect.not.arrayContaining(['isolatedModules']) });
  }
});
