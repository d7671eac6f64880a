import * as fs from 'fs';
import * as path from 'path';
import { Sandbox } from './helpers';

const KINDS =
  'Deployment.v1.apps,StatefulSet.v1.apps,Job.v1.batch,CronJob.v1.batch,Service,ConfigMap,ServiceAccount,ResourceQuota,LimitRange,' +
  'Role.v1.rbac.authorization.k8s.io,RoleBinding.v1.rbac.authorization.k8s.io,Ingress.v1.networking.k8s.io,' +
  'NetworkPolicy.v1.networking.k8s.io,PodDisruptionBudget.v1.policy,HorizontalPodAutoscaler.v2.autoscaling';
const ISTIO_KINDS =
  'Gateway.v1.networking.istio.io,VirtualService.v1.networking.istio.io,DestinationRule.v1.networking.istio.io,' +
  'PeerAuthentication.v1.security.istio.io,AuthorizationPolicy.v1.security.istio.io';
const LABELS = (env: string) => `app.kubernetes.io/part-of=todo,app.kubernetes.io/instance=todo-${env}`;

/** Would this kubectl call delete a claim, a volume or a namespace (and so the data)? */
function deletesStorage(args: string[]): boolean {
  if (!args.includes('delete')) return false;
  const targets = args.slice(args.indexOf('delete') + 1).filter((a) => !a.startsWith('-'));
  return targets.some((t) =>
    t.split(',').some((k) =>
      /^(all|pvc|pvcs|persistentvolumeclaims?|pv|pvs|persistentvolumes?|ns|namespaces?)(\/|$|\.)/.test(k),
    ),
  );
}

describe('cleanup.sh', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = new Sandbox();
  });
  afterEach(() => sb.cleanup());

  test('without --purge-data: deletes explicit kinds by label and never a claim, a volume or the namespace', () => {
    const res = sb.run('cleanup.sh', ['--env', 'local', '--yes']);
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual([
      `kubectl --context kind-todo -n todo-local delete ${KINDS} -l ${LABELS('local')} --ignore-not-found --wait=true --timeout=120s`,
      'kubectl --context kind-todo -n todo-local get persistentvolumeclaims -o name',
    ]);
    expect(sb.calls().some((c) => deletesStorage(c.args))).toBe(false);
    expect(res.stdout).toContain('keeps the namespace, the Secret todo-secrets and the PersistentVolumeClaim todo-data');
  });

  test.each(['local', 'local-istio', 'minikube'])('%s without --purge-data never deletes storage', (env) => {
    const res = sb.run('cleanup.sh', ['--env', env, '--yes']);
    expect(res.status).toBe(0);
    const deletes = sb.calls().filter((c) => c.args.includes('delete'));
    expect(deletes).toHaveLength(1);
    for (const c of sb.calls()) {
      expect(deletesStorage(c.args)).toBe(false);
      expect(c.line).not.toMatch(/delete .*(persistentvolume|pvc|\bnamespaces?\b)/);
    }
  });

  test('local-istio adds the Istio routing kinds', () => {
    const res = sb.run('cleanup.sh', ['--env', 'local-istio', '--yes']);
    expect(res.status).toBe(0);
    expect(sb.lines()[0]).toBe(
      `kubectl --context kind-todo -n todo-local-istio delete ${KINDS},${ISTIO_KINDS} -l ${LABELS('local-istio')} --ignore-not-found --wait=true --timeout=120s`,
    );
  });

  test('asks for confirmation and deletes nothing when the answer is not yes', () => {
    const res = sb.run('cleanup.sh', ['--env', 'local'], { input: 'n\n' });
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('Delete environment local? [y/N]');
    expect(res.stderr).toContain('aborted; nothing was deleted');
    expect(sb.calls()).toEqual([]);
  });

  test('no answer at all (closed stdin) is a no', () => {
    const res = sb.run('cleanup.sh', ['--env', 'minikube']);
    expect(res.status).toBe(1);
    expect(sb.calls()).toEqual([]);
  });

  test('answering yes at the prompt deletes', () => {
    const res = sb.run('cleanup.sh', ['--env', 'minikube'], { input: 'yes\n' });
    expect(res.status).toBe(0);
    expect(sb.lines()[0]).toMatch(/^kubectl --context todo -n todo-minikube delete Deployment\.v1\.apps,/);
  });

  test('--purge-data on local lets the provisioner delete the retained volume, then deletes the namespace', () => {
    sb.rule({ tool: 'kubectl', match: 'get persistentvolumes', stdout: 'pvc-1234\n' });
    const res = sb.run('cleanup.sh', ['--env', 'local', '--purge-data', '--yes', '--timeout', '30s']);
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual([
      'kubectl --context kind-todo get persistentvolumes -o jsonpath={range .items[?(@.spec.claimRef.namespace=="todo-local")]}{.metadata.name}{"\\n"}{end}',
      'kubectl --context kind-todo patch persistentvolume pvc-1234 -p {"spec":{"persistentVolumeReclaimPolicy":"Delete"}}',
      'kubectl --context kind-todo delete namespace todo-local --ignore-not-found --wait=true --timeout=30s',
      'kubectl --context kind-todo delete storageclasses -l app.kubernetes.io/part-of=todo,app.kubernetes.io/instance=todo-local --ignore-not-found',
    ]);
    expect(res.stdout).toContain('with ALL its data');
  });

  test('--purge-data on minikube (no SQLite volume) deletes the namespace only', () => {
    const res = sb.run('cleanup.sh', ['--env', 'minikube', '--purge-data', '--yes']);
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual(['kubectl --context todo delete namespace todo-minikube --ignore-not-found --wait=true --timeout=120s']);
  });

  test('--purge-data on local-istio also deletes the static PV and empties the host directory', () => {
    const storage = path.join(sb.dir, 'aiq-storage');
    fs.mkdirSync(path.join(storage, 'images'), { recursive: true });
    fs.writeFileSync(path.join(storage, 'db.sqlite3'), 'SQLite format 3\0');
    fs.writeFileSync(path.join(storage, 'images', 'a.png'), 'png');
    sb.rule({ tool: 'kubectl', match: 'get persistentvolumes', stdout: 'todo-local-istio-todo-data\n' });
    const res = sb.run('cleanup.sh', ['--env', 'local-istio', '--purge-data', '--storage-dir', storage], { input: 'y\n' });
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual([
      'kubectl --context kind-todo get persistentvolumes -o jsonpath={range .items[?(@.spec.claimRef.namespace=="todo-local-istio")]}{.metadata.name}{"\\n"}{end}',
      'kubectl --context kind-todo delete namespace todo-local-istio --ignore-not-found --wait=true --timeout=120s',
      'kubectl --context kind-todo delete storageclasses -l app.kubernetes.io/part-of=todo,app.kubernetes.io/instance=todo-local-istio --ignore-not-found',
      'kubectl --context kind-todo delete persistentvolume todo-local-istio-todo-data --ignore-not-found --wait=true --timeout=120s',
      'kubectl --context kind-todo delete persistentvolumes -l app.kubernetes.io/part-of=todo,app.kubernetes.io/instance=todo-local-istio --ignore-not-found --wait=true --timeout=120s',
    ]);
    expect(fs.existsSync(storage)).toBe(true);
    expect(fs.readdirSync(storage)).toEqual([]);
  });

  test('a relative storage dir is refused for purging', () => {
    const res = sb.run('cleanup.sh', ['--env', 'local-istio', '--purge-data', '--yes', '--storage-dir', 'rel/dir']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('must be an absolute path');
    expect(sb.calls()).toEqual([]);
  });
});
