import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ENVIRONMENTS, environmentValues } from '../../app';
import { Sandbox, SCRIPTS_DIR } from './helpers';

const NODE_IMAGE =
  'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5';
const INGRESS_NGINX =
  'https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.15.1/deploy/static/provider/kind/deploy.yaml';
const KIND_CONFIG = path.join(SCRIPTS_DIR, 'kind', 'kind-config.yaml');
const KIND_CONFIG_HOSTPATH = path.join(SCRIPTS_DIR, 'kind', 'kind-config-hostpath.yaml');

interface KindNode {
  role: string;
  image: string;
  kubeadmConfigPatches: string[];
  extraPortMappings: Array<{ containerPort: number; hostPort: number; protocol: string }>;
  extraMounts?: Array<{ hostPath: string; containerPath: string }>;
}

function kindNodes(text: string): KindNode[] {
  const cfg = parse(text);
  expect(cfg.kind).toBe('Cluster');
  expect(cfg.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
  return cfg.nodes;
}

describe('kind config files', () => {
  test.each([KIND_CONFIG, KIND_CONFIG_HOSTPATH])('%s pins the 1.36 node image by digest and labels the node ingress-ready', (file) => {
    const nodes = kindNodes(fs.readFileSync(file, 'utf8'));
    expect(nodes).toHaveLength(1);
    expect(nodes[0].role).toBe('control-plane');
    expect(nodes[0].image).toBe(NODE_IMAGE);
    const patch = parse(nodes[0].kubeadmConfigPatches[0]);
    expect(patch.kind).toBe('InitConfiguration');
    expect(patch.nodeRegistration.kubeletExtraArgs['node-labels']).toBe('ingress-ready=true');
    expect(nodes[0].extraPortMappings.map((m) => m.hostPort).sort()).toEqual([443, 80]);
  });

  test('the ingress config maps host ports 80/443 to the node ports 80/443 and mounts nothing', () => {
    const [node] = kindNodes(fs.readFileSync(KIND_CONFIG, 'utf8'));
    expect(node.extraPortMappings).toEqual([
      { containerPort: 80, hostPort: 80, protocol: 'TCP' },
      { containerPort: 443, hostPort: 443, protocol: 'TCP' },
    ]);
    expect(node.extraMounts).toBeUndefined();
  });

  test('the hostPath config mounts the node path of local-istio\'s volume (app/environments.ts) and maps 80/443 to the gateway NodePorts', () => {
    const hostPath = environmentValues(ENVIRONMENTS['local-istio']).persistence.hostPath;
    expect(hostPath).toBe('/tmp/aiq-storage');
    const [node] = kindNodes(fs.readFileSync(KIND_CONFIG_HOSTPATH, 'utf8'));
    expect(node.extraMounts).toEqual([{ hostPath, containerPath: hostPath }]);
    expect(node.extraPortMappings).toEqual([
      { containerPort: 30080, hostPort: 80, protocol: 'TCP' },
      { containerPort: 30443, hostPort: 443, protocol: 'TCP' },
    ]);
    const values = parse(fs.readFileSync(path.join(SCRIPTS_DIR, 'istio', 'gateway-values.yaml'), 'utf8'));
    expect(values.service.type).toBe('NodePort');
    const nodePorts = values.service.ports.map((p: { nodePort?: number }) => p.nodePort).filter(Boolean);
    expect(nodePorts).toEqual([30080, 30443]);
  });

  test('common.sh pins the same node image', () => {
    expect(fs.readFileSync(path.join(SCRIPTS_DIR, 'lib', 'common.sh'), 'utf8')).toContain(`TODO_KIND_NODE_IMAGE="${NODE_IMAGE}"`);
  });
});

describe('cluster-up.sh', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = new Sandbox();
  });
  afterEach(() => sb.cleanup());

  test('local: creates the kind cluster from the repo config and installs the pinned ingress-nginx', () => {
    const res = sb.run('cluster-up.sh', ['--env', 'local', '--timeout', '90s']);
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual([
      'docker info',
      'kind get clusters',
      `kind create cluster --name todo --config ${KIND_CONFIG} --wait 90s`,
      `kubectl --context kind-todo apply -f ${INGRESS_NGINX}`,
      'kubectl --context kind-todo -n ingress-nginx rollout status deployment/ingress-nginx-controller --timeout=90s',
    ]);
    expect(res.stdout).toContain('http://todo.localhost/');
  });

  test('local: an existing cluster is reused, not recreated', () => {
    sb.rule({ tool: 'kind', match: '^get clusters$', stdout: 'other\ntodo\n' });
    const res = sb.run('cluster-up.sh', ['--env', 'local']);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("kind cluster 'todo' already exists; reusing it");
    expect(sb.lines().filter((l) => l.startsWith('kind create'))).toEqual([]);
    expect(sb.lines()).toContain(`kubectl --context kind-todo apply -f ${INGRESS_NGINX}`);
  });

  test('--name changes the cluster name and the context', () => {
    const res = sb.run('cluster-up.sh', ['--name', 'dev']);
    expect(res.status).toBe(0);
    expect(sb.lines()).toContain(`kind create cluster --name dev --config ${KIND_CONFIG} --wait 300s`);
    expect(sb.lines()).toContain(`kubectl --context kind-dev apply -f ${INGRESS_NGINX}`);
  });

  test('a Docker engine that does not answer stops everything', () => {
    sb.rule({ tool: 'docker', match: '^info$', exit: 1, stderr: 'Cannot connect to the Docker daemon\n' });
    const res = sb.run('cluster-up.sh', ['--env', 'local']);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("cannot reach the Docker engine ('docker info' failed)");
    expect(sb.lines()).toEqual(['docker info']);
  });

  test('a failing ingress controller rollout makes the script fail', () => {
    sb.rule({ tool: 'kubectl', match: 'rollout status', exit: 1, stderr: 'error: timed out waiting for the condition\n' });
    const res = sb.run('cluster-up.sh', ['--env', 'local']);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('timed out waiting for the condition');
  });

  test('local-istio: prepares the hostPath directory, mounts it and installs Istio with CNI at a pinned version', () => {
    const storage = path.join(sb.dir, 'storage', 'todo');
    const res = sb.run('cluster-up.sh', ['--env', 'local-istio', '--storage-dir', storage, '--timeout', '2m']);
    expect(res.status).toBe(0);
    expect(fs.statSync(storage).isDirectory()).toBe(true);
    // uid 1000 (the backend's user) must be able to write there: as root the script chowns the
    // directory, as another user it opens it up.
    const st = fs.statSync(storage);
    const me = process.getuid?.();
    if (me === 0) expect(st.uid).toBe(1000);
    else if (me !== 1000) expect(st.mode & 0o777).toBe(0o777);

    const calls = sb.calls();
    const create = calls.find((c) => c.line.startsWith('kind create cluster'));
    expect(create).toBeDefined();
    expect(create!.args.slice(0, 4)).toEqual(['create', 'cluster', '--name', 'todo']);
    expect(create!.args[5]).not.toBe(KIND_CONFIG_HOSTPATH); // a rendered copy with the custom dir
    const [node] = kindNodes(create!.config!);
    expect(node.extraMounts).toEqual([{ hostPath: storage, containerPath: '/tmp/aiq-storage' }]);
    expect(node.image).toBe(NODE_IMAGE);

    const helmArgs = (release: string, chart: string, extra: string[]) =>
      `helm --kube-context kind-todo upgrade --install ${release} ${chart} --namespace istio-system --version 1.30.4 --wait --timeout 2m${extra.length ? ' ' + extra.join(' ') : ''}`;
    expect(sb.lines().slice(3)).toEqual([
      'kubectl --context kind-todo create namespace istio-system --dry-run=client -o yaml',
      'kubectl --context kind-todo apply -f -',
      'kubectl --context kind-todo label --overwrite namespace istio-system pod-security.kubernetes.io/enforce=privileged',
      'helm repo add istio https://istio-release.storage.googleapis.com/charts --force-update',
      helmArgs('istio-base', 'istio/base', ['--set', 'defaultRevision=default']),
      helmArgs('istio-cni', 'istio/cni', []),
      helmArgs('istiod', 'istio/istiod', ['--set', 'pilot.cni.enabled=true']),
      helmArgs('istio-ingressgateway', 'istio/gateway', ['--values', path.join(SCRIPTS_DIR, 'istio', 'gateway-values.yaml')]),
      'kubectl --context kind-todo -n istio-system rollout status daemonset/istio-cni-node --timeout=2m',
      'kubectl --context kind-todo -n istio-system rollout status deployment/istiod --timeout=2m',
      'kubectl --context kind-todo -n istio-system rollout status deployment/istio-ingressgateway --timeout=2m',
    ]);
    expect(sb.lines().slice(0, 3)).toEqual(['docker info', 'kind get clusters', create!.line]);
  });

  test('local-istio: refuses to reuse a cluster that lacks the hostPath mount', () => {
    sb.rule({ tool: 'kind', match: '^get clusters$', stdout: 'todo\n' });
    sb.rule({ tool: 'docker', match: '^inspect', stdout: '/var\n/lib/modules\n' });
    const res = sb.run('cluster-up.sh', ['--env', 'local-istio', '--storage-dir', path.join(sb.dir, 's')]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('has no /tmp/aiq-storage mount');
    expect(sb.lines().filter((l) => l.startsWith('helm') || l.startsWith('kind create'))).toEqual([]);
  });

  test('local-istio: reuses a cluster that has the mount', () => {
    sb.rule({ tool: 'kind', match: '^get clusters$', stdout: 'todo\n' });
    sb.rule({ tool: 'docker', match: '^inspect', stdout: '/var\n/tmp/aiq-storage\n' });
    const res = sb.run('cluster-up.sh', ['--env', 'local-istio', '--storage-dir', path.join(sb.dir, 's')]);
    expect(res.status).toBe(0);
    expect(sb.lines()).toContain(
      "docker inspect --format {{range .Mounts}}{{println .Destination}}{{end}} todo-control-plane",
    );
    expect(sb.lines().filter((l) => l.startsWith('kind create'))).toEqual([]);
  });

  test('minikube: starts a profile with enough resources, the addons and Kubernetes 1.36', () => {
    sb.rule({ tool: 'minikube', match: 'status', exit: 7 });
    sb.rule({ tool: 'minikube', match: ' ip$', stdout: '192.168.49.2\n' });
    const res = sb.run('cluster-up.sh', ['--env', 'minikube', '--cpus', '6', '--timeout', '10m']);
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual([
      'minikube -p todo status',
      'minikube start -p todo --driver=docker --cpus=6 --memory=6144 --kubernetes-version=v1.36.4 --addons=ingress --addons=metrics-server',
      'kubectl --context todo -n ingress-nginx rollout status deployment/ingress-nginx-controller --timeout=10m',
      'kubectl --context todo -n kube-system rollout status deployment/metrics-server --timeout=10m',
      'minikube -p todo ip',
    ]);
    expect(res.stdout).toContain("echo '192.168.49.2 todo.local' | sudo tee -a /etc/hosts");
  });

  test('minikube: a running profile gets the addons enabled instead of a new start', () => {
    sb.rule({ tool: 'minikube', match: ' ip$', stdout: '192.168.49.2\n' });
    const res = sb.run('cluster-up.sh', ['--env', 'minikube']);
    expect(res.status).toBe(0);
    expect(sb.lines('minikube')).toEqual([
      'minikube -p todo status',
      'minikube -p todo addons enable ingress',
      'minikube -p todo addons enable metrics-server',
      'minikube -p todo ip',
    ]);
  });
});
