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

  test('build-images.sh with neither docker nor buildah names docker', () => {
    const sb = new Sandbox({ omit: ['docker', 'buildah'] });
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

describe('the environments come from the cdk8s app (node build/main.js --print-env), not from the scripts', () => {
  /** A stand-in app whose only environment is `staging`, on minikube, with its own names. */
  const STAGING_APP = `if (process.argv[2] === '--print-env') {
  process.stdout.write([
    'staging provider minikube', 'staging namespace acme-staging', 'staging host staging.acme.test',
    'staging part_of acme', 'staging instance acme-staging', 'staging secret acme-secrets', 'staging secret_optional false',
    'staging database external', 'staging claim ', 'staging host_path ', 'staging istio false',
    'prod provider ', 'prod namespace acme-prod',
  ].join('\\n') + '\\n');
}
`;
  /** Runs body with a sandbox and removes the sandbox afterwards. */
  function withSandbox(sb: Sandbox, body: (sb: Sandbox) => void): void {
    try {
      body(sb);
    } finally {
      sb.cleanup();
    }
  }

  function stagingSandbox(): Sandbox {
    const sb = new Sandbox({ ownBuild: true });
    fs.mkdirSync(path.join(sb.root, 'build'));
    fs.writeFileSync(path.join(sb.root, 'build', 'main.js'), STAGING_APP);
    fs.writeFileSync(path.join(sb.root, '.env'), 'DATABASE_URL=postgresql://db/acme\n');
    return sb;
  }

  test('namespace, Secret, labels and cluster tool of an environment are the app\'s', () => {
    withSandbox(stagingSandbox(), (sb) => {
      sb.rule({ tool: 'kubectl', match: 'get namespace', exit: 1, stderr: 'NotFound\n' });
      const res = sb.run('create-secret.sh', ['--env', 'staging', '--restart']);
      expect(res.status).toBe(0);
      expect(sb.lines('kubectl')).toEqual([
        'kubectl --context todo get namespace acme-staging -o name',
        'kubectl --context todo create namespace acme-staging --save-config',
        `kubectl --context todo -n acme-staging create secret generic acme-secrets --from-env-file=${path.join(sb.root, '.env')} --dry-run=client -o yaml`,
        'kubectl --context todo apply -f -',
        'kubectl --context todo -n acme-staging rollout restart deployment -l app.kubernetes.io/part-of=acme',
      ]);
    });
  });

  test('the laptop environments are the app\'s environments with a cluster tool', () => {
    withSandbox(stagingSandbox(), (sb) => {
      const unknown = sb.run('deploy.sh', ['--env', 'local']);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain("unknown environment 'local' (allowed here: staging)");
      const notLaptop = sb.run('deploy.sh', ['--env', 'prod']);
      expect(notLaptop.status).toBe(2);
      expect(notLaptop.stderr).toContain("environment 'prod' is not handled by these laptop scripts (allowed here: staging)");
    });
  });

  test('with this repository\'s app: local, local-istio and minikube', () => {
    withSandbox(new Sandbox(), (sb) => {
      const res = sb.run('cleanup.sh', ['--env', 'nowhere']);
      expect(res.status).toBe(2);
      expect(res.stderr).toContain("unknown environment 'nowhere' (allowed here: local local-istio minikube)");
    });
  });

  test('an app compiled before main.ts changed is compiled again first (node_modules/.bin/tsc -b)', () => {
    withSandbox(stagingSandbox(), (sb) => {
      const tsc = path.join(sb.root, 'node_modules', '.bin', 'tsc');
      fs.mkdirSync(path.dirname(tsc), { recursive: true });
      fs.writeFileSync(tsc, `#!/usr/bin/env bash\necho "tsc $*" >>"${path.join(sb.dir, 'tsc-calls')}"\ntouch build/main.js\n`, { mode: 0o755 });
      fs.writeFileSync(path.join(sb.root, 'main.ts'), '// newer than build/main.js\n');
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(sb.root, 'main.ts'), later, later);
      const res = sb.run('smoke-test.sh', ['--env', 'staging', '--url', 'http://127.0.0.1:9', '--retries', '1']);
      expect(fs.readFileSync(path.join(sb.dir, 'tsc-calls'), 'utf8')).toBe('tsc -b\n');
      expect(res.stderr).toContain('compiling the cdk8s app (tsc -b) to read its environments');
      expect(res.output).toContain('(Host: staging.acme.test)');
    });
  });

  test('an app compiled before a file under app/ changed is compiled again first (node_modules/.bin/tsc -b)', () => {
    withSandbox(stagingSandbox(), (sb) => {
      const tsc = path.join(sb.root, 'node_modules', '.bin', 'tsc');
      fs.mkdirSync(path.dirname(tsc), { recursive: true });
      fs.writeFileSync(tsc, `#!/usr/bin/env bash\necho "tsc $*" >>"${path.join(sb.dir, 'tsc-calls')}"\ntouch build/main.js\n`, { mode: 0o755 });
      fs.mkdirSync(path.join(sb.root, 'app'), { recursive: true });
      fs.writeFileSync(path.join(sb.root, 'app', 'environments.ts'), '// newer than build/main.js\n');
      const later = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(sb.root, 'app', 'environments.ts'), later, later);
      const res = sb.run('smoke-test.sh', ['--env', 'staging', '--url', 'http://127.0.0.1:9', '--retries', '1']);
      expect(fs.readFileSync(path.join(sb.dir, 'tsc-calls'), 'utf8')).toBe('tsc -b\n');
      expect(res.stderr).toContain('compiling the cdk8s app (tsc -b) to read its environments');
      expect(res.output).toContain('(Host: staging.acme.test)');
    });
  });

  test('without a build or node_modules the scripts say to run npm ci; --help needs neither', () => {
    withSandbox(new Sandbox({ ownBuild: true }), (sb) => {
      const res = sb.run('deploy.sh', ['--env', 'local']);
      expect(res.status).toBe(1);
      expect(res.stderr).toContain("the environments come from the cdk8s app in " + sb.root + ", which is not built; run 'npm ci' there first");
      expect(sb.calls()).toEqual([]);
      expect(sb.run('deploy.sh', ['--help']).status).toBe(0);
    });
  });
});
