/**
 * backup-sqlite.sh and restore-sqlite.sh. The kubectl stub runs `kubectl exec ... -- CMD` locally
 * (python3 mapped to the machine's Python), so the Python embedded in the scripts really backs up,
 * verifies and swaps SQLite files; TODO_DB_PATH points the "pod" paths into the sandbox.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { validateManifests } from '../../lib/validation';
import { Sandbox } from './helpers';

function findPython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(candidate, ['-c', 'import sqlite3, sys; print(sys.executable)'], { encoding: 'utf8' });
    if (r.status === 0) return r.stdout.trim();
  }
  return undefined;
}
const PYTHON = findPython();
/** The tests that execute the scripts' Python need python3 with sqlite3; without it they fail, never skip. */
function withPython(name: string, body: () => void): void {
  test(name, () => {
    if (!PYTHON) throw new Error('python3 with the sqlite3 module is needed to run the backup scripts\' Python: apt-get install python3');
    body();
  });
}

/** Emulates `kubectl exec [-i] POD [-c C] -- CMD...` by running CMD here. */
const LOCAL_EXEC = String.raw`
while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
shift
if [ "$1" = python3 ]; then shift; set -- "$PYTHON_BIN" "$@"; fi
if [ "$capture" = 1 ]; then "$@" <"$dir/calls/$id.stdin"; else "$@"; fi
exit $?
`;

function python(code: string, ...args: string[]): string {
  const r = spawnSync(PYTHON!, ['-c', code, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

/** WAL-mode databases with N todos and 1 user, made once (one Python start) and copied per test. */
const TEMPLATES: Record<number, string> = {};
function makeTemplates(dir: string): void {
  for (const n of [2, 3, 5]) TEMPLATES[n] = path.join(dir, `template-${n}.sqlite3`);
  python(
    `import sqlite3, sys
for arg in sys.argv[1:]:
    n, file = arg.split("=", 1)
    c = sqlite3.connect(file)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT)")
    c.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)")
    c.executemany("INSERT INTO todos (title) VALUES (?)", [("t%d" % i,) for i in range(int(n))])
    c.execute("INSERT INTO users (email) VALUES ('a@example.com')")
    c.commit()
    c.close()`,
    ...Object.entries(TEMPLATES).map(([n, file]) => `${n}=${file}`),
  );
}

/** A database file with `todos` rows in its todos table (and 1 user). */
function makeDb(file: string, todos: 2 | 3 | 5): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(TEMPLATES[todos], file);
}

const countTodos = (file: string) =>
  Number(python('import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM todos").fetchone()[0])', file));

const sha256 = (buf: Buffer) => crypto.createHash('sha256').update(buf).digest('hex');

let templateDir: string;
beforeAll(() => {
  if (!PYTHON) return;
  templateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-sqlite-templates-'));
  makeTemplates(templateDir);
});
afterAll(() => {
  if (templateDir) fs.rmSync(templateDir, { recursive: true, force: true });
});

describe('backup-sqlite.sh', () => {
  let sb: Sandbox;
  let dataDir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    sb = new Sandbox();
    dataDir = path.join(sb.dir, 'data');
    env = { TODO_DB_PATH: path.join(dataDir, 'db.sqlite3'), PYTHON_BIN: PYTHON ?? 'python3' };
    sb.rule({
      tool: 'kubectl',
      match: 'get pods -l app.kubernetes.io/name=todo-backend --field-selector=status.phase=Running',
      stdout: 'todo-backend-6b7c9-abcde',
    });
  });
  afterEach(() => sb.cleanup());

  withPython('takes an online snapshot in the pod, copies it out, verifies it and cleans up', () => {
    makeDb(env.TODO_DB_PATH, 3);
    sb.rule({ tool: 'kubectl', match: ' exec ', run: LOCAL_EXEC });
    const out = path.join(sb.dir, 'my-backups');
    const res = sb.run('backup-sqlite.sh', ['--env', 'local', '--output-dir', out], { env });
    expect(res.status).toBe(0);

    const files = fs.readdirSync(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^todo-local-\d{8}T\d{6}Z\.sqlite3$/);
    const backup = path.join(out, files[0]);
    expect(countTodos(backup)).toBe(3);
    expect(res.stdout).toContain(`backup OK: ${backup}`);
    expect(res.stdout).toContain(`sha256 ${sha256(fs.readFileSync(backup))}`);
    expect(res.stdout).toContain('verified: integrity_check=ok; rows per table: todos=3, users=1');

    const calls = sb.calls();
    const ts = files[0].slice('todo-local-'.length, -'.sqlite3'.length);
    const snapshot = path.join(dataDir, `.backup-${ts}.sqlite3`);
    expect(calls.map((c) => c.line.split(' -- ')[0])).toEqual([
      'kubectl --context kind-todo -n todo-local get pods -l app.kubernetes.io/name=todo-backend --field-selector=status.phase=Running -o jsonpath={.items[0].metadata.name}',
      'kubectl --context kind-todo -n todo-local exec todo-backend-6b7c9-abcde -c backend',
      'kubectl --context kind-todo -n todo-local exec todo-backend-6b7c9-abcde -c backend',
      'kubectl --context kind-todo -n todo-local exec todo-backend-6b7c9-abcde -c backend',
    ]);
    expect(calls[1].args.slice(-2)).toEqual([env.TODO_DB_PATH, snapshot]);
    expect(calls[1].args[calls[1].args.indexOf('--') + 1]).toBe('python3');
    expect(calls[1].args.join(' ')).toContain('.backup(');
    expect(calls[2].args.slice(-3)).toEqual(['--', 'cat', snapshot]);
    expect(calls[3].args.slice(-4)).toEqual(['--', 'rm', '-f', snapshot]);
    expect(fs.existsSync(snapshot)).toBe(false);
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('.backup'))).toEqual([]);
  });

  test('a checksum mismatch after the copy discards the backup and fails', () => {
    sb.rule({
      tool: 'kubectl',
      match: ' -- python3 ',
      stdout: `integrity=ok\nsha256=${'0'.repeat(64)}\nbytes=4096\nrows=todos:3\n`,
    });
    sb.rule({ tool: 'kubectl', match: ' -- cat ', stdout: 'SQLite format 3 but different bytes' });
    const out = path.join(sb.dir, 'b');
    const res = sb.run('backup-sqlite.sh', ['--output-dir', out], { env });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('checksum mismatch after copy');
    expect(fs.readdirSync(out)).toEqual([]);
    expect(sb.lines().pop()).toMatch(/ -- rm -f .*\/\.backup-\d{8}T\d{6}Z\.sqlite3$/);
  });

  test('a failed integrity check is reported and nothing is kept', () => {
    sb.rule({
      tool: 'kubectl',
      match: ' -- python3 ',
      stdout: 'integrity=*** in database main ***\nsha256=abc\nbytes=1\nrows=\n',
    });
    const out = path.join(sb.dir, 'b');
    const res = sb.run('backup-sqlite.sh', ['--output-dir', out], { env });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('integrity check of the snapshot failed');
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('no running backend pod is a clear error', () => {
    const sb2 = new Sandbox();
    try {
      const res = sb2.run('backup-sqlite.sh', ['--env', 'local-istio']);
      expect(res.status).toBe(1);
      expect(res.stderr).toContain('no running backend pod (app.kubernetes.io/name=todo-backend) in todo-local-istio');
    } finally {
      sb2.cleanup();
    }
  });

  test('minikube (PostgreSQL) is refused with a pointer to pg_dump', () => {
    const res = sb.run('backup-sqlite.sh', ['--env', 'minikube']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('pg_dump');
    expect(sb.calls()).toEqual([]);
  });
});

describe('restore-sqlite.sh', () => {
  let sb: Sandbox;
  let dataDir: string;
  let db: string;
  let backup: string;
  let env: Record<string, string>;
  const IMAGE = 'todo-backend:v0.1.0-abc1234';

  beforeEach(() => {
    sb = new Sandbox();
    dataDir = path.join(sb.dir, 'data');
    db = path.join(dataDir, 'db.sqlite3');
    backup = path.join(sb.dir, 'todo-local-20250101T000000Z.sqlite3');
    env = { TODO_DB_PATH: db, PYTHON_BIN: PYTHON ?? 'python3' };
    sb.rule({ tool: 'kubectl', match: 'get deployment todo-backend -o jsonpath=\\{\\.spec\\.replicas\\}', stdout: '2' });
    sb.rule({ tool: 'kubectl', match: 'get deployment todo-backend -o jsonpath=\\{\\.spec\\.template', stdout: IMAGE });
  });
  afterEach(() => sb.cleanup());

  withPython('stops the backend, swaps the file in through a restricted pod, scales back and verifies', () => {
    makeDb(db, 5); // the live database
    makeDb(backup, 2); // the backup to restore
    sb.rule({ tool: 'kubectl', match: ' exec ', run: LOCAL_EXEC });
    const res = sb.run('restore-sqlite.sh', ['--env', 'local', '--file', backup, '--yes'], { env });
    expect(res.status).toBe(0);

    // the data really was swapped, the previous database kept aside
    expect(fs.readFileSync(db).equals(fs.readFileSync(TEMPLATES[2]))).toBe(true);
    const aside = fs.readdirSync(dataDir).filter((f) => f.startsWith('db.sqlite3.pre-restore-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dataDir, aside[0])).equals(fs.readFileSync(TEMPLATES[5]))).toBe(true);
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('.restore-upload'))).toEqual([]);
    expect(res.stdout).toContain('verified: integrity_check=ok; rows per table: todos=2, users=1');
    expect(res.stdout).toContain(`restore OK: ${db} in todo-local now matches ${backup}`);

    const k = 'kubectl --context kind-todo -n todo-local';
    const lines = sb.lines().map((l) => l.split(' -- ')[0]);
    expect(lines).toEqual([
      `${k} get deployment todo-backend -o jsonpath={.spec.replicas}`,
      `${k} get deployment todo-backend -o jsonpath={.spec.template.spec.containers[?(@.name=="backend")].image}`,
      `${k} get persistentvolumeclaim todo-data -o name`,
      `${k} scale deployment/todo-backend --replicas=0`,
      `${k} get pods -l app.kubernetes.io/name=todo-backend -o name`,
      'kubectl --context kind-todo apply -f -',
      `${k} wait --for=condition=Ready pod/todo-sqlite-restore --timeout=180s`,
      `${k} exec -i todo-sqlite-restore`,
      `${k} exec todo-sqlite-restore`,
      `${k} delete pod todo-sqlite-restore --ignore-not-found --wait=true --timeout=180s`,
      `${k} scale deployment/todo-backend --replicas=2`,
      `${k} rollout status deployment/todo-backend --timeout=180s`,
    ]);
    // the file went in through stdin of the exec
    const upload = sb.calls().find((c) => c.args.includes('-i'))!;
    expect(upload.stdin!.equals(fs.readFileSync(backup))).toBe(true);
  });

  test('the short-lived pod satisfies Pod Security "restricted" and mounts the claim', () => {
    fs.writeFileSync(backup, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(100)]));
    sb.rule({
      tool: 'kubectl',
      match: ' -- python3 -c .*sha256',
      stdout: `integrity=ok\nsha256=${sha256(fs.readFileSync(backup))}\nrows=todos:0\nprevious=${db}.pre-restore-x\n`,
    });
    const res = sb.run('restore-sqlite.sh', ['--file', backup, '--yes', '--env', 'local-istio'], { env });
    expect(res.status).toBe(0);
    const apply = sb.calls().find((c) => c.line === 'kubectl --context kind-todo apply -f -')!;
    const pod = parse(apply.stdin!.toString());
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.name).toBe('todo-sqlite-restore');
    expect(pod.metadata.namespace).toBe('todo-local-istio');
    expect(pod.metadata.annotations['sidecar.istio.io/inject']).toBe('false');
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(pod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.spec.containers).toHaveLength(1);
    const [c] = pod.spec.containers;
    expect(c.image).toBe(IMAGE);
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext.privileged).toBeUndefined();
    expect(c.securityContext.capabilities.add).toBeUndefined();
    // the same sub-directory of the claim as the backend's /data mount
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: dataDir, subPath: 'data' }]);
    expect(pod.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'todo-data' } }]);
    expect(pod.spec.hostNetwork ?? false).toBe(false);
    expect(JSON.stringify(pod)).not.toContain('hostPath');
    // And the project's own checks agree: a valid Pod that meets every restricted control.
    const violations = validateManifests([pod], { externalNamespaces: ['todo-local-istio'] });
    expect(violations.filter((v) => v.rule.startsWith('pss-restricted/') || v.rule.startsWith('schema/'))).toEqual([]);
  });

  withPython('a corrupt backup is rejected inside the pod; the live database stays and the backend comes back', () => {
    makeDb(db, 5);
    fs.writeFileSync(backup, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4000, 0x41)]));
    sb.rule({ tool: 'kubectl', match: ' exec ', run: LOCAL_EXEC });
    const res = sb.run('restore-sqlite.sh', ['--file', backup, '--yes'], { env });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('the restore inside todo-sqlite-restore failed; the current database was left in place');
    expect(fs.readFileSync(db).equals(fs.readFileSync(TEMPLATES[5]))).toBe(true);
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('.restore-upload'))).toEqual([]);
    const lines = sb.lines();
    expect(lines.slice(-2)).toEqual([
      'kubectl --context kind-todo -n todo-local delete pod todo-sqlite-restore --ignore-not-found --wait=false',
      'kubectl --context kind-todo -n todo-local scale deployment/todo-backend --replicas=2',
    ]);
    expect(res.stderr).toContain('restore did not complete; scaling todo-backend back to 2');
  });

  test('a restore pod that never gets ready: diagnostics, pod removed, backend scaled back', () => {
    fs.writeFileSync(backup, 'SQLite format 3\0');
    sb.rule({ tool: 'kubectl', match: 'wait --for=condition=Ready pod/todo-sqlite-restore', exit: 1, stderr: 'error: timed out waiting for the condition\n' });
    sb.rule({ tool: 'kubectl', match: 'get events', stdout: 'Warning FailedCreate violates PodSecurity "restricted:latest"\n' });
    const res = sb.run('restore-sqlite.sh', ['--file', backup, '--yes', '--timeout', '5s'], { env });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('restore pod todo-sqlite-restore did not become ready within 5s');
    expect(res.stderr).toContain('violates PodSecurity');
    const lines = sb.lines();
    expect(lines).toContain('kubectl --context kind-todo -n todo-local get pods -l app.kubernetes.io/name=todo-sqlite-restore -o wide');
    expect(lines.slice(-2)).toEqual([
      'kubectl --context kind-todo -n todo-local delete pod todo-sqlite-restore --ignore-not-found --wait=false',
      'kubectl --context kind-todo -n todo-local scale deployment/todo-backend --replicas=2',
    ]);
  });

  test('without --yes it asks, and a "no" changes nothing', () => {
    fs.writeFileSync(backup, 'SQLite format 3\0');
    const res = sb.run('restore-sqlite.sh', ['--file', backup], { env, input: 'no\n' });
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('Restore? [y/N]');
    expect(sb.lines().filter((l) => / (scale|apply|exec) /.test(l))).toEqual([]);
  });

  test('a file that is not SQLite is refused before touching the cluster', () => {
    fs.writeFileSync(backup, 'not a database');
    const res = sb.run('restore-sqlite.sh', ['--file', backup, '--yes'], { env });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('is not an SQLite database');
    expect(sb.calls()).toEqual([]);
  });

  test('--file is required', () => {
    const res = sb.run('restore-sqlite.sh', ['--yes']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('--file BACKUP is required');
  });
});
