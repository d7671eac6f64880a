import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, Sandbox } from './helpers';

describe('build-images.sh with an app in a git repository', () => {
  let sb: Sandbox;
  let backend: string;
  let frontend: string;
  let sha: string;
  beforeAll(() => {
    sb = new Sandbox({ version: '0.1.0' });
    backend = path.join(sb.dir, 'app', 'backend');
    frontend = path.join(sb.dir, 'app', 'frontend');
    sha = sb.gitRepo(path.join(sb.dir, 'app'), {
      'backend/Dockerfile': 'FROM python:3.12-slim\n',
      'frontend/Dockerfile': 'FROM node:20-alpine\n',
    });
  });
  afterAll(() => sb.cleanup());
  beforeEach(() => {
    sb.reset();
    fs.rmSync(path.join(sb.root, '.cache'), { recursive: true, force: true });
  });

  const tagFile = (name: string) => path.join(sb.root, '.cache', name);

  test('tags with version + short commit, builds both images and loads them into kind', () => {
    expect(sha).toMatch(/^[0-9a-f]{7}$/);
    const res = sb.run('build-images.sh', ['--backend', backend, '--frontend', frontend, '--env', 'local']);
    expect(res.status).toBe(0);
    const tag = `v0.1.0-${sha}`;
    expect(sb.lines()).toEqual([
      `docker build -t todo-backend:${tag} ${backend}`,
      `docker build -t todo-frontend:${tag} ${frontend}`,
      `kind load docker-image --name todo todo-backend:${tag} todo-frontend:${tag}`,
    ]);
    expect(fs.readFileSync(tagFile('image-tag.kind-todo'), 'utf8')).toBe(`${tag}\n`);
    expect(res.stdout).toContain(`recorded IMAGE_TAG=${tag}`);
  });

  test('--local-tag gives v<version>-local; minikube loads with minikube image load', () => {
    const res = sb.run('build-images.sh', [
      '--backend', backend, '--frontend', frontend, '--env', 'minikube', '--local-tag',
    ]);
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual([
      `docker build -t todo-backend:v0.1.0-local ${backend}`,
      `docker build -t todo-frontend:v0.1.0-local ${frontend}`,
      'minikube -p todo image load todo-backend:v0.1.0-local',
      'minikube -p todo image load todo-frontend:v0.1.0-local',
    ]);
    expect(fs.readFileSync(tagFile('image-tag.minikube-todo'), 'utf8')).toBe('v0.1.0-local\n');
  });

  test('a failing docker build stops before loading and records no tag', () => {
    sb.rule({ tool: 'docker', match: 'todo-frontend', exit: 1, stderr: 'failed to solve\n' });
    const res = sb.run('build-images.sh', ['--backend', backend, '--frontend', frontend]);
    expect(res.status).toBe(1);
    expect(sb.lines('kind')).toEqual([]);
    expect(fs.existsSync(tagFile('image-tag.kind-todo'))).toBe(false);
  });

  test('IMAGE_REGISTRY prefixes the image names and --tag is used as given', () => {
    const res = sb.run('build-images.sh', ['--backend', backend, '--frontend', frontend, '--tag', 'v9.9.9-rc1'], {
      env: { IMAGE_REGISTRY: 'registry.example.com/team//' },
    });
    expect(res.status).toBe(0);
    expect(sb.lines()).toEqual([
      `docker build -t registry.example.com/team/todo-backend:v9.9.9-rc1 ${backend}`,
      `docker build -t registry.example.com/team/todo-frontend:v9.9.9-rc1 ${frontend}`,
      'kind load docker-image --name todo registry.example.com/team/todo-backend:v9.9.9-rc1 registry.example.com/team/todo-frontend:v9.9.9-rc1',
    ]);
  });
});

describe('build-images.sh without git', () => {
  let sb: Sandbox;
  let backend: string;
  let frontend: string;
  beforeEach(() => {
    sb = new Sandbox({ version: '0.1.0' });
    backend = path.join(sb.dir, 'app', 'backend');
    frontend = path.join(sb.dir, 'app', 'frontend');
  });
  afterEach(() => sb.cleanup());

  test('outside a git repository the tag falls back to -local with a warning', () => {
    for (const d of [backend, frontend]) {
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, 'Dockerfile'), 'FROM scratch\n');
    }
    const res = sb.run('build-images.sh', ['--backend', backend, '--frontend', frontend, '--no-load']);
    expect(res.status).toBe(0);
    expect(res.stderr).toContain("not in a git repository; using the '-local' tag");
    expect(sb.lines()).toEqual([
      `docker build -t todo-backend:v0.1.0-local ${backend}`,
      `docker build -t todo-frontend:v0.1.0-local ${frontend}`,
    ]);
  });

  test('a directory without a Dockerfile is refused before building', () => {
    fs.mkdirSync(backend, { recursive: true });
    fs.mkdirSync(frontend, { recursive: true });
    fs.writeFileSync(path.join(backend, 'Dockerfile'), 'x');
    const res = sb.run('build-images.sh', ['--backend', backend, '--frontend', frontend]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`no Dockerfile in ${frontend}`);
    expect(sb.calls()).toEqual([]);
  });

  test('without --backend and --frontend it builds the reference app in examples/todo-app', () => {
    const res = sb.run('build-images.sh', ['--no-load', '--local-tag']);
    expect(res.status).toBe(0);
    const example = path.join(REPO_ROOT, 'examples', 'todo-app');
    expect(sb.lines()).toEqual([
      `docker build -t todo-backend:v0.1.0-local ${example}/backend`,
      `docker build -t todo-frontend:v0.1.0-local ${example}/frontend`,
    ]);
    for (const dir of ['backend', 'frontend']) expect(fs.existsSync(path.join(example, dir, 'Dockerfile'))).toBe(true);
  });

  test('--help names the defaults', () => {
    const res = sb.run('build-images.sh', ['--help']);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('default: examples/todo-app/backend');
    expect(res.stdout).toContain('default: examples/todo-app/frontend');
  });
});

describe('build-images.sh with buildah (no Docker engine)', () => {
  let sb: Sandbox;
  let backend: string;
  let frontend: string;
  beforeEach(() => {
    sb = new Sandbox({ version: '0.1.0' });
    backend = path.join(sb.dir, 'app', 'backend');
    frontend = path.join(sb.dir, 'app', 'frontend');
    fs.mkdirSync(backend, { recursive: true });
    fs.mkdirSync(frontend, { recursive: true });
    fs.writeFileSync(path.join(backend, 'Dockerfile'), 'ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm\nFROM ${PYTHON_IMAGE}\n');
    fs.writeFileSync(path.join(frontend, 'Dockerfile'), 'ARG NODE_IMAGE=node:22.14.0-bookworm-slim\nFROM ${NODE_IMAGE} AS standalone\n');
  });
  afterEach(() => sb.cleanup());

  const app = () => ['--backend', backend, '--frontend', frontend, '--local-tag'];

  test('without docker on PATH it builds with buildah and loads kind through image archives', () => {
    const noDocker = new Sandbox({ version: '0.1.0', omit: ['docker'] });
    try {
      const res = noDocker.run('build-images.sh', [...app(), '--env', 'local']);
      expect(res.status).toBe(0);
      const lines = noDocker.lines();
      expect(lines.slice(0, 2)).toEqual([
        `buildah build --layers -t todo-backend:v0.1.0-local ${backend}`,
        `buildah build --layers -t todo-frontend:v0.1.0-local ${frontend}`,
      ]);
      // Each image through an archive of its own, which kind loads.
      expect(lines.slice(2)).toEqual([
        expect.stringMatching(/^buildah push --quiet todo-backend:v0\.1\.0-local docker-archive:(\S+\/1\.tar):todo-backend:v0\.1\.0-local$/),
        expect.stringMatching(/^kind load image-archive --name todo \S+\/1\.tar$/),
        expect.stringMatching(/^buildah push --quiet todo-frontend:v0\.1\.0-local docker-archive:(\S+\/2\.tar):todo-frontend:v0\.1\.0-local$/),
        expect.stringMatching(/^kind load image-archive --name todo \S+\/2\.tar$/),
      ]);
    } finally {
      noDocker.cleanup();
    }
  });

  test('--load-into containerd imports each archive with ctr into the k8s.io namespace (a node without kind)', () => {
    const res = sb.run('build-images.sh', [...app(), '--builder', 'buildah', '--load-into', 'containerd']);
    expect(res.status).toBe(0);
    expect(sb.lines('ctr')).toEqual([
      expect.stringMatching(/^ctr -n k8s\.io images import \S+\/1\.tar$/),
      expect.stringMatching(/^ctr -n k8s\.io images import \S+\/2\.tar$/),
    ]);
    expect(sb.lines('kind')).toEqual([]);
  });

  test('--frontend-target static builds the frontend\'s static target; TODO_BUILD_NETWORK sets the builds\' network', () => {
    const res = sb.run('build-images.sh', [...app(), '--builder', 'buildah', '--no-load', '--frontend-target', 'static'], {
      env: { TODO_BUILD_NETWORK: 'ns:/run/todo-node/host.netns' },
    });
    expect(res.status).toBe(0);
    expect(sb.lines('buildah')).toEqual([
      `buildah build --layers --network ns:/run/todo-node/host.netns -t todo-backend:v0.1.0-local ${backend}`,
      `buildah build --layers --network ns:/run/todo-node/host.netns --target static -t todo-frontend:v0.1.0-local ${frontend}`,
    ]);
  });

  test('--stand-in-bases builds the Debian stand-in of each base the Dockerfiles name, then builds on it without pulling', () => {
    const standIns = path.join(REPO_ROOT, 'scripts', 'images', 'stand-ins');
    const res = sb.run('build-images.sh', [...app(), '--builder', 'buildah', '--no-load', '--stand-in-bases']);
    expect(res.status).toBe(0);
    // The Debian base already exists in buildah's storage (the stub answers `inspect`), so no debootstrap.
    // The Debian base is named by a checksum of its recipe, so a changed recipe builds it anew.
    const debian = sb.lines('buildah').find((line) => line.startsWith('buildah inspect'))!.split(' ').pop()!;
    expect(debian).toMatch(/^localhost\/stand-in\/debian:bookworm-slim-\d+$/);
    expect(sb.lines('buildah').filter((line) => !line.startsWith('buildah inspect'))).toEqual([
      `buildah build --layers --pull=never --build-arg DEBIAN_IMAGE=${debian} -t localhost/stand-in/python:3.11.13-slim-bookworm ${standIns}/python`,
      `buildah build --layers --pull=never --build-arg PYTHON_IMAGE=localhost/stand-in/python:3.11.13-slim-bookworm -t todo-backend:v0.1.0-local ${backend}`,
      `buildah build --layers --pull=never --build-arg DEBIAN_IMAGE=${debian} --build-arg NODE_VERSION=22.14.0 --build-arg NPM_VERSION=10.9.2 -t localhost/stand-in/node:22.14.0-bookworm-slim ${standIns}/node`,
      `buildah build --layers --pull=never --build-arg NODE_IMAGE=localhost/stand-in/node:22.14.0-bookworm-slim -t todo-frontend:v0.1.0-local ${frontend}`,
    ]);
  });

  test('the Debian base\'s name follows its recipe: another mirror names another image, the same recipe the same one', () => {
    const name = (env: Record<string, string> = {}) => spawnSync('bash', ['-c',
      `source ${REPO_ROOT}/scripts/lib/common.sh && source ${REPO_ROOT}/scripts/lib/images.sh && images_debian_stand_in_name`], {
      encoding: 'utf8', env: { ...process.env, ...env },
    }).stdout.trim();
    expect(name()).toMatch(/^localhost\/stand-in\/debian:bookworm-slim-\d+$/);
    expect(name()).toBe(name());
    expect(name({ TODO_DEBIAN_MIRROR: 'http://mirror.example/debian' })).not.toBe(name());
  });

  test('--stand-in-bases refuses a base argument it has no stand-in for, naming it, and builds nothing', () => {
    fs.writeFileSync(path.join(backend, 'Dockerfile'), 'ARG RUBY_IMAGE=ruby:3.3-slim\nFROM ${RUBY_IMAGE}\n');
    const res = sb.run('build-images.sh', [...app(), '--builder', 'buildah', '--no-load', '--stand-in-bases']);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('no stand-in for RUBY_IMAGE=ruby:3.3-slim (known: PYTHON_IMAGE, NODE_IMAGE, NGINX_IMAGE)');
    expect(sb.lines('buildah').filter((line) => line.startsWith('buildah build'))).toEqual([]);
  });

  test('--stand-in-bases needs buildah; unknown builders, load targets and frontend targets are usage errors', () => {
    for (const [args, message] of [
      [['--stand-in-bases'], '--stand-in-bases builds with buildah'],
      [['--builder', 'podman'], '--builder must be docker or buildah'],
      [['--load-into', 'k3d'], '--load-into must be kind, minikube or containerd'],
      [['--frontend-target', 'export'], '--frontend-target must be standalone or static'],
    ] as const) {
      const res = sb.run('build-images.sh', [...app(), ...args]);
      expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 2, stderr: expect.stringContaining(message) });
    }
    expect(sb.calls()).toEqual([]);
  });
});
