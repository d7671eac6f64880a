/**
 * The differential test of issue 19: our synthesized objects, mutated across the classes of what the API server
 * checks (test/cluster/mutations.ts), sent to a real Kubernetes 1.36 API server and to the exact validator (the API
 * server's own code in WebAssembly), which must agree; and the fast validator, which must never refuse what the
 * exact one accepts. The API server is asked exactly as `kubectl apply --server-side` asks it (PATCH, application/
 * apply-patch+yaml, fieldValidation=Strict, fieldManager=kubectl), as a dry run, except for Services, which are
 * created for real and deleted (a dry run skips the node port range check that the real apply makes).
 * Every disagreement is listed in the test output and in docs/validation.md with its reason.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { imageReferenceProblem } from '../../lib/image-reference';
import { validateManifests } from '../../lib/validation';
import { clusterOptions } from '../../lib/validation/api-server';
import { KubeValidator, kubeValidatorInfo } from '../../lib/validation/exact/kube-validator';
import { ALL_RULES } from '../../lib/validation/rules';
import { ControlPlane } from './control-plane';
import { Manifest, Mutant, mutants } from './mutations';

const NAMESPACE = 'exact';
/** The namespace the corpus lives in enforces what the app's namespaces enforce. */
const NAMESPACE_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.36',
  'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.36',
};
const NAMESPACE_OBJECT = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: NAMESPACE_LABELS } };
/** The control plane's API server has no PodSecurity configuration: unlabelled namespaces are privileged. */
const SERVER_OPTIONS = { podSecurityDefaults: { enforce: 'privileged' as const }, externalNamespaces: [NAMESPACE] };
const SERVER_RULES = new Set(ALL_RULES.filter((rule) => rule.modelsApiServer).map((rule) => rule.id));

/** A verdict of either side: refused, accepted but its pods would be refused (Pod Security), or accepted. */
type Verdict = 'rejected' | 'pod-security' | 'accepted';

interface Answer {
  readonly verdict: Verdict;
  readonly message: string;
  readonly warnings: readonly string[];
}

let cluster: ControlPlane;
let client: ApiClient;
const corpus = mutants(NAMESPACE);

beforeAll(async () => {
  cluster = ControlPlane.start();
  cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(NAMESPACE_OBJECT) });
  await cluster.waitFor('the default ServiceAccount', () => (cluster.kubectl(['-n', NAMESPACE, 'get', 'serviceaccount', 'default']).status === 0 ? true : undefined));
  client = new ApiClient(cluster);
  await client.discover();
}, 1_800_000);

afterAll(() => cluster?.stop());

test('the exact validator is built (test:cluster builds it in its global setup)', () => {
  expect(kubeValidatorInfo()?.kubernetesVersion).toBe('v1.36.4');
});

test('the corpus has at least 500 mutations over at least 15 kinds', () => {
  expect(corpus.length).toBeGreaterThanOrEqual(500);
  expect(new Set(corpus.map((mutant) => mutant.object.kind)).size).toBeGreaterThanOrEqual(15);
});

test('the exact validator (with the fast CRD checks) agrees with the API server on every item of the corpus; the fast validator never refuses what the exact one accepts', async () => {
  const exact = KubeValidator.load()!;
  const rows: Array<{ mutant: Mutant; server: Answer; exact: Answer; fastErrors: string[] }> = [];
  for (const mutant of corpus) {
    const server = await client.apply(mutant.object);
    const exactAnswer = exactVerdict(exact, mutant.object);
    const fastErrors = validateManifests([NAMESPACE_OBJECT, mutant.object], { ...SERVER_OPTIONS, mode: 'fast' })
      .filter((violation) => violation.severity === 'error' && SERVER_RULES.has(violation.rule))
      .map((violation) => `${violation.rule} ${violation.field}: ${violation.message}`);
    rows.push({ mutant, server, exact: exactAnswer, fastErrors });
  }
  const disagreements = rows.filter((row) => row.server.verdict !== row.exact.verdict);
  const exactFalsePositives = disagreements.filter((row) => row.server.verdict === 'accepted');
  const fastFalsePositives = rows.filter((row) => row.exact.verdict === 'accepted' && row.fastErrors.length > 0);
  const sameMessage = rows.filter((row) => row.server.verdict === 'rejected' && row.exact.verdict === 'rejected' && row.server.message === row.exact.message);
  const bothRejected = rows.filter((row) => row.server.verdict === 'rejected' && row.exact.verdict === 'rejected');
  const fastMissed = rows.filter((row) => row.exact.verdict !== 'accepted' && row.fastErrors.length === 0);
  const report = {
    mutations: rows.length,
    kinds: new Set(rows.map((row) => row.mutant.object.kind)).size,
    agreement: `${((100 * (rows.length - disagreements.length)) / rows.length).toFixed(2)}%`,
    exactFalsePositives: exactFalsePositives.length,
    exactFalseNegatives: disagreements.length - exactFalsePositives.length,
    identicalRejectionMessages: `${sameMessage.length}/${bothRejected.length}`,
    fastFalsePositives: fastFalsePositives.length,
    fastMissed: fastMissed.length,
    disagreements: disagreements.map((row) => `${row.mutant.mutation} on ${row.mutant.base}: server ${row.server.verdict} (${row.server.message.slice(0, 300)}), exact ${row.exact.verdict} (${row.exact.message.slice(0, 300)})`),
    fastFalsePositiveList: fastFalsePositives.map((row) => `${row.mutant.mutation} on ${row.mutant.base}: ${row.fastErrors.join(' | ').slice(0, 400)}`),
    fastMissedByClass: countBy(fastMissed.map((row) => row.mutant.mutation.split('/')[0])),
  };
  const out = process.env.EXACT_VALIDATION_REPORT;
  if (out) fs.writeFileSync(out, `${JSON.stringify({ ...report, rows: rows.map((row) => ({ mutation: row.mutant.mutation, base: row.mutant.base, server: row.server, exact: row.exact, fast: row.fastErrors })) }, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
  expect(exactFalsePositives.map((row) => `${row.mutant.mutation} on ${row.mutant.base}`)).toEqual([]);
  expect(report.disagreements).toEqual([]);
  expect(report.fastFalsePositiveList).toEqual([]);
}, 1_800_000);

test('the exact validator validates every kind the API server serves that a manifest can create', async () => {
  // Served kinds that are not stored objects (reviews, bindings, evictions, token requests, component statuses) or
  // not the API server's own registry (CRDs, APIServices, and the custom resources of the installed CRDs).
  const notStored = /\/(Binding|ComponentStatus|Eviction|TokenRequest|TokenReview|SelfSubjectReview|LocalSubjectAccessReview|SelfSubjectAccessReview|SelfSubjectRulesReview|SubjectAccessReview|Scale)$/;
  const elsewhere = /^(apiextensions\.k8s\.io|apiregistration\.k8s\.io|gateway\.networking\.k8s\.io|networking\.istio\.io)\//;
  const served = client.servedKinds().filter((kind) => !notStored.test(kind) && !elsewhere.test(kind)).sort();
  expect(KubeValidator.load()!.kinds()).toEqual(served);
});

test('image references: ours (lib/image-reference.ts) and the kubelet\'s parser agree, except the one stricter case', () => {
  const exact = KubeValidator.load()!;
  const digest = `sha256:${'a'.repeat(64)}`;
  const references = [
    'nginx', 'nginx:1.27', 'library/nginx:1.27', 'docker.io/library/nginx:1.27', 'ghcr.io/acme/api:v1.2.3', `ghcr.io/acme/api@${digest}`,
    `ghcr.io/acme/api:v1@${digest}`, 'localhost:5000/team/app:1.0', 'localhost/app', '[::1]:5000/app:1', '10.0.0.1:5000/a/b/c:tag_1.x-y',
    'a.b-c.d/e__f.g/h-i:j', 'registry.example.com/a/b', 'Ghcr.io/acme/api:v1', 'ghcr.io/Acme/api:v1', 'api:v1 ', ' api', 'api::v1', 'api:',
    'https://ghcr.io/acme/api:v1', `api@${digest.slice(0, 20)}`, 'a'.repeat(64), `app:${'t'.repeat(128)}`, `app:${'t'.repeat(129)}`,
    'app:-tag', 'app:.tag', 'a--b/c', 'a_b/c', 'a__b/c', 'a___b/c', 'a..b/c', 'UPPER/case:tag', 'upper/Case:tag', 'host:port/app',
    'example.com:99999/app', `${'a'.repeat(250)}/b`, 'app@sha512:abc',
  ];
  const disagreements = references
    .map((image) => ({ image, ours: imageReferenceProblem(image), kubelet: exact.imageReferenceProblem(image) }))
    .filter(({ ours, kubelet }) => (ours === undefined) !== (kubelet === undefined));
  expect(disagreements.map(({ image, ours, kubelet }) => `${image}: ours ${ours ?? 'ok'}, kubelet ${kubelet ?? 'ok'}`))
    .toEqual(['UPPER/case:tag: ours the repository must be lower case ("UPPER" has no "." or port, so it is a Docker Hub namespace, not a registry host), kubelet ok']);
});

test('the bench\'s measurement of the exact validator runs (tools/bench-exact-validator.js: start-up, per object, memory, size)', () => {
  const run = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'tools', 'bench-exact-validator.js'), '1'], { encoding: 'utf8', timeout: 300_000 });
  expect(run.stderr).toBe('');
  const measured = JSON.parse(run.stdout);
  expect(measured.objects).toBeGreaterThan(20);
  for (const figure of ['startUp', 'perObject', 'maxRssMb', 'compressedBytes', 'rawBytes']) expect(measured[figure]).toBeGreaterThan(0);
}, 300_000);

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** The exact validator's verdict for one object in the corpus namespace, as the API server would answer. */
function exactVerdict(exact: KubeValidator, object: Manifest): Answer {
  const [outcome] = exact.validate([object], clusterOptions([NAMESPACE_OBJECT], SERVER_OPTIONS));
  const warnings = outcome.warnings;
  if (outcome.verdict === 'rejected') return { verdict: 'rejected', message: outcome.status?.message ?? '', warnings };
  if (outcome.verdict !== 'accepted') {
    // Custom resources: the exact validator leaves them to the fast checks (the Gateway API and Istio CRD schemas and CEL rules).
    const errors = validateManifests([NAMESPACE_OBJECT, object], { ...SERVER_OPTIONS, mode: 'fast' })
      .filter((violation) => violation.severity === 'error' && SERVER_RULES.has(violation.rule));
    if (outcome.verdict === 'unknown-kind' && errors.length === 0 && !isCustomResourceGroup(object)) return { verdict: 'rejected', message: outcome.message ?? '', warnings };
    return errors.length > 0 ? { verdict: 'rejected', message: errors.map((e) => e.message).join('; '), warnings } : { verdict: 'accepted', message: '', warnings };
  }
  return { verdict: warnings.some((warning) => warning.startsWith('would violate PodSecurity')) ? 'pod-security' : 'accepted', message: '', warnings };
}

function isCustomResourceGroup(object: Manifest): boolean {
  return /^(gateway\.networking\.k8s\.io|networking\.istio\.io)\//.test(String(object.apiVersion));
}

/** The API server over HTTPS with the admin client certificate, as kubectl reaches it. */
class ApiClient {
  private readonly server: URL;
  private readonly agent: https.Agent;
  private readonly resources = new Map<string, { resource: string; namespaced: boolean }>();

  public constructor(controlPlane: ControlPlane) {
    const kubeconfig = fs.readFileSync(controlPlane.kubeconfig, 'utf8');
    this.server = new URL(/server: (\S+)/.exec(kubeconfig)![1]);
    const pki = path.join(controlPlane.dir, 'pki');
    this.agent = new https.Agent({
      ca: fs.readFileSync(path.join(pki, 'ca.crt')), cert: fs.readFileSync(path.join(pki, 'admin.crt')), key: fs.readFileSync(path.join(pki, 'admin.key')), keepAlive: true,
    });
  }

  /** Reads the served resources of every group version (what kubectl's REST mapper does). */
  public async discover(): Promise<void> {
    const groupVersions = ['v1'];
    const groups = await this.request('GET', '/apis');
    for (const group of JSON.parse(groups.body).groups) for (const version of group.versions) groupVersions.push(version.groupVersion);
    for (const groupVersion of groupVersions) {
      const list = JSON.parse((await this.request('GET', groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}`)).body);
      for (const resource of list.resources) {
        if (resource.name.includes('/')) continue;
        this.resources.set(`${groupVersion}/${resource.kind}`, { resource: resource.name, namespaced: resource.namespaced });
      }
    }
  }

  /** Every served kind, as `apiVersion/Kind`. */
  public servedKinds(): string[] {
    return [...this.resources.keys()];
  }

  /** What `kubectl apply --server-side --dry-run=server` (for Services: without the dry run) answers. */
  public async apply(object: Manifest): Promise<Answer> {
    const mapping = this.resources.get(`${object.apiVersion}/${object.kind}`);
    if (mapping === undefined) return { verdict: 'rejected', message: `no matches for kind "${object.kind}" in version "${object.apiVersion}"`, warnings: [] };
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') return { verdict: 'rejected', message: 'resource name may not be empty', warnings: [] };
    const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const namespace = mapping.namespaced ? `/namespaces/${object.metadata.namespace ?? 'default'}` : '';
    const url = `${base}${namespace}/${mapping.resource}/${encodeURIComponent(name)}`;
    const dryRun = object.kind !== 'Service';
    const response = await this.request('PATCH', `${url}?fieldManager=kubectl&fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`, JSON.stringify(object), 'application/apply-patch+yaml');
    if (!dryRun && response.status < 300) await this.request('DELETE', url);
    const warnings = response.warnings;
    if (response.status >= 300) return { verdict: 'rejected', message: JSON.parse(response.body).message ?? response.body, warnings };
    return { verdict: warnings.some((warning) => warning.startsWith('would violate PodSecurity')) ? 'pod-security' : 'accepted', message: '', warnings };
  }

  private request(method: string, pathAndQuery: string, body?: string, contentType = 'application/json'): Promise<{ status: number; body: string; warnings: string[] }> {
    return new Promise((resolve, reject) => {
      const request = https.request(new URL(pathAndQuery, this.server), {
        method, agent: this.agent, timeout: 30_000,
        headers: { 'Content-Type': contentType, 'Accept': 'application/json', 'User-Agent': 'kubectl/v1.36.4' },
      }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), warnings: parseWarnings(response.headers.warning) }));
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${pathAndQuery} timed out`)));
      request.on('error', reject);
      request.end(body);
    });
  }
}

/** `Warning: 299 - "text"` headers (RFC 7234), as kubectl prints them. */
function parseWarnings(header: string | string[] | undefined): string[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return values.flatMap((value) => [...value.matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)].map((match) => match[1].replace(/\\(.)/g, '$1')));
}
