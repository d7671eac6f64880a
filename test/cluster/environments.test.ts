/**
 * The README's path on a real API server: `npx cdk8s synth` of every environment, then
 * `kubectl apply -f dist`; what the cluster's own admission, controllers and scheduler make of it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { APP_SECRET_NAME, ENVIRONMENTS, environmentChart, environmentValues } from '../../app';
import { ControlPlane, replicaSets, synth } from './control-plane';

const environments = Object.values(ENVIRONMENTS);
let cluster: ControlPlane;
let outdir: string;

beforeAll(() => {
  cluster = ControlPlane.start();
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-'));
  const synthesized = synth(cluster, outdir, { TODO_ENV: 'all' });
  if (synthesized.status !== 0) throw new Error(`npx cdk8s synth failed:\n${synthesized.stdout}${synthesized.stderr}`);
  // The README's order: environments whose pods need the Secret get it before the deploy.
  for (const settings of environments.filter((environment) => !environmentValues(environment).secretOptional)) {
    cluster.kubectlOk(['create', 'namespace', settings.namespace, '--save-config']);
    cluster.kubectlOk(['-n', settings.namespace, 'create', 'secret', 'generic', APP_SECRET_NAME,
      '--from-literal=DATABASE_URL=postgresql://todo@db.example:5432/todo', '--from-literal=BETTER_AUTH_SECRET=test-only']);
  }
}, 1_800_000);

afterAll(() => {
  cluster?.stop();
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

function events(namespace: string): any[] {
  return cluster.getJson(['events', '-n', namespace]).items;
}

describe('npx cdk8s synth, then kubectl apply -f dist', () => {
  test('dist holds only the four manifests', () => {
    expect(fs.readdirSync(outdir).sort()).toEqual(environments.map((settings) => `${settings.name}.k8s.yaml`).sort());
  });

  test('kubectl apply -f dist succeeds with no error and no warning', () => {
    const applied = cluster.kubectl(['apply', '-f', outdir]);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
  });

  test('server-side apply of the same output is accepted with no conflict and no warning', () => {
    const applied = cluster.kubectl(['apply', '--server-side', '-f', outdir]);
    expect(applied.stderr).toBe('');
    expect(applied.status).toBe(0);
  });

  test.each(environments.map((settings) => [settings.name, settings]))('%s: the namespace enforces Pod Security "restricted"', (_name, settings) => {
    const labels = cluster.getJson(['namespace', settings.namespace]).metadata.labels;
    expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test.each(environments.map((settings) => [settings.name, settings]))('%s: every Deployment rolls out', (_name, settings) => {
    for (const deployment of ['todo-backend', 'todo-frontend']) {
      const status = cluster.kubectl(['-n', settings.namespace, 'rollout', 'status', `deployment/${deployment}`, '--timeout=120s']);
      expect(`${deployment}: ${status.stdout}${status.stderr}`).toContain('successfully rolled out');
    }
  });

  test.each(environments.map((settings) => [settings.name, settings]))('%s: no FailedCreate or FailedScheduling (quota, limit range, Pod Security)', (_name, settings) => {
    const failures = events(settings.namespace).filter((event) => ['FailedCreate', 'FailedScheduling'].includes(event.reason));
    expect(failures.map((event) => `${event.involvedObject.kind}/${event.involvedObject.name}: ${event.message}`)).toEqual([]);
  });

  test.each(environments.filter((settings) => environmentValues(settings).persistence.enabled).map((settings) => [settings.name, settings]))(
    '%s: the SQLite claim binds', async (_name, settings) => {
      const phase = await cluster.waitFor('the claim to bind', () => {
        const claim = cluster.getJson(['pvc', 'todo-data', '-n', settings.namespace]);
        return claim.status.phase === 'Bound' ? claim.status.phase : undefined;
      });
      expect(phase).toBe('Bound');
    });

  test('every object of the output exists on the server: HPA, PDB, NetworkPolicy, Istio and Gateway API ones included', () => {
    const kinds = new Set(cluster.kubectlOk(['get', '-f', outdir, '-o', 'jsonpath={range .items[*]}{.kind}{"\\n"}{end}']).trim().split('\n'));
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'Gateway', 'VirtualService', 'HTTPRoute', 'Ingress', 'ResourceQuota', 'LimitRange']) {
      expect(kinds).toContain(kind);
    }
  });

  test('the HorizontalPodAutoscalers bring the workloads to their minimum replicas (the real controller acts on them)', async () => {
    const production = ENVIRONMENTS.production;
    const minimum = environmentValues(production).backend.autoscaling.minReplicas;
    const ready = await cluster.waitFor('the HPA to scale todo-backend to its minimum', () => {
      const deployment = cluster.getJson(['deployment', 'todo-backend', '-n', production.namespace]);
      return deployment.status.readyReplicas === minimum ? deployment.status.readyReplicas : undefined;
    }, 90_000);
    expect(ready).toBe(minimum);
  });

  test('applying the same output again changes nothing: kubectl diff exits 0', () => {
    const diff = cluster.kubectl(['diff', '-f', outdir]);
    expect(diff.stdout).toBe('');
    expect(diff.status).toBe(0);
  });
});

describe('a changed deploy rolls the pods', () => {
  const local = ENVIRONMENTS.local;

  test('a new image tag: a new ReplicaSet with the new image', async () => {
    const before = replicaSets(cluster, local.namespace, 'todo-backend');
    const changed = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-tag-'));
    expect(synth(cluster, changed, { TODO_ENV: 'local', IMAGE_TAG: 'v9.9.9-test' }).status).toBe(0);
    expect(cluster.kubectl(['diff', '-f', changed]).status).toBe(1);
    cluster.kubectlOk(['apply', '-f', changed]);
    cluster.kubectlOk(['-n', local.namespace, 'rollout', 'status', 'deployment/todo-backend', '--timeout=120s']);
    const after = replicaSets(cluster, local.namespace, 'todo-backend');
    expect(after.filter((name) => !before.includes(name))).toHaveLength(1);
    const pods = cluster.getJson(['pods', '-n', local.namespace, '-l', 'app.kubernetes.io/name=todo-backend']).items;
    expect(pods.filter((pod: any) => !pod.metadata.deletionTimestamp).map((pod: any) => pod.spec.containers[0].image)).toEqual(['todo-backend:v9.9.9-test']);
    fs.rmSync(changed, { recursive: true, force: true });
  });

  test('a changed backend configuration (ConfigMap): the checksum annotation rolls the pods', () => {
    const before = replicaSets(cluster, local.namespace, 'todo-backend');
    const chart = environmentChart(new App(), local, { backend: { config: { MODE: 'real', MODEL_SERVER_URL: 'http://model.todo.test:8000/v1' } } }, { imageTag: 'v9.9.9-test' });
    const applied = cluster.kubectl(['apply', '-f', '-'], { input: Yaml.stringify(...chart.toJson()) });
    expect(applied.stderr).toBe('');
    cluster.kubectlOk(['-n', local.namespace, 'rollout', 'status', 'deployment/todo-backend', '--timeout=120s']);
    expect(replicaSets(cluster, local.namespace, 'todo-backend').filter((name) => !before.includes(name))).toHaveLength(1);
    expect(cluster.getJson(['configmap', 'todo-backend-config', '-n', local.namespace]).data.MODE).toBe('real');
  });
});
