/**
 * The laptop scripts for real against the API server (only kind, minikube and docker would be
 * stand-ins, and these scripts call none of them): create-secret.sh, deploy.sh (with --diff and
 * the prune), cleanup.sh and cleanup.sh --purge-data, in the order a user runs them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENVIRONMENTS } from '../../app';
import { ControlPlane, REPO_ROOT, Result } from './control-plane';

const local = ENVIRONMENTS.local;
const namespace = local.namespace;
let cluster: ControlPlane;
let work: string;

function script(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Result {
  return cluster.run('bash', [path.join(REPO_ROOT, 'scripts', name), '--context', 'test', ...args], {
    env: cluster.env({ TODO_ROLLOUT_TIMEOUT: '120s', ...env }),
    timeoutMs: 300_000,
  });
}

function ok(result: Result): string {
  if (result.status !== 0) throw new Error(`exit ${result.status}:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function exists(args: string[]): boolean {
  return cluster.kubectl(['get', ...args, '-o', 'name']).status === 0;
}

function claimVolume(): string {
  return cluster.getJson(['pvc', 'todo-data', '-n', namespace]).spec.volumeName;
}

/** A synth command for deploy.sh's TODO_SYNTH_CMD: the local environment with NetworkPolicies turned on. */
function synthWithNetworkPolicies(): string {
  const program = path.join(work, 'synth-with-network-policies.js');
  fs.writeFileSync(program, `
const { App } = require(${JSON.stringify(require.resolve('cdk8s'))});
const { ENVIRONMENTS, environmentChart } = require(${JSON.stringify(path.join(REPO_ROOT, 'build', 'app', 'index.js'))});
const app = new App();
environmentChart(app, ENVIRONMENTS.local, { networkPolicy: { enabled: true } }, { imageTag: process.env.IMAGE_TAG });
app.synth();
`);
  return `node ${program}`;
}

beforeAll(() => {
  cluster = ControlPlane.start();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'scripts-'));
  fs.writeFileSync(path.join(work, '.env'), 'BETTER_AUTH_SECRET=test-only-auth\nOPENAI_API_KEY=test-only-key\n');
}, 1_800_000);

afterAll(() => {
  cluster?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('a laptop session on the local environment', () => {
  let firstVolume: string;

  test('create-secret.sh creates the namespace and the Secret, naming only the keys', () => {
    const stdout = ok(script('create-secret.sh', ['--env', 'local', '--env-file', path.join(work, '.env')]));
    expect(stdout).toContain('holds the keys: BETTER_AUTH_SECRET, OPENAI_API_KEY (values not shown)');
    expect(Object.keys(cluster.getJson(['secret', 'todo-secrets', '-n', namespace]).data).sort()).toEqual(['BETTER_AUTH_SECRET', 'OPENAI_API_KEY']);
  });

  test('deploy.sh synthesizes, applies with no warning, and every rollout completes', () => {
    const deployed = script('deploy.sh', ['--env', 'local']);
    expect(deployed.stderr).not.toMatch(/warning/i);
    expect(ok(deployed)).toContain(`deployed local to namespace ${namespace}`);
    expect(cluster.getJson(['pvc', 'todo-data', '-n', namespace]).status.phase).toBe('Bound');
    firstVolume = claimVolume();
  });

  test('deploy.sh --diff right after a deploy finds nothing to change (exit 0)', () => {
    const diff = script('deploy.sh', ['--env', 'local', '--skip-synth', '--diff']);
    expect(diff.stdout).toContain('no differences');
    expect(diff.status).toBe(0);
  });

  const networkPolicies = () => cluster.kubectlOk(['get', 'networkpolicies', '-n', namespace, '-o', 'name']).trim().split('\n').filter((line) => line);

  test('a deploy that adds NetworkPolicies creates them', () => {
    ok(script('deploy.sh', ['--env', 'local'], { TODO_SYNTH_CMD: synthWithNetworkPolicies() }));
    expect(networkPolicies().length).toBeGreaterThan(0);
  });

  test('deploy.sh --diff previews the prune of the policies the new output no longer holds (exit 1)', () => {
    const diff = script('deploy.sh', ['--env', 'local', '--diff']);
    expect(diff.stdout).toContain('kind: NetworkPolicy');
    expect(diff.status).toBe(1);
    expect(networkPolicies().length).toBeGreaterThan(0);
  });

  test('the next deploy prunes them, and nothing else: the claim keeps its volume', () => {
    ok(script('deploy.sh', ['--env', 'local']));
    expect(networkPolicies()).toEqual([]);
    expect(claimVolume()).toBe(firstVolume);
    expect(exists(['secret', 'todo-secrets', '-n', namespace])).toBe(true);
  });

  test('cleanup.sh removes the app and keeps the claim, its volume and the Secret', async () => {
    ok(script('cleanup.sh', ['--env', 'local', '--yes']));
    expect(exists(['deployment', 'todo-backend', '-n', namespace])).toBe(false);
    expect(exists(['service', 'todo-backend', '-n', namespace])).toBe(false);
    expect(exists(['pvc', 'todo-data', '-n', namespace])).toBe(true);
    expect(exists(['pv', firstVolume])).toBe(true);
    expect(exists(['secret', 'todo-secrets', '-n', namespace])).toBe(true);
  });

  test('a second deploy binds the same volume again', () => {
    ok(script('deploy.sh', ['--env', 'local']));
    expect(claimVolume()).toBe(firstVolume);
    expect(cluster.getJson(['pv', firstVolume]).status.phase).toBe('Bound');
  });

  test('cleanup.sh --purge-data removes the namespace, the claim, the Secret and the volume', async () => {
    ok(script('cleanup.sh', ['--env', 'local', '--yes', '--purge-data']));
    expect(exists(['namespace', namespace])).toBe(false);
    await cluster.waitFor('the provisioner to delete the released volume', () => (exists(['pv', firstVolume]) ? undefined : true));
    expect(cluster.kubectlOk(['get', 'storageclass', '-l', `app.kubernetes.io/instance=${namespace}`, '-o', 'name'])).toBe('');
  });
});
