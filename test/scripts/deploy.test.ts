import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from './helpers';

/** npx stub: behaves like `cdk8s synth` and records the environment it was given. */
const FAKE_SYNTH = String.raw`
echo "TODO_ENV=$TODO_ENV IMAGE_TAG=${"$"}{IMAGE_TAG-<unset>} IMAGE_REGISTRY=${"$"}{IMAGE_REGISTRY-<unset>} cwd=$PWD" >>"$dir/synth-env"
mkdir -p dist
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: todo-%s\n' "$TODO_ENV" >"dist/$TODO_ENV.k8s.yaml"
`;

const WORKLOADS = 'deployment.apps/todo-backend\ndeployment.apps/todo-frontend\n';

/** The prune arguments of an environment's apply: its own labels, the app's kinds, never claims or volumes. */
const PRUNE = (env: string) => [
  `--prune -l app.kubernetes.io/part-of=todo,app.kubernetes.io/instance=todo-${env}`,
  ...['apps/v1/Deployment', 'apps/v1/StatefulSet', 'batch/v1/Job', 'batch/v1/CronJob', 'core/v1/Service', 'core/v1/ConfigMap',
    'core/v1/ServiceAccount', 'core/v1/ResourceQuota', 'core/v1/LimitRange', 'rbac.authorization.k8s.io/v1/Role',
    'rbac.authorization.k8s.io/v1/RoleBinding', 'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/NetworkPolicy',
    'policy/v1/PodDisruptionBudget', 'autoscaling/v2/HorizontalPodAutoscaler', 'storage.k8s.io/v1/StorageClass']
    .map((kind) => `--prune-allowlist=${kind}`),
].join(' ');

describe('deploy.sh', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = new Sandbox();
    sb.rule({ tool: 'npx', match: '^cdk8s synth --no-check-upgrade$', run: FAKE_SYNTH });
    sb.rule({ tool: 'kubectl', match: 'get deployments,statefulsets', stdout: WORKLOADS });
  });
  afterEach(() => sb.cleanup());

  const synthEnv = () => fs.readFileSync(path.join(sb.dir, 'synth-env'), 'utf8').trim().split('\n');

  test('synthesizes, applies and waits for every rollout, in this order', () => {
    const res = sb.run('deploy.sh', ['--env', 'local', '--tag', 'v0.1.0-abc1234', '--timeout', '45s']);
    expect(res.status).toBe(0);
    const manifest = path.join(sb.root, 'dist', 'local.k8s.yaml');
    expect(sb.lines()).toEqual([
      'npx cdk8s synth --no-check-upgrade',
      'kubectl --context kind-todo get --raw=/version --request-timeout=5s',
      'kubectl --context kind-todo -n todo-local get secret todo-secrets -o name',
      `kubectl --context kind-todo apply -f ${manifest} ${PRUNE('local')}`,
      'kubectl --context kind-todo -n todo-local get deployments,statefulsets -l app.kubernetes.io/part-of=todo -o name',
      'kubectl --context kind-todo -n todo-local rollout status deployment.apps/todo-backend --timeout=45s',
      'kubectl --context kind-todo -n todo-local rollout status deployment.apps/todo-frontend --timeout=45s',
    ]);
    expect(synthEnv()).toEqual([
      `TODO_ENV=local IMAGE_TAG=v0.1.0-abc1234 IMAGE_REGISTRY=<unset> cwd=${sb.root}`,
    ]);
    expect(res.stdout).toContain('deployed local to namespace todo-local (image tag v0.1.0-abc1234)');
  });

  test('the tag recorded by build-images.sh flows into synth; IMAGE_REGISTRY passes through', () => {
    fs.mkdirSync(path.join(sb.root, '.cache'));
    fs.writeFileSync(path.join(sb.root, '.cache', 'image-tag.minikube-todo'), 'v0.1.0-def5678\n');
    const res = sb.run('deploy.sh', ['--env', 'minikube'], { env: { IMAGE_REGISTRY: 'reg.local:5000' } });
    expect(res.status).toBe(0);
    expect(synthEnv()).toEqual([
      `TODO_ENV=minikube IMAGE_TAG=v0.1.0-def5678 IMAGE_REGISTRY=reg.local:5000 cwd=${sb.root}`,
    ]);
    expect(sb.lines()[2]).toBe('kubectl --context todo -n todo-minikube get secret todo-secrets -o name');
  });

  test('IMAGE_TAG from the environment wins over the recorded tag; no tag at all leaves the synth default', () => {
    fs.mkdirSync(path.join(sb.root, '.cache'));
    fs.writeFileSync(path.join(sb.root, '.cache', 'image-tag.kind-todo'), 'v0.1.0-recorded\n');
    expect(sb.run('deploy.sh', ['--env', 'local-istio'], { env: { IMAGE_TAG: 'v0.1.0-fromenv' } }).status).toBe(0);
    fs.rmSync(path.join(sb.root, '.cache'), { recursive: true });
    expect(sb.run('deploy.sh', ['--env', 'local-istio']).status).toBe(0);
    expect(synthEnv()).toEqual([
      `TODO_ENV=local-istio IMAGE_TAG=v0.1.0-fromenv IMAGE_REGISTRY=<unset> cwd=${sb.root}`,
      `TODO_ENV=local-istio IMAGE_TAG=<unset> IMAGE_REGISTRY=<unset> cwd=${sb.root}`,
    ]);
  });

  test('TODO_SYNTH_CMD replaces npx cdk8s synth', () => {
    const cmd = `mkdir -p dist && echo "kind: Namespace" > dist/$TODO_ENV.k8s.yaml && echo "custom $TODO_ENV $IMAGE_TAG" > "${sb.dir}/custom"`;
    const res = sb.run('deploy.sh', ['--tag', 't1'], { env: { TODO_SYNTH_CMD: cmd } });
    expect(res.status).toBe(0);
    expect(sb.lines('npx')).toEqual([]);
    expect(fs.readFileSync(path.join(sb.dir, 'custom'), 'utf8')).toBe('custom local t1\n');
  });

  test('a rollout timeout prints pods, events and last log lines, then exits non-zero', () => {
    sb.rule({
      tool: 'kubectl',
      match: 'rollout status deployment.apps/todo-backend',
      exit: 1,
      stderr: 'error: timed out waiting for the condition\n',
    });
    sb.rule({
      tool: 'kubectl',
      match: 'get pods -l app.kubernetes.io/part-of=todo -o wide',
      stdout: 'NAME                 READY   STATUS             RESTARTS\ntodo-backend-7d9-x   0/1     CrashLoopBackOff   4\n',
    });
    sb.rule({
      tool: 'kubectl',
      match: 'get pods -l app.kubernetes.io/part-of=todo -o name',
      stdout: 'pod/todo-backend-7d9-x\n',
    });
    sb.rule({
      tool: 'kubectl',
      match: 'get events --sort-by=.lastTimestamp',
      stdout: 'LAST SEEN   TYPE      REASON    MESSAGE\n10s         Warning   BackOff   Back-off restarting failed container backend\n',
    });
    sb.rule({
      tool: 'kubectl',
      match: 'logs pod/todo-backend-7d9-x --all-containers --prefix --tail=40$',
      stdout: '[pod/todo-backend-7d9-x/backend] sqlite3.OperationalError: unable to open database file\n',
    });
    const res = sb.run('deploy.sh', ['--env', 'local', '--timeout', '1s']);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('rollout of deployment.apps/todo-backend in todo-local did not complete within 1s');
    expect(res.stderr).toContain('CrashLoopBackOff');
    expect(res.stderr).toContain('Back-off restarting failed container backend');
    expect(res.stderr).toContain('sqlite3.OperationalError: unable to open database file');
    expect(res.stderr).toContain('deploy of local failed');
    const lines = sb.lines();
    const failedAt = lines.indexOf('kubectl --context kind-todo -n todo-local rollout status deployment.apps/todo-backend --timeout=1s');
    expect(lines.slice(failedAt + 1)).toEqual([
      'kubectl --context kind-todo -n todo-local get pods -l app.kubernetes.io/part-of=todo -o wide',
      'kubectl --context kind-todo -n todo-local get events --sort-by=.lastTimestamp',
      'kubectl --context kind-todo -n todo-local get pods -l app.kubernetes.io/part-of=todo -o name',
      'kubectl --context kind-todo -n todo-local logs pod/todo-backend-7d9-x --all-containers --prefix --tail=40',
      'kubectl --context kind-todo -n todo-local logs pod/todo-backend-7d9-x --all-containers --prefix --previous --tail=40',
    ]);
    // it stopped at the first failed rollout
    expect(lines.filter((l) => l.includes('rollout status deployment.apps/todo-frontend'))).toEqual([]);
  });

  test('minikube: a missing Secret (DATABASE_URL) stops before apply with the command to create it', () => {
    sb.rule({ tool: 'kubectl', match: 'get secret todo-secrets', exit: 1, stderr: 'NotFound\n' });
    const res = sb.run('deploy.sh', ['--env', 'minikube']);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('secret todo-secrets is missing in namespace todo-minikube');
    expect(res.stderr).toContain('scripts/create-secret.sh --env minikube');
    expect(sb.lines().filter((l) => l.includes(' apply '))).toEqual([]);
  });

  test('local: a missing Secret only warns (the local environments start in mock mode without it)', () => {
    sb.rule({ tool: 'kubectl', match: 'get secret todo-secrets', exit: 1, stderr: 'NotFound\n' });
    const res = sb.run('deploy.sh', ['--env', 'local']);
    expect(res.status).toBe(0);
    expect(res.stderr).toContain('secret todo-secrets is missing in todo-local: the app starts in mock mode without it');
    expect(sb.lines().filter((l) => l.includes(' apply '))).toHaveLength(1);
  });

  test('a failing synth stops everything', () => {
    const res = sb.run('deploy.sh', [], { env: { TODO_SYNTH_CMD: 'echo boom >&2; exit 3' } });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('boom');
    expect(res.stderr).toContain('synth failed');
    expect(sb.lines('kubectl')).toEqual([]);
  });

  test('apply is retried (webhook not ready yet) and then gives up', () => {
    sb.rule({ tool: 'kubectl', match: ' apply -f ', exit: 1, stderr: 'failed calling webhook "validate.nginx.ingress.kubernetes.io"\n' });
    const res = sb.run('deploy.sh', [], { env: { TODO_APPLY_ATTEMPTS: '3' } });
    expect(res.status).toBe(1);
    expect(sb.lines().filter((l) => l.includes(' apply -f '))).toHaveLength(3);
    expect(res.stderr).toContain('kubectl apply failed 3 times');
    expect(sb.lines().filter((l) => l.includes('rollout status'))).toEqual([]);
  });

  test.each([
    ['local', 'kind-todo', 'The connection to the server 127.0.0.1:41355 was refused - did you specify the right host or port?'],
    ['minikube', 'todo', 'Unable to connect to the server: dial tcp 192.168.49.2:8443: i/o timeout'],
  ])('%s: a cluster that does not answer stops the deploy at once, with kubectl\'s reason, before the Secret check or apply', (env, context, reason) => {
    sb.rule({ tool: 'kubectl', match: 'get --raw=/version', exit: 1, stderr: `E1204 17:00:00.000000 memcache.go:265] couldn't get current server API group list\n${reason}\n` });
    const res = sb.run('deploy.sh', ['--env', env]);
    expect(res.status).toBe(1);
    expect(sb.lines()).toEqual(['npx cdk8s synth --no-check-upgrade', `kubectl --context ${context} get --raw=/version --request-timeout=5s`]);
    expect(res.stderr).toContain(`the cluster of context ${context} does not answer (${reason}); start it with scripts/cluster-up.sh --env ${env}`);
    expect(res.stderr).not.toContain('secret');
  });

  test('TODO_CLUSTER_TIMEOUT sets how long the reachability check waits', () => {
    expect(sb.run('deploy.sh', ['--env', 'local'], { env: { TODO_CLUSTER_TIMEOUT: '20' } }).status).toBe(0);
    expect(sb.lines()[1]).toBe('kubectl --context kind-todo get --raw=/version --request-timeout=20s');
  });

  test('--diff previews against the cluster, prune included, changes nothing and passes on kubectl diff\'s exit code', () => {
    fs.mkdirSync(path.join(sb.root, 'dist'));
    fs.writeFileSync(path.join(sb.root, 'dist', 'local.k8s.yaml'), 'kind: Namespace\n');
    sb.rule({ tool: 'kubectl', match: ' diff -f ', exit: 1, stdout: '+  replicas: 2\n' });
    const res = sb.run('deploy.sh', ['--skip-synth', '--diff']);
    expect(res.status).toBe(1);
    expect(sb.lines()).toEqual([
      'kubectl --context kind-todo get --raw=/version --request-timeout=5s',
      `kubectl --context kind-todo diff -f ${path.join(sb.root, 'dist', 'local.k8s.yaml')} ${PRUNE('local')}`,
    ]);
    expect(res.stdout).toContain('differences above');
  });

  test('--diff exits 0 when the cluster already matches, and passes a kubectl error through', () => {
    fs.mkdirSync(path.join(sb.root, 'dist'));
    fs.writeFileSync(path.join(sb.root, 'dist', 'local.k8s.yaml'), 'kind: Namespace\n');
    expect(sb.run('deploy.sh', ['--skip-synth', '--diff']).status).toBe(0);
    sb.rule({ tool: 'kubectl', match: ' diff -f ', exit: 3, stderr: 'error: connection refused\n' });
    const failed = sb.run('deploy.sh', ['--skip-synth', '--diff']);
    expect(failed.status).toBe(3);
    expect(failed.stderr).toContain('kubectl diff failed (exit 3)');
  });

  test('--skip-synth applies the existing manifest; --restart restarts the Deployments', () => {
    fs.mkdirSync(path.join(sb.root, 'dist'));
    fs.writeFileSync(path.join(sb.root, 'dist', 'local.k8s.yaml'), 'kind: Namespace\n');
    const res = sb.run('deploy.sh', ['--skip-synth', '--restart', '--no-secret-check']);
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual([
      'kubectl --context kind-todo get --raw=/version --request-timeout=5s',
      `kubectl --context kind-todo apply -f ${path.join(sb.root, 'dist', 'local.k8s.yaml')} ${PRUNE('local')}`,
      'kubectl --context kind-todo -n todo-local get deployments,statefulsets -l app.kubernetes.io/part-of=todo -o name',
      'kubectl --context kind-todo -n todo-local rollout restart deployment -l app.kubernetes.io/part-of=todo',
      'kubectl --context kind-todo -n todo-local rollout status deployment.apps/todo-backend --timeout=300s',
      'kubectl --context kind-todo -n todo-local rollout status deployment.apps/todo-frontend --timeout=300s',
    ]);
  });
});
