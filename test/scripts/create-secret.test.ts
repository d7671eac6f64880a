import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from './helpers';

const SECRETS = {
  DATABASE_URL: 'sqlite:////data/db.sqlite3?token=db-pa55word-XYZ',
  OPENAI_API_KEY: 'sk-test-0123456789abcdefSECRET',
  BETTER_AUTH_SECRET: 'very-secret-auth-value-42',
};

/** Every representation of a secret value that must never appear in the output. */
function forbiddenStrings(): string[] {
  return Object.values(SECRETS).flatMap((v) => [v, Buffer.from(v).toString('base64')]);
}

/**
 * The kubectl stub renders the Secret like the real `create secret --dry-run=client -o yaml` does
 * (base64 values on stdout), so a script that printed it would leak the values.
 */
const RENDER_SECRET = String.raw`
file=""
for a in "$@"; do case "$a" in --from-env-file=*) file=${"$"}{a#--from-env-file=} ;; esac; done
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: todo-secrets\ndata:\n'
while IFS= read -r line; do
  case "$line" in ""|"#"*) continue ;; esac
  printf '  %s: %s\n' "${"$"}{line%%=*}" "$(printf '%s' "${"$"}{line#*=}" | base64 -w0)"
done <"$file"
`;

describe('create-secret.sh', () => {
  let sb: Sandbox;
  let envFile: string;
  beforeAll(() => {
    sb = new Sandbox();
    sb.gitRepo(sb.root, { '.gitignore': '.env\n', 'package.json': '{"version":"0.1.0"}' });
    envFile = path.join(sb.root, '.env');
  });
  afterAll(() => sb.cleanup());
  beforeEach(() => {
    sb.reset();
    fs.writeFileSync(path.join(sb.root, '.gitignore'), '.env\n');
    fs.writeFileSync(
      envFile,
      `# app settings\n${Object.entries(SECRETS).map(([k, v]) => `${k}=${v}`).join('\n')}\n\n`,
    );
    sb.rule({ tool: 'kubectl', match: 'create secret generic', run: RENDER_SECRET });
  });

  test('pipes create --dry-run into apply; an existing namespace is left alone', () => {
    const res = sb.run('create-secret.sh', ['--env', 'local']);
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual([
      'kubectl --context kind-todo get namespace todo-local -o name',
      `kubectl --context kind-todo -n todo-local create secret generic todo-secrets --from-env-file=${envFile} --dry-run=client -o yaml`,
      'kubectl --context kind-todo apply -f -',
    ]);
    // the rendered Secret reached apply through the pipe ...
    const applied = sb.calls()[2].stdin!.toString();
    expect(applied).toContain('kind: Secret');
    expect(applied).toContain(Buffer.from(SECRETS.OPENAI_API_KEY).toString('base64'));
    // ... and only the key names are reported
    expect(res.stdout).toContain(
      'secret todo-secrets in todo-local holds the keys: DATABASE_URL, OPENAI_API_KEY, BETTER_AUTH_SECRET (values not shown)',
    );
  });

  test('a missing namespace is created first, with its configuration saved for the later kubectl apply', () => {
    sb.rule({ tool: 'kubectl', match: 'get namespace todo-local-istio', exit: 1, stderr: 'NotFound\n' });
    const res = sb.run('create-secret.sh', ['--env', 'local-istio']);
    expect(res.status).toBe(0);
    expect(sb.lines().slice(0, 3)).toEqual([
      'kubectl --context kind-todo get namespace todo-local-istio -o name',
      'kubectl --context kind-todo create namespace todo-local-istio --save-config',
      `kubectl --context kind-todo -n todo-local-istio create secret generic todo-secrets --from-env-file=${envFile} --dry-run=client -o yaml`,
    ]);
  });

  test('secret values never reach stdout or stderr, even when kubectl apply echoes its input', () => {
    sb.rule({ tool: 'kubectl', match: 'apply -f -$', run: 'cat "$dir/calls/$id.stdin"' });
    const res = sb.run('create-secret.sh', ['--env', 'minikube', '--context', 'todo', '--restart']);
    expect(res.status).toBe(0);
    for (const s of forbiddenStrings()) {
      expect(res.output).not.toContain(s);
    }
    expect(sb.lines()).toContain('kubectl --context todo -n todo-minikube rollout restart deployment -l app.kubernetes.io/part-of=todo');
  });

  test('a malformed line is reported by number without showing its content', () => {
    fs.appendFileSync(envFile, 'this line has the-hidden-value-987 but no equals sign\n');
    const res = sb.run('create-secret.sh', []);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/line 6 of .*\.env is not a KEY=VALUE line \(content not shown\)/);
    expect(res.output).not.toContain('the-hidden-value-987');
    for (const s of forbiddenStrings()) expect(res.output).not.toContain(s);
    expect(sb.calls()).toEqual([]);
  });

  test('quoted values are flagged by key name only', () => {
    fs.writeFileSync(envFile, 'OPENAI_API_KEY="sk-quoted-secret"\n');
    const res = sb.run('create-secret.sh', []);
    expect(res.status).toBe(0);
    expect(res.stderr).toContain('the value of OPENAI_API_KEY is quoted');
    expect(res.output).not.toContain('sk-quoted-secret');
  });

  test('refuses an env file that git does not ignore', () => {
    fs.writeFileSync(path.join(sb.root, '.gitignore'), 'node_modules/\n');
    const res = sb.run('create-secret.sh', []);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('is not git-ignored; add it to .gitignore');
    expect(sb.calls()).toEqual([]);
  });

  test('a missing env file is a clear error', () => {
    fs.rmSync(envFile);
    const res = sb.run('create-secret.sh', ['--env', 'local-istio']);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`no env file at ${envFile}`);
  });

  test('a failing apply fails the script without leaking values', () => {
    sb.rule({ tool: 'kubectl', match: 'apply -f -', exit: 1, stderr: 'error: connection refused\n' });
    const res = sb.run('create-secret.sh', []);
    expect(res.status).not.toBe(0);
    for (const s of forbiddenStrings()) expect(res.output).not.toContain(s);
  });
});
