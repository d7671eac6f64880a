/**
 * The reference app's images (examples/todo-app) against the constructs: USER, EXPOSE and HEALTHCHECK of each
 * Dockerfile, the static server's nginx port, the loopback Ingress stand-in's routes and the defaults table of
 * docs/container-contract.md all agree with what FastApiBackend, NextFrontend, SqlitePersistence and the local
 * environment's Ingress synthesize. Every expected value comes from the library; none is repeated here.
 * Dockerfiles are parsed with dockerfile-ast (no Docker needed).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { DockerfileParser, Instruction } from 'dockerfile-ast';
import { ENVIRONMENTS, environmentChart } from '../app';
import { FastApiBackend, NextFrontend, NextFrontendMode, SqlitePersistence } from '../lib';
import { Manifest, findObject, mainContainer, synth, testChart } from './util';

const ROOT = path.resolve(__dirname, '..');
const APP = path.join(ROOT, 'examples', 'todo-app');
const read = (...parts: string[]) => fs.readFileSync(path.join(...parts), 'utf8');

/** What an image must match: read from a synthesized Deployment. */
interface ContainerDefaults {
  port: number;
  servicePort: number;
  user: number;
  group: number;
  livenessPath: string;
  readinessPath: string;
  writablePaths: string[];
  config: Record<string, string>;
}

function defaultsOf(objects: Manifest[], name: string): ContainerDefaults {
  const deployment = findObject(objects, 'Deployment', name);
  const container = mainContainer(deployment);
  const pod = deployment.spec.template.spec;
  const emptyDirs = new Set((pod.volumes ?? []).filter((v: any) => v.emptyDir).map((v: any) => v.name));
  const service = findObject(objects, 'Service', name);
  return {
    port: container.ports[0].containerPort,
    servicePort: service.spec.ports[0].port,
    user: container.securityContext.runAsUser,
    group: container.securityContext.runAsGroup,
    livenessPath: container.livenessProbe.httpGet.path,
    readinessPath: container.readinessProbe.httpGet.path,
    writablePaths: container.volumeMounts.filter((m: any) => emptyDirs.has(m.name)).map((m: any) => m.mountPath),
    config: findObject(objects, 'ConfigMap', `${name}-config`).data,
  };
}

function constructDefaults() {
  const chart = testChart();
  new FastApiBackend(chart, 'backend', { image: 'b:v1' });
  const standalone = new NextFrontend(chart, 'standalone', { image: 'f:v1' });
  new NextFrontend(chart, 'static', { image: 'f:v1', mode: NextFrontendMode.STATIC });
  const objects = synth(chart);
  // SqlitePersistence's own defaults, on a backend of their own.
  const sqliteChart = testChart();
  const sqlite = new SqlitePersistence(sqliteChart, 'data');
  sqlite.attachTo(new FastApiBackend(sqliteChart, 'backend', { image: 'b:v1' }));
  const sqliteContainer = mainContainer(findObject(synth(sqliteChart), 'Deployment', 'backend'));
  return {
    backend: defaultsOf(objects, 'backend'),
    standalone: defaultsOf(objects, 'standalone'),
    static: defaultsOf(objects, 'static'),
    defaultFrontendMode: standalone.mode,
    sqlite: {
      databaseUrl: sqlite.databaseUrl,
      mountPaths: sqliteContainer.volumeMounts.filter((m: any) => m.name === 'sqlite').map((m: any) => m.mountPath) as string[],
    },
  };
}

const DEFAULTS = constructDefaults();

/** One build stage of a Dockerfile: its FROM (with the base argument it names, if any) and the instructions up to the next FROM. */
interface Stage {
  name: string | null;
  image: string;
  baseArg?: string;
  instructions: Instruction[];
}

/** The ARGs declared before the first FROM, with their defaults: what a FROM may name. */
function globalArgs(file: string): Record<string, string> {
  const globals: Record<string, string> = {};
  for (const instruction of DockerfileParser.parse(read(file)).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') break;
    if (instruction.getKeyword() !== 'ARG') continue;
    const [name, value] = (instruction.getArgumentsContent() ?? '').split('=');
    globals[name] = value;
  }
  return globals;
}

function stagesOf(file: string): Stage[] {
  const stages: Stage[] = [];
  const globals = globalArgs(file);
  for (const instruction of DockerfileParser.parse(read(file)).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const args = instruction.getArguments().map((a) => a.getValue());
      const as = args.findIndex((a) => a.toUpperCase() === 'AS');
      const written = args.filter((a) => !a.startsWith('--'))[0];
      const baseArg = /^\$\{(\w+)\}$/.exec(written)?.[1];
      const image = baseArg === undefined ? written : globals[baseArg];
      stages.push({ name: as >= 0 ? args[as + 1] : null, image, baseArg, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

const args = (stage: Stage, keyword: string): string[][] =>
  stage.instructions.filter((i) => i.getKeyword() === keyword).map((i) => i.getArguments().map((a) => a.getValue()));
const text = (stage: Stage, keyword: string): string[] =>
  stage.instructions.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? '');

/** The last value an instruction sets in a stage (the one that takes effect). */
function last<T>(values: T[], what: string): T {
  if (values.length === 0) throw new Error(`no ${what}`);
  return values[values.length - 1];
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const words of args(stage, 'ENV')) {
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
    }
  }
  return env;
}

/** USER, EXPOSE and the HEALTHCHECK URL of a stage, and how its container is run. */
function runtimeOf(stage: Stage) {
  const [user, group] = last(args(stage, 'USER'), 'USER')[0].split(':');
  const healthcheck = last(text(stage, 'HEALTHCHECK'), 'HEALTHCHECK');
  // An HTTP client's URL, or bash's /dev/tcp/HOST/PORT with the request line it sends.
  const url = /https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)(\/[^'"\s)]*)/.exec(healthcheck)
    ?? /\/dev\/tcp\/127\.0\.0\.1\/(\d+)[\s\S]*GET (\/\S*) HTTP/.exec(healthcheck);
  return {
    user,
    group,
    exposed: args(stage, 'EXPOSE').flat(),
    healthcheckPort: url ? Number(url[1]) : undefined,
    healthcheckPath: url ? url[2] : undefined,
    env: envOf(stage),
    runs: text(stage, 'RUN').join('\n'),
  };
}

function expectImageMatches(stage: Stage, expected: ContainerDefaults) {
  const runtime = runtimeOf(stage);
  // Numeric, so Kubernetes can verify runAsNonRoot without /etc/passwd; the same ids the pod runs with.
  expect(runtime.user).toMatch(/^\d+$/);
  expect({ user: Number(runtime.user), group: Number(runtime.group ?? runtime.user) }).toEqual({ user: expected.user, group: expected.group });
  expect(runtime.exposed).toEqual([String(expected.port)]);
  expect({ port: runtime.healthcheckPort, path: runtime.healthcheckPath }).toEqual({ port: expected.port, path: expected.livenessPath });
}

describe.each([
  ['backend/Dockerfile'],
  ['frontend/Dockerfile'],
])('examples/todo-app/%s', (file) => {
  const stages = stagesOf(path.join(APP, file));
  const stageNames = new Set(stages.map((s) => s.name).filter((n): n is string => n !== null));

  test('is multi-stage, every stage named, base images pinned to a full version', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      expect(stage.name).not.toBeNull();
      if (stageNames.has(stage.image)) continue;
      // Upstream bases are arguments with a pinned default, so scripts/build-images.sh --stand-in-bases can replace them.
      expect(stage.baseArg).toMatch(/^[A-Z]+_IMAGE$/);
      // name:MAJOR.MINOR.PATCH-variant (or a digest); never latest or a floating major.
      expect(stage.image).toMatch(/^[a-z0-9./-]+(:\d+\.\d+\.\d+[a-z0-9.-]*)?(@sha256:[0-9a-f]{64})?$/);
      expect(stage.image).toMatch(/:\d+\.\d+\.\d+|@sha256:/);
    }
  });

  test('builds on Debian (glibc): the stand-ins can replace every base (no Alpine packages are reachable here)', () => {
    for (const stage of stages.filter((s) => s.baseArg !== undefined)) expect(stage.image).toMatch(/(bookworm|trixie)/);
  });

  test('installs nothing in its final stages (build tools stay in the build stages)', () => {
    const finals = stages.filter((s) => ['runtime', 'standalone', 'static'].includes(s.name ?? ''));
    expect(finals.length).toBeGreaterThan(0);
    for (const stage of finals) {
      expect(stageNames.has(stage.image)).toBe(false);
      expect(runtimeOf(stage).runs).not.toMatch(/apt-get install|apk add|pip install|npm (ci|install)|gcc|build-essential/);
    }
  });
});

describe('backend image against FastApiBackend and SqlitePersistence', () => {
  const stages = stagesOf(path.join(APP, 'backend', 'Dockerfile'));
  const final = stages[stages.length - 1];

  test('the default target runs as the construct user, exposes its port, health-checks its liveness path', () => {
    expectImageMatches(final, DEFAULTS.backend);
    expect(runtimeOf(final).env.PORT).toBe(String(DEFAULTS.backend.port));
  });

  test('listens on every IPv4 and IPv6 address (HOST), like the standalone frontend NextFrontend configures (HOSTNAME)', () => {
    // "::" on one socket (todo_api/listening.py): IPv6-only and dual-stack clusters route to the pod's IPv6 address.
    expect(runtimeOf(final).env.HOST).toBe(DEFAULTS.standalone.config.HOSTNAME);
    expect(runtimeOf(final).env.HOST).toBe('::');
  });

  test('defaults to the SqlitePersistence database URL and owns its mount points', () => {
    const runtime = runtimeOf(final);
    expect(runtime.env.DATABASE_URL).toBe(DEFAULTS.sqlite.databaseUrl);
    expect(DEFAULTS.sqlite.mountPaths.length).toBe(2);
    for (const mountPath of DEFAULTS.sqlite.mountPaths) {
      expect(runtime.runs).toMatch(new RegExp(`mkdir -p [^\\n&]*${mountPath}(\\s|$)`));
      expect(runtime.runs).toMatch(new RegExp(`chown ${DEFAULTS.backend.user}:${DEFAULTS.backend.group} [^\\n&]*${mountPath}(\\s|$)`));
    }
  });

  test('the ConfigMap defaults are what the app reads (the todo app\'s MODE from main.ts, unbuffered, no bytecode writes)', () => {
    const runtime = runtimeOf(final);
    // MODE is the todo app's setting, not the construct's: the laptop environments run the mock.
    const localConfig = findObject(synth(environmentChart(new App(), ENVIRONMENTS.local)), 'ConfigMap', 'todo-backend-config');
    expect(runtime.env.MODE).toBe(localConfig.data.MODE);
    expect(DEFAULTS.backend.config.MODE).toBeUndefined();
    expect(runtime.env.PYTHONDONTWRITEBYTECODE).toBe(DEFAULTS.backend.config.PYTHONDONTWRITEBYTECODE);
    expect(runtime.env.PYTHONUNBUFFERED).toBe(DEFAULTS.backend.config.PYTHONUNBUFFERED);
  });
});

describe('frontend image against NextFrontend', () => {
  const stages = stagesOf(path.join(APP, 'frontend', 'Dockerfile'));
  const stage = (name: string) => {
    const found = stages.find((s) => s.name === name);
    if (!found) throw new Error(`no stage ${name}`);
    return found;
  };

  test('the default target is the default mode; every mode has a target of its name', () => {
    expect(stages[stages.length - 1].name).toBe(DEFAULTS.defaultFrontendMode);
    for (const mode of Object.values(NextFrontendMode)) expect(stage(mode)).toBeDefined();
  });

  test('standalone: user, port, health check and the server settings of the ConfigMap', () => {
    const standalone = stage(NextFrontendMode.STANDALONE);
    expectImageMatches(standalone, DEFAULTS.standalone);
    const env = runtimeOf(standalone).env;
    expect({ PORT: env.PORT, HOSTNAME: env.HOSTNAME, NEXT_TELEMETRY_DISABLED: env.NEXT_TELEMETRY_DISABLED }).toEqual({
      PORT: DEFAULTS.standalone.config.PORT,
      HOSTNAME: DEFAULTS.standalone.config.HOSTNAME,
      NEXT_TELEMETRY_DISABLED: DEFAULTS.standalone.config.NEXT_TELEMETRY_DISABLED,
    });
  });

  test('standalone: the writable paths besides /tmp exist and belong to the user', () => {
    const runs = runtimeOf(stage(NextFrontendMode.STANDALONE)).runs;
    const extra = DEFAULTS.standalone.writablePaths.filter((p) => p !== '/tmp');
    expect(extra.length).toBeGreaterThan(0);
    for (const writable of extra) {
      expect(runs).toContain(`mkdir -p ${writable}`);
      expect(runs).toContain(`chown ${DEFAULTS.standalone.user}:${DEFAULTS.standalone.group} ${writable}`);
    }
  });

  test('static: user, port and health check; nginx listens on the container port, IPv4 and IPv6', () => {
    expectImageMatches(stage(NextFrontendMode.STATIC), DEFAULTS.static);
    const listens = [...read(APP, 'frontend', 'nginx', 'default.conf').matchAll(/^\s*listen\s+([^;]+);/gm)].map((m) => m[1]);
    expect(listens).toEqual([String(DEFAULTS.static.port), `[::]:${DEFAULTS.static.port}`]);
  });

  test('the build inlines the construct default of NEXT_PUBLIC_API_URL', () => {
    const source = stage('source');
    expect(args(source, 'ARG').flat()).toContain(`NEXT_PUBLIC_API_URL=${DEFAULTS.standalone.config.NEXT_PUBLIC_API_URL}`);
  });
});

describe('examples/todo-app/e2e/ingress.conf (the loopback stand-in of the Ingress)', () => {
  const chart = environmentChart(new App(), ENVIRONMENTS.local);
  const ingress = findObject(Testing.synth(chart) as Manifest[], 'Ingress');
  const conf = read(APP, 'e2e', 'ingress.conf');

  test('routes exactly the local Ingress paths, unchanged, to the same Services', () => {
    const expected = ingress.spec.rules[0].http.paths.flatMap((route: any) => {
      const service = route.backend.service.name;
      if (route.pathType === 'Exact') return [[`= ${route.path}`, service]];
      // Prefix matches the path and whatever lies below it, element by element.
      return route.path === '/' ? [['/', service]] : [[`= ${route.path}`, service], [`${route.path}/`, service]];
    });
    const actual = [...conf.matchAll(/location\s+(=\s+)?(\S+)\s*\{\s*proxy_pass\s+http:\/\/([\w-]+);\s*\}/g)]
      .map((m) => [`${m[1] ? '= ' : ''}${m[2]}`, m[3]]);
    expect(actual.sort()).toEqual(expected.sort());
    expect(new Set(actual.map(([, service]) => service))).toEqual(new Set([chart.backend.name, chart.frontend.name]));
    expect(conf).not.toMatch(/^\s*rewrite\b|proxy_pass\s+http:\/\/[\w-]+\//m);
  });

  test('answers on the Ingress host and nowhere else', () => {
    expect([...conf.matchAll(/server_name\s+([^;]+);/g)].map((m) => m[1])).toEqual([ingress.spec.rules[0].host]);
    expect(conf).toMatch(/listen 127\.0\.0\.1:@PORT@ default_server;\s*return 404;/);
  });
});

describe('docs/container-contract.md', () => {
  const doc = read(ROOT, 'docs', 'container-contract.md');

  /** The defaults table: first cell names the row; the next three are backend, standalone and static. */
  function row(label: string): string[] {
    const line = doc.split('\n').find((l) => l.startsWith(`| ${label} |`));
    if (!line) throw new Error(`no row "${label}" in the defaults table`);
    return line.split('|').slice(2, 5).map((cell) => cell.trim());
  }
  const columns = [DEFAULTS.backend, DEFAULTS.standalone, DEFAULTS.static];

  test('states the construct defaults: ports, users, probes, writable paths', () => {
    expect(row('Container port')).toEqual(columns.map((c) => `${c.port}`));
    expect(row('Service port')).toEqual(columns.map((c) => `${c.servicePort}`));
    expect(row('User:group')).toEqual(columns.map((c) => `${c.user}:${c.group}`));
    expect(row('Liveness probe')).toEqual(columns.map((c) => `\`GET ${c.livenessPath}\``));
    expect(row('Readiness probe')).toEqual(columns.map((c) => `\`GET ${c.readinessPath}\``));
    expect(row('Writable (emptyDir)')).toEqual(columns.map((c) => c.writablePaths.map((p) => `\`${p}\``).join(', ')));
  });

  test('names every ConfigMap key the constructs write', () => {
    for (const key of [...Object.keys(DEFAULTS.backend.config), ...Object.keys(DEFAULTS.standalone.config), 'MODEL_SERVER_URL', 'BACKEND_URL']) {
      expect(doc).toContain(`\`${key}\``);
    }
    expect(doc).toContain(`\`${DEFAULTS.sqlite.databaseUrl}\``);
  });
});
