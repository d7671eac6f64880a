import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { imageReferenceProblem, imageTag } from './image-reference';
import { isCidr, isDnsLabel, isDnsSubdomain, isIngressHost, isIpAddress } from './value-formats';

/**
 * Early, actionable prop checks shared by the constructs. Each failure names the construct
 * path, the prop, the bad value and the fix, e.g.
 * `FastApiBackend 'prod/api': replicas must be an integer >= 1; got 0. Set replicas to 1 or more.`
 */
export class PropChecker {
  constructor(private readonly owner: IConstruct, private readonly typeName: string) {}

  /** `FastApiBackend 'prod/api'` */
  public get subject(): string {
    return `${this.typeName} '${this.owner.node.path}'`;
  }

  /** Throws an error in the project's format. */
  public fail(prop: string, problem: string, value: unknown, fix: string): never {
    throw new Error(`${this.subject}: ${prop} ${problem}; got ${formatValue(value)}. ${fix}`);
  }

  public integerAtLeast(prop: string, value: number | undefined, min: number, fix?: string): void {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < min) {
      this.fail(prop, `must be an integer >= ${min}`, value, fix ?? `Set ${prop} to a whole number of ${min} or more.`);
    }
  }

  public port(prop: string, value: number | undefined): void {
    if (value === undefined) return;
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      this.fail(prop, 'must be a port number from 1 to 65535', value, `Use a whole number in 1-65535, e.g. 8000.`);
    }
  }

  /** A DNS-1123 label: what Kubernetes requires of Service and Namespace names. */
  public dnsLabel(prop: string, value: string | undefined): void {
    if (value === undefined) return;
    this.string(prop, value);
    if (!isDnsLabel(value)) {
      this.fail(prop, 'must be a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters)', value,
        `Use a name like "${suggestDnsLabel(value)}".`);
    }
  }

  /** A DNS-1123 subdomain: host names and most object names. */
  public dnsSubdomain(prop: string, value: string | undefined): void {
    if (value === undefined) return;
    this.string(prop, value);
    if (!isDnsSubdomain(value)) {
      this.fail(prop, 'must be a DNS-1123 subdomain (dot-separated lowercase labels of letters, digits and "-")', value,
        `Use a name like "${suggestDnsLabel(value)}".`);
    }
  }

  public hostName(prop: string, value: string | undefined): void {
    if (value === undefined) return;
    this.string(prop, value);
    if (isIpAddress(value)) {
      this.fail(prop, 'must be a DNS host name, not an IP address (the API server refuses IP hosts in Ingress rules)', value,
        'Use a name that resolves to the address, e.g. "todo.local" in /etc/hosts or "<ip>.nip.io", or leave host unset to answer on any host.');
    }
    if (!isIngressHost(value)) {
      this.fail(prop, 'must be a DNS host name such as "todo.local" (an optional leading "*." is allowed)', value,
        'Use lowercase letters, digits, "-" and dots; no scheme, port or path.');
    }
  }

  public labelValue(prop: string, value: string | undefined): void {
    if (value === undefined) return;
    this.string(prop, value);
    if (value.length > 63 || !LABEL_VALUE.test(value)) {
      this.fail(prop, 'must be a valid label value (at most 63 characters: letters, digits, "-", "_", ".", starting and ending with a letter or digit)', value,
        'Shorten it or replace the other characters, e.g. "/" or "+" with "-".');
    }
  }

  public labels(prop: string, labels: Record<string, string> | undefined): void {
    this.record(prop, labels);
    for (const [key, value] of Object.entries(labels ?? {})) {
      if (!isValidLabelKey(key)) {
        this.fail(`${prop} key`, 'must be a valid label key ([prefix/]name, name at most 63 characters)', key, 'Use a key like "team" or "example.com/team".');
      }
      this.labelValue(`${prop}["${key}"]`, value);
    }
  }

  /** A Kubernetes quantity such as `100m`, `0.5`, `128Mi` or `5Gi`; rejects `512MB` and memory in millis. */
  public quantity(prop: string, value: string | undefined, kind: 'cpu' | 'memory' | 'storage'): void {
    if (value === undefined) return;
    this.string(prop, value);
    const example = kind === 'cpu' ? '"250m" or "1"' : kind === 'memory' ? '"256Mi" or "1Gi"' : '"5Gi"';
    if (!QUANTITY.test(value)) {
      this.fail(prop, 'must be a Kubernetes quantity', value, `Use a form like ${example} (binary suffixes Ki, Mi, Gi; "MB" is not a Kubernetes unit).`);
    }
    if (kind !== 'cpu' && value.endsWith('m')) {
      this.fail(prop, `is in thousandths of a byte ("m" means milli)`, value, `Use Mi for mebibytes, e.g. ${example}.`);
    }
  }

  /** request <= limit, when both are given. */
  public requestWithinLimit(prop: string, request: string | undefined, limit: string | undefined): void {
    if (request === undefined || limit === undefined) return;
    if (parseQuantity(request) > parseQuantity(limit)) {
      this.fail(prop, 'request must not exceed the limit', { request, limit }, 'Lower the request or raise the limit.');
    }
  }

  /** A quantity greater than zero, e.g. a storage size (`0Gi` provisions nothing). */
  public positiveQuantity(prop: string, value: string | undefined, kind: 'cpu' | 'memory' | 'storage'): void {
    if (value === undefined) return;
    this.quantity(prop, value, kind);
    if (!(parseQuantity(value) > 0)) {
      this.fail(prop, 'must be greater than zero', value, `Use a size such as ${kind === 'storage' ? '"5Gi"' : kind === 'cpu' ? '"100m"' : '"128Mi"'}.`);
    }
  }

  /** Images must follow the OCI reference grammar and name a tag or a digest: an untagged image silently means `:latest`. */
  public taggedImage(prop: string, image: string): void {
    if (typeof image !== 'string' || image === '') {
      this.fail(prop, 'is required: an image reference such as "ghcr.io/acme/api:v1.0.0"', image, `Pass ${prop}: "<registry>/<repository>:<tag>".`);
    }
    const tag = imageTag(image);
    if (!tag && !image.includes('@sha256:')) {
      const name = image.replace(/:$/, '');
      this.fail(prop, 'must name a tag or digest', image, `Pin a version, e.g. "${name}:v0.1.0" or "${name}@sha256:<digest>".`);
    }
    const problem = imageReferenceProblem(image);
    if (problem) {
      this.fail(prop, `must be an OCI image reference ([registry[:port]/]repository[:tag][@sha256:<64 hex digits>]): ${problem}`, image,
        'Write it like "ghcr.io/acme/api:v1.0.0" (no scheme, lowercase repository, no spaces).');
    }
  }

  public absolutePath(prop: string, value: string | undefined): void {
    if (value === undefined) return;
    this.string(prop, value);
    if (!value.startsWith('/')) {
      this.fail(prop, 'must start with "/"', value, `Write it as "/${value}".`);
    }
  }

  /** An HTTP request path such as `/health`: a leading "/" and URL path characters only (no spaces, no query). */
  public httpPath(prop: string, value: string | undefined): void {
    if (value === undefined) return;
    this.absolutePath(prop, value);
    if (!HTTP_PATH.test(value)) {
      this.fail(prop, 'must contain only URL path characters (no spaces, "?" or "#")', value, `Percent-encode other characters, e.g. "${encodeURI(value)}".`);
    }
  }

  /** An IPv4 or IPv6 CIDR such as `10.0.0.0/8` or `2001:db8::/32`. */
  public cidr(prop: string, value: string | undefined): void {
    if (value === undefined) return;
    this.string(prop, value);
    if (!isCidr(value)) {
      this.fail(prop, 'must be a CIDR (an IP address, "/" and a prefix length)', value, 'Write it like "203.0.113.0/24", "10.0.0.0/8" or "2001:db8::/32".');
    }
  }

  /** Plain JavaScript callers: a string where one is needed. */
  public string(prop: string, value: unknown): asserts value is string {
    if (typeof value !== 'string') {
      this.fail(prop, `must be a string; a ${describeType(value)} was given`, value, `Pass ${prop} as text (a string).`);
    }
  }

  /** Plain JavaScript callers: an object of string values where one is needed. */
  public record(prop: string, value: unknown): void {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(prop, `must be an object of names to strings; a ${describeType(value)} was given`, value, `Pass ${prop} as { NAME: "value" }.`);
    }
    for (const [key, entry] of Object.entries(value as Record<string, unknown>)) this.string(`${prop}["${key}"]`, entry);
  }

  /** Plain JavaScript callers: an array where one is needed. */
  public array(prop: string, value: unknown): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      this.fail(prop, `must be an array; a ${describeType(value)} was given`, value, `Pass ${prop} as a list: [ ... ].`);
    }
  }
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;
const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;

const SUFFIX_FACTORS: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a quantity accepted by {@link PropChecker.quantity}. */
export function parseQuantity(value: string): number {
  const match = /^([\d.]+)(.*)$/.exec(value);
  if (!match) return NaN;
  const [, number, suffix] = match;
  if (/^[eE][+-]?\d+$/.test(suffix)) return Number(number + suffix);
  return Number(number) * (SUFFIX_FACTORS[suffix] ?? NaN);
}

function isValidLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : key.substring(0, slash);
  const name = key.substring(slash + 1);
  const prefixOk = prefix === undefined || isDnsSubdomain(prefix);
  return prefixOk && name.length <= 63 && LABEL_NAME.test(name);
}

function suggestDnsLabel(value: string): string {
  const cleaned = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').substring(0, 63).replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'my-app' : cleaned;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

/** The namespace a construct's objects go into: its own prop, else its chart's. */
export function resolveNamespace(checker: PropChecker, scope: IConstruct, namespace: string | undefined): string {
  const resolved = namespace ?? Chart.of(scope).namespace;
  if (resolved === undefined) {
    checker.fail('namespace', 'is required (neither the prop nor the chart sets one)', resolved,
      'Pass namespace, or create the chart with `new Chart(app, id, { namespace })`, so every object states where it lives.');
  }
  checker.dnsLabel('namespace', resolved);
  return resolved;
}
