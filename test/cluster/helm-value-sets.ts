/**
 * Value sets for the differential test of the todo chart: a seeded random generator over every leaf of the
 * values schema (valid values of each grammar, edge cases, and a few invalid ones), and a covering set of rows in
 * which every combination of levels of any three switches occurs (greedy, AETG style).
 */
import { TodoRelease, TodoValues, defaultValues, getPath, setPath, valueLeaves } from '../../app';
import { parseQuantity } from '../../lib/checks';

/** mulberry32: a small seeded generator, so a failing set can be drawn again. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  public next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  public pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  public chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/** Releases and namespaces: names that contain the chart name, that do not, and the longest Helm allows. */
export const releases: TodoRelease[] = [
  { name: 'todo', namespace: 'todo-local' },
  { name: 'shop', namespace: 'team-a' },
  { name: 'my-todo-app', namespace: 'apps' },
  { name: `r${'e'.repeat(50)}-x`, namespace: 'long-names' },
];

const HEX = 'a3f1'.repeat(16);
const VOLUMES = { name: 'branding', configMap: { name: 'branding' } };
const MOUNTS = { name: 'branding', mountPath: '/srv/branding', readOnly: true };
const EXTRA_ENV = [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }, { name: 'SENTRY_DSN', valueFrom: { secretKeyRef: { name: 'sentry', key: 'dsn' } } }];
const WWW_TLS = { hosts: ['www.todo.example.com'], secretName: 'www-tls' };
const ROLE = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/todo' };

/** Candidate values by path: mostly valid, some edge cases, a few the chart and the constructs must refuse. */
const POOLS: Record<string, unknown[]> = {
  'global.imageRegistry': ['', '', 'mirror.example.com', 'localhost:5001/team'],
  'global.imagePullSecrets': [[], [], ['regcred'], ['regcred', 'backup-cred']],
  'global.storageClass': ['', '', 'gp3'],
  'nameOverride': ['', '', 'tasks'],
  'fullnameOverride': ['', '', 'agenda', `a${'g'.repeat(61)}a`],
  'commonLabels': [{}, {}, { team: 'web' }, { 'example.com/cost-center': '42' }],
  'existingSecret': ['todo-secrets', 'app-credentials'],
  'image.registry': ['', '', 'ghcr.io/acme', 'localhost:5001'],
  'image.repository': ['todo-backend', 'acme/todo-api', 'todo-frontend'],
  'image.tag': ['v0.1.0', 'v0.1.0', 'v1.2.3-rc.1', '2024.06.01', 'latest'],
  'image.digest': ['', '', '', `sha256:${HEX}`],
  'replicaCount': [1, 1, 2, 3],
  'autoscaling.minReplicas': [1, 2, 2, 3],
  'autoscaling.maxReplicas': [1, 2, 4, 10],
  'autoscaling.targetCPUUtilizationPercentage': [50, 80, 150],
  'resources.requests.cpu': ['50m', '100m', '250m', '1', 1, 0.5],
  'resources.limits.cpu': ['200m', '500m', '1', '2', 2, '1500m', '3'],
  'resources.requests.memory': ['128Mi', '256Mi', '512Mi', '1Gi'],
  'resources.limits.memory': ['256Mi', '512Mi', '1Gi', '2Gi', '4Gi'],
  'service.port': [80, 3000, 8000, 8080, 65535],
  'podAnnotations': [{}, {}, { 'example.com/team': 'web' }],
  // The last three clash with a variable the chart sets only in some sets: READ_ONLY with writeAccess read-only (backend),
  // MODEL_SERVER_URL when it is set (backend), BACKEND_URL always (frontend).
  'extraEnvVars': [[], [], [], [], [], [{ name: 'FEATURE_FLAGS', value: 'beta' }], EXTRA_ENV, [{ name: 'DATA_URL_COPY', value: '$(DATABASE_URL)' }, { name: 'EMPTY', value: '' }],
    [{ name: 'READ_ONLY', value: 'false' }], [{ name: 'MODEL_SERVER_URL', value: 'https://other.example/v1' }], [{ name: 'BACKEND_URL', value: 'http://elsewhere:8000' }]],
  'extraEnvVarsCM': ['', '', 'extra-config'],
  'extraEnvVarsSecret': ['', '', 'extra-secrets', 'team.example.com'],
  'serviceAccount.annotations': [{}, {}, ROLE],
  'podLabels': [{}, {}, { 'sidecar.example.com/inject': 'true' }, { tier: 'web' }],
  'backend.serviceAccount.name': ['', '', 'api-runner'],
  'frontend.serviceAccount.name': ['', '', 'web-runner'],
  'nodeSelector': [{}, {}, { 'kubernetes.io/os': 'linux' }],
  'tolerations': [[], [], [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }]],
  'affinity': [{}, {}, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } }],
  'extraVolumes': [[], [], [VOLUMES]],
  'extraVolumeMounts': [[], [], [MOUNTS]],
  'backend.config.MODEL_SERVER_URL': ['', '', 'https://api.openai.com/v1', 'http://model.kserve.svc.cluster.local:8080/v1'],
  'ingress.className': ['nginx', 'traefik', 'internal.nginx'],
  'ingress.annotations': [{}, {}, { 'cert-manager.io/cluster-issuer': 'letsencrypt' }],
  'ingress.controllerNamespace': ['ingress-nginx', 'ingress'],
  'ingress.hostname': ['', 'todo.example.com', 'todo.localhost', '*.todo.example.com'],
  'ingress.tlsSecretName': ['todo-tls', 'wildcard-cert'],
  'ingress.extraHosts': [[], [], [], ['www.todo.example.com'], ['*.apps.example.com', 'todo.example.org']],
  'ingress.extraTls': [[], [], [WWW_TLS], [WWW_TLS, { hosts: ['*.apps.example.com', 'todo.example.org'], secretName: 'apps-tls' }]],
  'istio.gatewayNamespace': ['istio-system', 'istio-ingress'],
  'gatewayApi.parentRef.name': ['public', 'edge'],
  'gatewayApi.parentRef.namespace': ['', 'gateway-system', 'infra'],
  'gatewayApi.parentRef.sectionName': ['', 'https', 'http'],
  'gatewayApi.dataPlaneNamespace': ['', '', 'envoy-gateway-system'],
  'networkPolicy.externalEgressPorts': [[443, 5432], [443], []],
  'persistence.size': ['5Gi', '1Gi', '20Gi', '500Mi'],
  'persistence.existingClaim': ['', '', '', 'legacy-data'],
  'persistence.storageClass': ['', '', 'fast'],
  'persistence.retainingProvisioner': ['', '', 'rancher.io/local-path'],
  'persistence.hostPath': ['', '', '/tmp/aiq-storage'],
  'namespaceLimits.quota.persistentVolumeClaims': [0, 1, 2],
  'namespaceLimits.quota.pods': [10, 30],
  'namespaceLimits.containerLimits.maxCpu': ['2', '1', '4'],
  'namespaceLimits.containerLimits.maxMemory': ['2Gi', '1Gi', '4Gi'],
};

/** Values each check must refuse, one of which a set gets now and then, as a user's one mistake. */
const MISTAKES: Record<string, unknown[]> = {
  'global.imagePullSecrets': [['Reg Cred']],
  'nameOverride': ['Tasks', 'n'.repeat(64)],
  'image.registry': ['Bad Registry', 'https://ghcr.io/acme'],
  'image.tag': ['_build', `v${'1'.repeat(70)}`, 'v1 beta', '-rc'],
  'image.digest': ['sha256:short'],
  'resources.limits.memory': ['512MB', '512m'],
  'resources.requests.cpu': ['1 core', '-1'],
  'podAnnotations': [{ 'checksum/config': 'mine' }],
  'extraEnvVars': [[{ name: 'LOG_LEVEL', value: 'debug' }], [{ name: 'DATABASE_URL', value: 'sqlite:////tmp/x' }], [{ name: 'BETTER_AUTH_SECRET', value: 'x' }],
    [{ name: 'A', value: '1' }, { name: 'A', value: '2' }], [{ name: '1BAD', value: 'x' }], [{ name: 'SENTRY_AUTH_TOKEN', value: 'abc' }],
    [{ name: 'A', value: '1', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }], [{ name: 'BACKEND_URL', value: 'http://elsewhere' }], [{ name: 'READ_ONLY', value: 'false' }]],
  'extraEnvVarsSecret': ['Extra Secrets', 'extra_secrets'],
  'extraEnvVarsCM': ['-config'],
  'podLabels': [{ 'app.kubernetes.io/name': 'other' }, { tier: 'web/api' }, { 'Bad Key': 'x' }],
  'extraVolumes': [[{ name: 'host', hostPath: { path: '/srv' } }]],
  'extraVolumeMounts': [[{ name: 'missing', mountPath: '/missing' }]],
  'backend.config.MODEL_SERVER_URL': ['https://me:pw@model.example/v1', 'model:8080'],
  'ingress.annotations': [{ 'nginx.ingress.kubernetes.io/rewrite-target': '/' }],
  'ingress.hostname': ['10.0.0.1', 'Todo.Example.com', 'todo.example.com:8080'],
  'ingress.extraHosts': [['10.0.0.1'], ['Todo.Example.com'], ['www.todo.example.com', 'www.todo.example.com'], [''], ['todo.example.com']],
  'ingress.extraTls': [[{ hosts: [], secretName: 'www-tls' }], [{ hosts: ['elsewhere.example.com'], secretName: 'www-tls' }], [{ hosts: ['www.todo.example.com'], secretName: 'Bad Secret' }],
    [{ hosts: ['www.todo.example.com'], secretName: 'www-tls', extra: true }]],
  'persistence.size': ['0Gi', '0'],
  'persistence.hostPath': ['relative/path'],
  'existingSecret': ['Todo Secrets'],
  'serviceAccount.name': ['Runner'],
  'replicaCount': [0],
  'autoscaling.targetCPUUtilizationPercentage': [0],
  'service.port': [0, 70000],
  'routing.kind': ['traefik'],
  'writeAccess': ['everyone', 'readonly'],
  'preStop.delaySeconds': [0, 30],
};

/** The pool of a leaf: by its full path, else by its path under a workload (`backend.image.tag` -> `image.tag`). */
function poolOf(path: string): unknown[] | undefined {
  return POOLS[path] ?? POOLS[path.replace(/^(backend|frontend)\./, '')];
}

/** A random value set: every leaf drawn, then (mostly) made consistent, so both renderings and refusals occur. */
export function randomValues(random: Random): TodoValues {
  const values = defaultValues() as Record<string, unknown>;
  for (const leaf of valueLeaves()) {
    const schema = leaf.schema;
    const pool = poolOf(leaf.path);
    let value: unknown = schema.default;
    if (pool) value = random.pick(pool);
    else if (schema.type === 'boolean') value = random.chance(0.5);
    else if (schema.enum) value = random.pick(schema.enum);
    else if (schema.type === 'integer') value = random.pick([schema.default, schema.minimum ?? 1, (schema.default as number) + 1]);
    setPath(values, leaf.path, structuredCloneJson(value));
  }
  if (random.chance(0.8)) makeConsistent(values as TodoValues, random);
  if (random.chance(0.15)) {
    const [path, mistakes] = random.pick(Object.entries(MISTAKES));
    const leaf = path.includes('.') && !path.startsWith('backend') && !path.startsWith('frontend') && poolOf(path) === POOLS[path] && valueLeaves().some((candidate) => candidate.path === path)
      ? path : valueLeaves().find((candidate) => candidate.path === path || candidate.path.endsWith(`.${path}`))!.path;
    const workload = random.pick(['backend', 'frontend']);
    const target = valueLeaves().some((candidate) => candidate.path === `${workload}.${path}`) ? `${workload}.${path}` : leaf;
    setPath(values, target, structuredCloneJson(random.pick(mistakes)));
  }
  return values as TodoValues;
}

/** What a user who reads the refusals would change: one writer with SQLite, budgets over two pods, requests within limits... */
function makeConsistent(values: TodoValues, random: Random): void {
  const mutable = values as any;
  if (values.persistence.enabled) {
    mutable.backend.autoscaling.enabled = false;
    mutable.backend.replicaCount = 1;
    mutable.backend.pdb.create = false;
    const choice = random.pick(['storageClass', 'hostPath', 'retainingProvisioner', 'existingClaim', 'none']);
    for (const key of ['storageClass', 'hostPath', 'retainingProvisioner', 'existingClaim']) if (key !== choice) mutable.persistence[key] = '';
    if (parseQuantity(String(values.persistence.size)) <= 0) mutable.persistence.size = '5Gi';
  }
  for (const name of ['backend', 'frontend'] as const) {
    const workload = mutable[name];
    if (workload.extraVolumeMounts.length > 0) workload.extraVolumes = [VOLUMES];
    if (Object.keys(workload.serviceAccount.annotations).length > 0) workload.serviceAccount.create = true;
    // Most users rename a variable the chart sets once told; some sets keep the clash, which both must refuse.
    if (random.chance(0.6)) workload.extraEnvVars = workload.extraEnvVars.filter((envVar: { name: string }) => !['READ_ONLY', 'MODEL_SERVER_URL', 'BACKEND_URL'].includes(envVar.name));
    if (workload.autoscaling.minReplicas > workload.autoscaling.maxReplicas) workload.autoscaling.maxReplicas = workload.autoscaling.minReplicas;
    const fewest = workload.autoscaling.enabled ? workload.autoscaling.minReplicas : workload.replicaCount;
    if (workload.pdb.create && fewest < 2) workload.pdb.create = false;
    for (const resource of ['cpu', 'memory']) {
      if (parseQuantity(String(workload.resources.requests[resource])) > parseQuantity(String(workload.resources.limits[resource]))) {
        workload.resources.requests[resource] = workload.resources.limits[resource];
      }
    }
    if (values.pinnedImages && workload.image.tag === 'latest') workload.image.tag = 'v0.1.0';
    if (values.namespaceLimits.enabled) {
      workload.resources.limits.cpu = '500m';
      workload.resources.limits.memory = '512Mi';
      for (const resource of ['cpu', 'memory']) workload.resources.requests[resource] = resource === 'cpu' ? '100m' : '256Mi';
    }
  }
  if (values.backend.config.MODE === 'real' && values.backend.config.MODEL_SERVER_URL === '') mutable.backend.config.MODEL_SERVER_URL = 'https://api.openai.com/v1';
  if (values.ingress.tls && (values.ingress.hostname === '' || values.routing.kind === 'gatewayApi')) mutable.ingress.tls = false;
  // Extra hosts beside a hostname, their certificates on an Ingress only, each for hosts that are routed.
  if (values.ingress.hostname === '' || values.routing.kind === 'none') mutable.ingress.extraHosts = [];
  const routed = [values.ingress.hostname, ...values.ingress.extraHosts];
  if (values.routing.kind !== 'ingress') mutable.ingress.extraTls = [];
  mutable.ingress.extraTls = values.ingress.extraTls.filter((entry) => entry.hosts.every((host) => routed.includes(host)));
  if (values.namespaceLimits.enabled && values.persistence.enabled && values.namespaceLimits.quota.persistentVolumeClaims < 1) mutable.namespaceLimits.quota.persistentVolumeClaims = 1;
}

/** A switch: a value (or a group of values) with a few levels that change which objects and fields are written. */
export interface Switch {
  readonly name: string;
  readonly levels: ReadonlyArray<Record<string, unknown>>;
}

/** The switches of the chart: every boolean and choice, whether each optional text or passed-through map is set, and one pod or more. */
export function switches(): Switch[] {
  const result: Switch[] = [];
  const set = (path: string, value: unknown) => ({ [path]: value });
  for (const leaf of valueLeaves()) {
    const { schema, path } = leaf;
    if (schema.type === 'boolean') result.push({ name: path, levels: [set(path, false), set(path, true)] });
    else if (schema.enum) result.push({ name: path, levels: schema.enum.map((value) => set(path, value)) });
  }
  const present: Array<[string, unknown]> = [
    ['global.imageRegistry', 'mirror.example.com'], ['global.storageClass', 'gp3'], ['nameOverride', 'tasks'], ['fullnameOverride', 'agenda'],
    ['backend.image.registry', 'ghcr.io/acme'], ['frontend.image.registry', 'ghcr.io/acme'], ['backend.image.digest', `sha256:${HEX}`],
    ['backend.config.MODEL_SERVER_URL', 'https://api.openai.com/v1'], ['ingress.hostname', 'todo.example.com'],
    ['gatewayApi.parentRef.namespace', 'gateway-system'], ['gatewayApi.parentRef.sectionName', 'https'], ['gatewayApi.dataPlaneNamespace', 'envoy-gateway-system'],
    ['persistence.storageClass', 'fast'], ['persistence.retainingProvisioner', 'rancher.io/local-path'], ['persistence.hostPath', '/tmp/aiq-storage'],
    ['persistence.existingClaim', 'legacy-data'],
    ['global.imagePullSecrets', ['regcred']], ['commonLabels', { team: 'web' }], ['backend.podAnnotations', { 'example.com/team': 'api' }],
    ['frontend.nodeSelector', { 'kubernetes.io/os': 'linux' }], ['frontend.tolerations', POOLS.tolerations[2]], ['backend.affinity', POOLS.affinity[2]],
    ['ingress.annotations', { 'cert-manager.io/cluster-issuer': 'letsencrypt' }], ['backend.serviceAccount.name', 'api-runner'],
    ['frontend.podLabels', { tier: 'web' }],
    ['backend.extraEnvVars', EXTRA_ENV], ['frontend.extraEnvVars', [{ name: 'FEATURE_FLAGS', value: 'beta' }]],
    ['backend.extraEnvVarsSecret', 'extra-secrets'], ['frontend.extraEnvVarsCM', 'extra-config'],
    ['ingress.extraHosts', ['www.todo.example.com']],
  ];
  for (const [path, value] of present) {
    const empty = Array.isArray(value) ? [] : typeof value === 'object' ? {} : '';
    result.push({ name: path, levels: [set(path, empty), set(path, value)] });
  }
  // A certificate for the extra host comes with it (alone it is a refusal the random sets draw).
  result.push({ name: 'ingress.extraTls', levels: [
    { 'ingress.extraTls': [] },
    { 'ingress.extraTls': [WWW_TLS], 'ingress.extraHosts': ['www.todo.example.com'], 'ingress.hostname': 'todo.example.com' },
  ] });
  result.push({ name: 'networkPolicy.externalEgressPorts', levels: [set('networkPolicy.externalEgressPorts', []), set('networkPolicy.externalEgressPorts', [443, 5432])] });
  for (const name of ['backend', 'frontend']) {
    result.push({ name: `${name}.extraVolumes`, levels: [{ [`${name}.extraVolumes`]: [], [`${name}.extraVolumeMounts`]: [] }, { [`${name}.extraVolumes`]: [VOLUMES], [`${name}.extraVolumeMounts`]: [MOUNTS] }] });
    result.push({ name: `${name}.replicaCount`, levels: [set(`${name}.replicaCount`, 1), set(`${name}.replicaCount`, 2)] });
    // Annotations come with a created ServiceAccount here; without one they are a refusal the random sets draw.
    result.push({ name: `${name}.serviceAccount.annotations`, levels: [
      { [`${name}.serviceAccount.annotations`]: {} },
      { [`${name}.serviceAccount.annotations`]: ROLE, [`${name}.serviceAccount.create`]: true },
    ] });
  }
  return result;
}

/**
 * Rows in which every combination of levels of any three switches occurs at least once, each a value set: the
 * defaults with each switch at the row's level. Greedy (AETG style): each row starts from a combination not yet
 * covered, the other switches drawn at random and the row made consistent as a user would (one writer with
 * SQLite, budgets over two pods, ...), and the best of a few candidates is kept. A combination no consistent row
 * can hold (SQLite with an autoscaled backend) gets a row of its own as it is, which both sides must refuse.
 */
export function coveringRows(all: Switch[], random: Random): TodoValues[] {
  const n = all.length;
  const levels = all.map((entry) => entry.levels.length);
  if (levels.some((count) => count > 5)) throw new Error('coveringRows: at most 5 levels per switch');
  const triples: Array<[number, number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) for (let k = j + 1; k < n; k++) triples.push([i, j, k]);
  const key = (t: number, row: number[]) => { const [i, j, k] = triples[t]; return t * 125 + row[i] * 25 + row[j] * 5 + row[k]; };
  const covered = new Uint8Array(triples.length * 125);
  let remaining = triples.reduce((sum, [i, j, k]) => sum + levels[i] * levels[j] * levels[k], 0);
  const gain = (row: number[]) => triples.reduce((sum, _, t) => sum + (covered[key(t, row)] ? 0 : 1), 0);
  const cover = (row: number[]) => triples.forEach((_, t) => {
    if (!covered[key(t, row)]) {
      covered[key(t, row)] = 1;
      remaining--;
    }
  });
  const uncovered = (): [number, number[]] => {
    for (let attempt = 0; ; attempt++) {
      const t = (attempt < 50 ? Math.floor(random.next() * triples.length) : attempt - 50) % triples.length;
      const [i, j, k] = triples[t];
      for (let a = 0; a < levels[i]; a++) for (let b = 0; b < levels[j]; b++) for (let c = 0; c < levels[k]; c++) {
        const row = new Array(n).fill(0);
        [row[i], row[j], row[k]] = [a, b, c];
        if (!covered[key(t, row)]) return [t, [a, b, c]];
      }
    }
  };
  const valuesOf = (row: number[]) => {
    const values = defaultValues() as Record<string, unknown>;
    row.forEach((level, factor) => {
      for (const [path, value] of Object.entries(all[factor].levels[level])) setPath(values, path, structuredCloneJson(value));
    });
    return values as TodoValues;
  };
  /** The level of each switch in a value set (a level none matches counts as the first). */
  const levelsOf = (values: TodoValues) => all.map((entry) => Math.max(0, entry.levels.findIndex((level) =>
    Object.entries(level).every(([path, value]) => JSON.stringify(getPath(values, path)) === JSON.stringify(value)))));
  const rows: TodoValues[] = [];
  while (remaining > 0) {
    let best: { values: TodoValues; row: number[]; gain: number } | undefined;
    const [t, fixed] = uncovered();
    for (let candidate = 0; candidate < 6; candidate++) {
      const draft = levels.map((count) => Math.floor(random.next() * count));
      triples[t].forEach((factor, index) => { draft[factor] = fixed[index]; });
      const values = valuesOf(draft);
      makeConsistent(values, random);
      const row = levelsOf(values);
      const value = gain(row);
      if (!best || value > best.gain) best = { values, row, gain: value };
    }
    cover(best!.row);
    rows.push(best!.values);
    const seed = new Array(n).fill(0);
    triples[t].forEach((factor, index) => { seed[factor] = fixed[index]; });
    if (!covered[key(t, seed)]) {
      // No consistent row holds this combination: a row of its own, as it is.
      const raw = levels.map((count) => Math.floor(random.next() * count));
      triples[t].forEach((factor, index) => { raw[factor] = fixed[index]; });
      cover(raw);
      rows.push(valuesOf(raw));
    }
  }
  return rows;
}

function structuredCloneJson<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

