/**
 * The todo app's values: one schema, the single source of every setting. Its TypeScript type ({@link TodoValues})
 * is derived from it, its defaults are the Helm chart's values.yaml, each environment is a partial set of them
 * (environments.ts), TodoChart is built from them, and helm/todo/values.schema.json, values*.yaml and the chart
 * README's parameter table are written from it (npm run helm).
 *
 * Besides JSON schema, a leaf may carry `x-grammar` (what its text must look like, with `pattern`) and `x-example`:
 * the chart checks those patterns in its templates, so `helm` says what is wrong and how to fix it.
 */
import { Static, TSchema, Type } from '@sinclair/typebox';
import { IMAGE_TAG } from '../lib/image-reference';
import { version as packageVersion } from '../package.json';

/** The name of the Secret the user creates with `kubectl create secret generic todo-secrets ...`. */
export const APP_SECRET_NAME = 'todo-secrets';
/** The chart's name, and `app.kubernetes.io/part-of` of every object. */
export const PART_OF = 'todo';
/** The release tag of the images this version of the app deploys. */
export const RELEASE_TAG = `v${packageVersion}`;

// The grammars the constructs check, as patterns the chart checks too (RE2 and ECMA alike).
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const HOST = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const QUANTITY = '^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const MEMORY = '^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';

/**
 * Who may change data through the routes; the todo app has no user accounts (docs/container-contract.md,
 * "Authentication and rate limits"):
 * - `anonymous`: anyone who reaches the routes, on purpose (a laptop cluster, a demo);
 * - `authenticated`: a sign-in proxy or Gateway policy in front of the routes admits signed-in users only, and
 *   the app takes their writes;
 * - `read-only`: the backend answers every write and chat with 403 (`READ_ONLY=true`).
 */
export const WRITE_ACCESS = ['anonymous', 'authenticated', 'read-only'] as const;

/** A string leaf. */
function text(defaultValue: string, description: string, grammar?: { pattern: string; grammar: string; example: string; optional?: boolean; maxLength?: number }) {
  return Type.String({
    default: defaultValue,
    description,
    ...(grammar ? {
      pattern: grammar.optional ? `^$|${grammar.pattern}` : grammar.pattern,
      'x-grammar': grammar.grammar,
      'x-example': grammar.example,
      ...(grammar.maxLength ? { maxLength: grammar.maxLength } : {}),
    } : {}),
  });
}

const dnsLabel = (defaultValue: string, description: string, optional = false) =>
  text(defaultValue, description, { pattern: DNS_LABEL, grammar: 'a DNS label (lowercase letters, digits and "-", at most 63)', example: 'todo', optional, maxLength: 63 });
const dnsSubdomain = (defaultValue: string, description: string, optional = false) =>
  text(defaultValue, description, { pattern: DNS_SUBDOMAIN, grammar: 'a DNS name (dot-separated lowercase labels of letters, digits and "-")', example: 'todo-secrets', optional, maxLength: 253 });

/** A host name the routes answer on, wildcard allowed. */
const host = (description: string, optional = false) =>
  text('', description, { pattern: HOST, grammar: 'a DNS host name (an optional leading "*." is allowed)', example: 'todo.example.com', optional, maxLength: 253 });

/** A CPU or memory quantity; `--set cpu=1` gives a number, which is as good as "1". */
function quantity(kind: 'cpu' | 'memory', defaultValue: string, description: string) {
  return Type.Unsafe<string | number>({
    type: ['string', 'number'],
    default: defaultValue,
    description,
    pattern: kind === 'cpu' ? QUANTITY : MEMORY,
    'x-grammar': kind === 'cpu' ? 'a CPU quantity such as "250m" or "1"' : 'a memory quantity such as "256Mi" or "1Gi" (binary suffixes; "MB" is not a Kubernetes unit)',
    'x-example': kind === 'cpu' ? '250m' : '256Mi',
  });
}

const integer = (defaultValue: number, description: string, range: { minimum?: number; maximum?: number } = {}) =>
  Type.Integer({ default: defaultValue, description, ...range });
const flag = (defaultValue: boolean, description: string) => Type.Boolean({ default: defaultValue, description });
const choice = <T extends string>(values: readonly T[], defaultValue: T, description: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], default: defaultValue, description });
const object = <T extends Record<string, TSchema>>(properties: T, options: { additionalProperties?: boolean; description?: string } = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });
/** A map or list passed through to the objects as it is (Bitnami's escape hatches). */
const stringMap = (description: string) => Type.Record(Type.String(), Type.String(), { default: {}, description });
const anyMap = (description: string) => Type.Record(Type.String(), Type.Unknown(), { default: {}, description });
const list = <T extends TSchema>(items: T, description: string, defaultValue: unknown[] = []) => Type.Array(items, { default: defaultValue, description });

/** `backend` and `frontend`: the same values, with each workload's defaults. */
function workload(name: 'backend' | 'frontend', defaults: { cpu: [string, string]; memory: [string, string]; port: number }) {
  return {
    image: object({
      registry: text('', `Registry prefix of the ${name} image, e.g. ghcr.io/acme (global.imageRegistry wins; "" for a local image)`,
        { pattern: '^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*$', grammar: 'a registry prefix (host[:port] and lowercase path, no scheme)', example: 'ghcr.io/acme', optional: true }),
      repository: text(`todo-${name}`, `Repository of the ${name} image`,
        { pattern: '^[a-z0-9]+([._/-][a-z0-9]+)*$', grammar: 'a repository path (lowercase letters, digits and single separators)', example: `todo-${name}` }),
      tag: text(RELEASE_TAG, `Tag of the ${name} image`, { pattern: IMAGE_TAG.source, grammar: 'a Docker tag (letters, digits, "_", "." and "-", at most 128)', example: RELEASE_TAG }),
      digest: text('', `Digest of the ${name} image (sha256:...); pins the image beside the tag`,
        { pattern: '^sha256:[0-9a-f]{64}$', grammar: 'a sha256 digest ("sha256:" and 64 hex digits)', example: `sha256:${'0'.repeat(64)}`, optional: true }),
      pullPolicy: choice(['IfNotPresent', 'Always', 'Never'], 'IfNotPresent', 'When the kubelet pulls the image'),
    }),
    replicaCount: integer(1, `${name} pods, without autoscaling`, { minimum: 1 }),
    autoscaling: object({
      enabled: flag(false, `Scale the ${name} on CPU with a HorizontalPodAutoscaler (replicaCount is then unused)`),
      minReplicas: integer(2, 'Fewest pods', { minimum: 1 }),
      maxReplicas: integer(4, 'Most pods', { minimum: 1 }),
      targetCPUUtilizationPercentage: integer(80, 'Target average CPU, percent of the request (above 100 lets pods use more than they request)', { minimum: 1 }),
    }),
    resources: object({
      requests: object({ cpu: quantity('cpu', defaults.cpu[0], 'CPU request'), memory: quantity('memory', defaults.memory[0], 'Memory request') }),
      limits: object({ cpu: quantity('cpu', defaults.cpu[1], 'CPU limit'), memory: quantity('memory', defaults.memory[1], 'Memory limit') }),
    }),
    service: object({
      type: choice(['ClusterIP', 'NodePort', 'LoadBalancer'], 'ClusterIP', 'Service type'),
      port: integer(defaults.port, 'Service port', { minimum: 1, maximum: 65535 }),
    }),
    topologySpread: object({
      enabled: flag(false, `Spread the ${name} pods across nodes (kubernetes.io/hostname, ScheduleAnyway) whenever more than one can run`),
    }),
    pdb: object({
      create: flag(false, `A PodDisruptionBudget (maxUnavailable 1) for the ${name}; needs at least 2 pods`),
    }),
    preStop: object({
      enabled: flag(false, `A preStop hook: a terminating ${name} pod keeps serving while the routes and the Service endpoints stop sending it requests, then gets SIGTERM`),
      // Within the default 30 s grace period, with time left for the app to drain after SIGTERM.
      delaySeconds: integer(5, 'How long the preStop hook waits (sleep) before SIGTERM; within the 30 s termination grace period', { minimum: 1, maximum: 25 }),
    }),
    serviceAccount: object({
      create: flag(false, `Create a ServiceAccount for the ${name} (named serviceAccount.name, else like the ${name}), so RBAC or workload identity can be bound to it alone`),
      name: dnsSubdomain('', `The ServiceAccount the ${name} pods run as ("" the namespace's default, or the created one)`, true),
      automountServiceAccountToken: flag(false, 'Mount the API token into the pods (only apps that call the Kubernetes API need it)'),
      annotations: stringMap('Annotations of the created ServiceAccount, e.g. eks.amazonaws.com/role-arn for workload identity; refused without create (the chart annotates no ServiceAccount it does not create)'),
    }),
    podAnnotations: stringMap(`Extra annotations on the ${name} pods`),
    extraEnvVars: list(object({
      name: text('', 'The variable\'s name', { pattern: ENV_NAME, grammar: 'an environment variable name (letters, digits and "_", not starting with a digit)', example: 'FEATURE_FLAGS' }),
      value: Type.Optional(Type.String({ description: 'A plain value (no credentials: read those from a Secret with valueFrom.secretKeyRef)' })),
      valueFrom: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'A field, a resource, a ConfigMap key or a Secret key' })),
    }), `More environment variables of the ${name} container, as Kubernetes EnvVar objects, after the chart's own (so they may use $(NAME) of those). `
      + 'A name the chart sets itself, a name listed twice, or a plain value under a name that looks like a secret is refused'),
    extraEnvVarsCM: dnsSubdomain('', `An existing ConfigMap whose keys all become environment variables of the ${name} (envFrom; the chart's own settings win over a key of the same name)`, true),
    extraEnvVarsSecret: dnsSubdomain('', `An existing Secret whose keys all become environment variables of the ${name} (envFrom; the chart's own settings win over a key of the same name)`, true),
    podLabels: stringMap(`Extra labels on the ${name} pods (never in the selector; not the app.kubernetes.io/* labels the chart sets)`),
    nodeSelector: stringMap(`Node labels the ${name} pods are scheduled on`),
    tolerations: list(Type.Record(Type.String(), Type.Unknown()), `Tolerations of the ${name} pods`),
    affinity: anyMap(`Affinity of the ${name} pods`),
    extraVolumes: list(Type.Record(Type.String(), Type.Unknown()), `Extra volumes of the ${name} pods (types Pod Security "restricted" allows)`),
    extraVolumeMounts: list(Type.Record(Type.String(), Type.Unknown()), `Mounts of extraVolumes into the ${name} container`),
  };
}

/** The todo chart's values (Bitnami names and layout); every leaf has its default and description. */
export const TODO_VALUES_SCHEMA = object({
  global: object({
    imageRegistry: text('', 'Registry prefix of every image, over the images\' own registry (Bitnami global)',
      { pattern: '^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*$', grammar: 'a registry prefix (host[:port] and lowercase path, no scheme)', example: 'ghcr.io/acme', optional: true }),
    imagePullSecrets: list(dnsSubdomain('', 'A Secret of type kubernetes.io/dockerconfigjson'), 'Secrets for pulling from a private registry, by name (Bitnami global)'),
    storageClass: dnsSubdomain('', 'StorageClass of the SQLite claim when persistence names none (Bitnami global)', true),
  }, { additionalProperties: true, description: 'Values a parent chart shares with all its subcharts (other keys belong to them)' }),
  nameOverride: dnsLabel('', 'Replaces the chart name in object names', true),
  fullnameOverride: dnsLabel('', 'Replaces "<release>-<chart>" in object names', true),
  commonLabels: stringMap('Extra labels on every object'),
  pinnedImages: flag(false, 'Refuse the "latest" tag: a tag that changes under running pods, which IfNotPresent never refreshes'),
  existingSecret: dnsSubdomain(APP_SECRET_NAME, 'The Secret you create in the namespace (DATABASE_URL, OPENAI_API_KEY, BETTER_AUTH_SECRET)'),
  secretOptional: flag(false, 'Start the pods before the Secret exists (mock mode with SQLite needs none)'),
  writeAccess: choice(WRITE_ACCESS, 'anonymous', 'Who may change data through the routes, as the app has no user accounts: anonymous (anyone who reaches them, on purpose), '
    + 'authenticated (a sign-in proxy in front admits signed-in users only), read-only (every write and chat is 403: READ_ONLY=true)'),
  backend: object({
    ...workload('backend', { cpu: ['100m', '500m'], memory: ['256Mi', '512Mi'], port: 8000 }),
    config: object({
      LOG_LEVEL: choice(['debug', 'info', 'warning', 'error', 'critical'], 'info', 'Backend log level; a change rolls the pods'),
      MODE: choice(['mock', 'real'], 'mock', 'mock: canned AI answers, no model server or API key; real: calls MODEL_SERVER_URL'),
      MODEL_SERVER_URL: text('', 'The OpenAI-compatible model server, required with MODE real; no credentials (API keys go in the Secret)',
        { pattern: '^https?://[^\\s/@]+(/\\S*)?$', grammar: 'an http(s) URL without credentials', example: 'https://api.openai.com/v1', optional: true }),
    }),
  }),
  frontend: object(workload('frontend', { cpu: ['50m', '200m'], memory: ['128Mi', '256Mi'], port: 3000 })),
  routing: object({
    kind: choice(['ingress', 'istio', 'gatewayApi', 'none'], 'ingress', 'How traffic gets in: an Ingress, an Istio Gateway + VirtualService, a Gateway API HTTPRoute, or none'),
  }),
  ingress: object({
    className: dnsSubdomain('nginx', 'ingressClassName (routing.kind ingress)'),
    annotations: stringMap('Annotations of the Ingress (routing.kind ingress), e.g. for cert-manager'),
    controllerNamespace: dnsLabel('ingress-nginx', 'Where the ingress controller runs: NetworkPolicies admit traffic from it'),
    hostname: host('The host the routes answer on ("" answers on any host)', true),
    extraHosts: list(host('A host name'),
      'More host names the routes answer on, each with every route (needs hostname). Names only, not Bitnami\'s {name, path}: the app is several routes to two services, not one path'),
    tls: flag(false, 'Terminate TLS at the Ingress or Istio Gateway with tlsSecretName (with the Gateway API, TLS belongs to the Gateway listener)'),
    tlsSecretName: dnsSubdomain('todo-tls', 'The TLS Secret, with tls'),
    extraTls: list(object({
      hosts: list(host('A host of hostname or extraHosts'), 'The hosts the certificate is for (hostname or extraHosts; at least one)'),
      secretName: dnsSubdomain('', 'The kubernetes.io/tls Secret with their certificate'),
    }), 'More TLS entries of the Ingress (routing.kind ingress only: an Istio Gateway serves every host with tlsSecretName, and with the Gateway API TLS belongs to the Gateway listener)'),
    exposeApiDocs: flag(false, 'Route /docs and /openapi.json to the backend'),
  }),
  istio: object({
    gatewayNamespace: dnsLabel('istio-system', 'Where the Istio ingress gateway runs (routing.kind istio): NetworkPolicies admit traffic from it'),
  }),
  gatewayApi: object({
    parentRef: object({
      name: dnsSubdomain('public', 'The Gateway the HTTPRoute attaches to (routing.kind gatewayApi)'),
      namespace: dnsLabel('gateway-system', 'The Gateway\'s namespace ("" the release namespace)', true),
      sectionName: dnsLabel('https', 'The Gateway listener ("" every listener)', true),
    }),
    dataPlaneNamespace: dnsLabel('', 'Where the Gateway\'s proxies run, which NetworkPolicies admit ("" the Gateway\'s namespace)', true),
  }),
  networkPolicy: object({
    enabled: flag(false, 'NetworkPolicies that deny all traffic but the app\'s own paths'),
    externalEgressPorts: list(Type.Integer({ minimum: 1, maximum: 65535 }), 'TCP ports the backend may call outside the cluster (the database, the model server)', [443, 5432]),
  }),
  persistence: object({
    enabled: flag(true, 'SQLite on a PersistentVolumeClaim (one backend pod); false: an external database through DATABASE_URL in the Secret'),
    existingClaim: dnsSubdomain('', 'A claim of the namespace that holds the data already: the chart mounts it and creates none (size and the storage choices below do not apply)', true),
    size: quantity('memory', '5Gi', 'The requested size; a claim can grow (where its StorageClass allows expansion), never shrink'),
    storageClass: dnsSubdomain('', 'An existing StorageClass ("" global.storageClass, else the cluster default)', true),
    retainingProvisioner: text('', 'Create a StorageClass with reclaimPolicy Retain for this provisioner (cluster-scoped: needs a cluster admin)',
      { pattern: '^[a-z0-9.-]+(/[a-z0-9.-]+)?$', grammar: 'a provisioner name such as rancher.io/local-path', example: 'rancher.io/local-path', optional: true }),
    hostPath: text('', 'A static hostPath PersistentVolume at this node path (single-node clusters; cluster-scoped)',
      { pattern: '^/', grammar: 'an absolute path', example: '/tmp/todo-data', optional: true }),
  }),
  namespaceLimits: object({
    enabled: flag(false, 'A ResourceQuota and a LimitRange in the release namespace'),
    quota: object({
      requestsCpu: quantity('cpu', '6', 'Total CPU requests'),
      limitsCpu: quantity('cpu', '20', 'Total CPU limits'),
      requestsMemory: quantity('memory', '8Gi', 'Total memory requests'),
      limitsMemory: quantity('memory', '20Gi', 'Total memory limits'),
      pods: integer(30, 'Most pods', { minimum: 1 }),
      persistentVolumeClaims: integer(1, 'Most claims (the SQLite claim needs 1)', { minimum: 0 }),
    }),
    containerLimits: object({
      defaultRequestCpu: quantity('cpu', '100m', 'CPU request of containers that set none'),
      defaultLimitCpu: quantity('cpu', '500m', 'CPU limit of containers that set none'),
      maxCpu: quantity('cpu', '2', 'Most CPU per container'),
      defaultRequestMemory: quantity('memory', '128Mi', 'Memory request of containers that set none'),
      defaultLimitMemory: quantity('memory', '512Mi', 'Memory limit of containers that set none'),
      maxMemory: quantity('memory', '2Gi', 'Most memory per container'),
    }),
  }),
});

/** The todo chart's values, as TodoChart receives them: the type of {@link TODO_VALUES_SCHEMA}. */
export type TodoValues = Static<typeof TODO_VALUES_SCHEMA>;
/** Who may change data through the routes: {@link WRITE_ACCESS}. */
export type WriteAccess = TodoValues['writeAccess'];
/** One workload's values. */
export type WorkloadValues = TodoValues['frontend'];
/** What an environment or a synth setting changes: any subset of the values. */
export type TodoValuesPatch = DeepPartial<TodoValues>;

/** Every key optional, at every depth; lists and maps are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
