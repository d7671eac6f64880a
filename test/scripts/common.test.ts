import * as fs from 'fs';
import * as path from 'path';
import { Sandbox, SCRIPTS_DIR } from './helpers';

const SCRIPTS = fs
  .readdirSync(SCRIPTS_DIR)
  .filter((f) => f.endsWith('.sh'))
  .sort();

describe('every script', () => {
  let sb: Sandbox;
  beforeAll(() => {
    sb = new Sandbox();
  });
  afterAll(() => sb.cleanup());

  test('the expected scripts exist and are executable', () => {
    expect(SCRIPTS).toEqual([
      'backup-sqlite.sh',
      'build-images.sh',
      'cleanup.sh',
      'cluster-up.sh',
      'create-secret.sh',
      'deploy.sh',
      'restore-sqlite.sh',
      'smoke-test.sh',
    ]);
    for (const script of SCRIPTS) {
      const file = path.join(SCRIPTS_DIR, script);
      expect(fs.statSync(file).mode & 0o111).not.toBe(0);
      const text = fs.readFileSync(file, 'utf8');
      expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
      expect(text).toContain('set -euo pipefail');
      expect(text).toContain('source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"');
    }
  });

  test.each(SCRIPTS)('%s --help prints usage and exits 0 without calling any tool', (script) => {
    const res = sb.run(script, ['--help']);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^Usage: /);
    expect(res.stdout).toContain(script);
    expect(sb.calls()).toEqual([]);
  });

  test.each(SCRIPTS)('%s rejects an unknown option with exit 2', (script) => {
    const res = sb.run(script, ['--no-such-option']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('unknown argument: --no-such-option');
    expect(res.stderr).toContain('--help');
  });

  test.each(SCRIPTS)('%s refuses the production environment', (script) => {
    const res = sb.run(script, ['--env', 'production']);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/production/);
    expect(sb.calls()).toEqual([]);
  });

  test('an option without its value is a usage error', () => {
    const res = sb.run('deploy.sh', ['--env']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('option --env needs a value');
  });

  test('--opt=value works like --opt value', () => {
    const res = sb.run('deploy.sh', ['--env=nowhere']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("unknown environment 'nowhere'");
  });

  test('a malformed timeout is rejected', () => {
    const res = sb.run('deploy.sh', ['--timeout', '5 minutes']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('expects a duration such as 300s');
  });
});

describe('missing tools', () => {
  const cases: Array<[string, string[], string, RegExp]> = [
    ['cluster-up.sh', ['--env', 'local'], 'kind', /kind\.sigs\.k8s\.io/],
    ['cluster-up.sh', ['--env', 'local'], 'kubectl', /kubernetes\.io\/docs\/tasks\/tools/],
    ['cluster-up.sh', ['--env', 'local'], 'docker', /docs\.docker\.com/],
    ['cluster-up.sh', ['--env', 'local-istio', '--storage-dir', 'STORAGE'], 'helm', /helm\.sh/],
    ['cluster-up.sh', ['--env', 'minikube'], 'minikube', /minikube\.sigs\.k8s\.io/],
    ['deploy.sh', ['--env', 'local'], 'kubectl', /kubernetes\.io/],
    ['deploy.sh', ['--env', 'local'], 'npx', /nodejs\.org/],
    ['smoke-test.sh', ['--env', 'local'], 'curl', /apt-get install curl/],
    ['cleanup.sh', ['--env', 'local', '--yes'], 'kubectl', /kubernetes\.io/],
    ['backup-sqlite.sh', ['--env', 'local'], 'kubectl', /kubernetes\.io/],
  ];

  test.each(cases)('%s %j without %s fails clearly (exit 127) before doing anything', (script, args, tool, hint) => {
    const sb = new Sandbox({ omit: [tool] });
    try {
      const realArgs = args.map((a) => (a === 'STORAGE' ? path.join(sb.dir, 'storage') : a));
      const res = sb.run(script, realArgs);
      expect(res.status).toBe(127);
      expect(res.stderr).toContain(`required tool '${tool}' was not found on PATH`);
      expect(res.stderr).toMatch(hint);
      // nothing was created, applied or deleted before the check
      expect(sb.lines().filter((l) => !/^(docker info|kind get clusters)/.test(l))).toEqual([]);
    } finally {
      sb.cleanup();
    }
  });

  test('build-images.sh without docker names docker', () => {
    const sb = new Sandbox({ omit: ['docker'] });
    try {
      for (const d of ['be', 'fe']) {
        fs.mkdirSync(path.join(sb.root, d));
        fs.writeFileSync(path.join(sb.root, d, 'Dockerfile'), 'FROM scratch\n');
      }
      const res = sb.run('build-images.sh', ['--backend', 'be', '--frontend', 'fe']);
      expect(res.status).toBe(127);
      expect(res.stderr).toContain("required tool 'docker' was not found on PATH");
    } finally {
      sb.cleanup();
    }
  });
});
