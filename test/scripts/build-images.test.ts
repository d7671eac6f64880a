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
