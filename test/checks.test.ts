import { Construct } from 'constructs';
import { PropChecker, parseQuantity, resolveNamespace } from '../lib/checks';
import { imageTag } from '../lib/image-reference';
import { chartWithoutNamespace, exactError, testChart, thrownMessage } from './util';

/** A checker for a construct `thing` of type `Thing` in chart `test` (namespace `test`). */
function checker(chart = testChart()): { check: PropChecker; owner: Construct } {
  const owner = new Construct(chart, 'thing');
  return { check: new PropChecker(owner, 'Thing'), owner };
}

const check = () => checker().check;

describe('PropChecker messages', () => {
  test('subject names the construct type and path', () => {
    expect(check().subject).toBe("Thing 'test/thing'");
    const nested = new Construct(new Construct(testChart(), 'parent'), 'child');
    expect(new PropChecker(nested, 'Nested').subject).toBe("Nested 'test/parent/child'");
  });

  test('fail names the subject, the prop, the problem, the value and the fix', () => {
    expect(() => check().fail('size', 'must be small', 'huge', 'Use "tiny".')).toThrow(exactError(`Thing 'test/thing': size must be small; got "huge". Use "tiny".`));
  });

  test.each<[unknown, string]>([
    ['text', '"text"'],
    ['', '""'],
    [3, '3'],
    [1.5, '1.5'],
    [undefined, 'undefined'],
    [null, 'null'],
    [['a', 1], '["a",1]'],
    [{ request: '1', limit: '500m' }, '{"request":"1","limit":"500m"}'],
  ])('the value %p is shown as %s', (value, shown) => {
    expect(thrownMessage(() => check().fail('prop', 'is wrong', value, 'Fix it.'))).toBe(`Thing 'test/thing': prop is wrong; got ${shown}. Fix it.`);
  });

  // Non-finite numbers are named as such, not as JSON's "null", so the message shows the value the user gave,
  // e.g. `replicas: Number(process.env.REPLICAS)` with the variable unset reports "got NaN".
  test.each([[NaN, 'NaN'], [Infinity, 'Infinity']])('a non-finite number %p is shown as %s', (value, shown) => {
    expect(thrownMessage(() => check().integerAtLeast('replicas', value, 1))).toContain(`got ${shown}.`);
  });
});

describe('PropChecker.integerAtLeast', () => {
  test('accepts undefined and whole numbers at or above the minimum', () => {
    for (const value of [undefined, 1, 2, 1000]) expect(() => check().integerAtLeast('replicas', value, 1)).not.toThrow();
    expect(() => check().integerAtLeast('count', 0, 0)).not.toThrow();
  });

  test.each([0, -1, 1.5])('rejects %p with the default fix', (value) => {
    expect(() => check().integerAtLeast('replicas', value, 1))
      .toThrow(exactError(`Thing 'test/thing': replicas must be an integer >= 1; got ${value}. Set replicas to a whole number of 1 or more.`));
  });

  test('uses a given fix', () => {
    expect(() => check().integerAtLeast('user', 0, 1, 'Use 1000.')).toThrow(exactError(`Thing 'test/thing': user must be an integer >= 1; got 0. Use 1000.`));
  });
});

describe('PropChecker.port', () => {
  test.each([undefined, 1, 80, 65535])('accepts %p', (port) => {
    expect(() => check().port('port', port)).not.toThrow();
  });

  test.each([0, -1, 65536, 70000, 80.5])('rejects %p', (port) => {
    expect(() => check().port('port', port)).toThrow(exactError(`Thing 'test/thing': port must be a port number from 1 to 65535; got ${port}. Use a whole number in 1-65535, e.g. 8000.`));
  });
});

describe('PropChecker.dnsLabel', () => {
  test.each([undefined, 'a', 'my-app', '0day', 'a1-b2', 'a'.repeat(63)])('accepts %p', (value) => {
    expect(() => check().dnsLabel('name', value)).not.toThrow();
  });

  test.each<[string, string]>([
    ['My_App', 'my-app'],
    ['-app', 'app'],
    ['app-', 'app'],
    ['todo.app', 'todo-app'],
    ['', 'my-app'],
    ['___', 'my-app'],
    ['Hello World!', 'hello-world'],
    ['a'.repeat(64), 'a'.repeat(63)],
  ])('rejects %p and suggests %p', (value, suggestion) => {
    expect(() => check().dnsLabel('name', value)).toThrow(exactError(
      `Thing 'test/thing': name must be a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters); got "${value}". Use a name like "${suggestion}".`));
  });

  // The suggestion is trimmed after it is cut to 63 characters, so it never ends with "-" and is a valid name itself.
  test('the suggestion for a long name is itself a DNS label', () => {
    const message = thrownMessage(() => check().dnsLabel('name', `${'a'.repeat(62)}_b`));
    const suggestion = /Use a name like "(.*)"\.$/.exec(message)![1];
    expect(() => check().dnsLabel('name', suggestion)).not.toThrow();
  });
});

describe('PropChecker.dnsSubdomain', () => {
  test.each([undefined, 'todo', 'todo-secrets', 'a.b-c.d', `${'a'.repeat(63)}.${'b'.repeat(63)}`])('accepts %p', (value) => {
    expect(() => check().dnsSubdomain('secretName', value)).not.toThrow();
  });

  test.each(['Todo', 'a..b', '.a', 'a.', 'a_b', 'a.-b', `${'a.'.repeat(127)}ab`])('rejects %p', (value) => {
    expect(() => check().dnsSubdomain('secretName', value)).toThrow(
      /^Thing 'test\/thing': secretName must be a DNS-1123 subdomain \(dot-separated lowercase labels of letters, digits and "-"\); got ".*"\. Use a name like "[a-z0-9-]+"\.$/);
  });

  test('exact message', () => {
    expect(() => check().dnsSubdomain('claimName', 'Todo_Data')).toThrow(exactError(
      `Thing 'test/thing': claimName must be a DNS-1123 subdomain (dot-separated lowercase labels of letters, digits and "-"); got "Todo_Data". Use a name like "todo-data".`));
  });
});

describe('PropChecker.hostName', () => {
  test.each([undefined, 'localhost', 'todo.local', 'todo.example.com', '*.example.com', 'a-1.b-2'])('accepts %p', (value) => {
    expect(() => check().hostName('host', value)).not.toThrow();
  });

  test.each(['Todo.Local', 'https://todo.local', 'todo.local:80', 'todo.local/path', 'a.*.b', '*.', '*', 'todo.local.', 'todo_app.local'])('rejects %p', (value) => {
    expect(() => check().hostName('host', value)).toThrow(exactError(
      `Thing 'test/thing': host must be a DNS host name such as "todo.local" (an optional leading "*." is allowed); got "${value}". Use lowercase letters, digits, "-" and dots; no scheme, port or path.`));
  });
});

describe('PropChecker.hostName refuses IP addresses (the API server refuses them in Ingress rules)', () => {
  test.each(['192.168.49.2', '10.0.0.1', '2001:db8::1', '[2001:db8::1]'])('rejects %p', (value) => {
    expect(() => check().hostName('host', value)).toThrow(/^Thing 'test\/thing': host must be a DNS host name, not an IP address \(the API server refuses IP hosts in Ingress rules\); got ".*"\. Use a name that resolves to the address/);
  });
});

describe('PropChecker.cidr', () => {
  test.each(['10.0.0.0/8', '0.0.0.0/0', '203.0.113.7/32', '2001:db8::/32', '::/0', 'fd00::1/128'])('accepts %p', (value) => {
    expect(() => check().cidr('cidr', value)).not.toThrow();
  });

  test.each(['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.0/8', '10.0.0.0/8 ', 'fd00::g/64', '2001:db8::/129', 'example.com/24', '010.0.0.0/8'])('rejects %p', (value) => {
    expect(() => check().cidr('cidr', value)).toThrow(exactError(
      `Thing 'test/thing': cidr must be a CIDR (an IP address, "/" and a prefix length); got "${value}". Write it like "203.0.113.0/24", "10.0.0.0/8" or "2001:db8::/32".`));
  });
});

describe('PropChecker.taggedImage: the OCI reference grammar', () => {
  test.each(['app:v1', 'ghcr.io/acme/app:v1.2.3', 'localhost:5001/app:dev', 'registry.example.com:5000/team/sub/app:v1_2',
    `app@sha256:${'a'.repeat(64)}`, `ghcr.io/acme/app:v1@sha256:${'0'.repeat(64)}`, 'a__b/c-d.e:T'])('accepts %p', (image) => {
    expect(() => check().taggedImage('image', image)).not.toThrow();
  });

  test.each<[string, string, RegExp]>([
    ['upper case repository', 'ghcr.io/Acme/App:v1', /the repository path must be lowercase/],
    ['a scheme', 'http://ghcr.io/acme/app:v1', /it has a URL scheme/],
    ['spaces', 'ghcr.io/acme/my app:v1', /it contains whitespace/],
    ['a malformed digest', 'app:v1@sha256:abc', /the digest must be/],
    ['a short sha256 digest', `app@sha256:${'a'.repeat(40)}`, /a sha256 digest has exactly 64 hex digits/],
    ['a tag with a slash-free invalid character', 'app:v1!', /the repository path must be lowercase .* and a tag/],
    ['a trailing separator', 'app-:v1', /the repository path must be lowercase/],
  ])('rejects %s', (_, image, problem) => {
    const message = thrownMessage(() => check().taggedImage('image', image));
    expect(message).toMatch(/^Thing 'test\/thing': image must be an OCI image reference \(\[registry\[:port\]\/\]repository\[:tag\]\[@sha256:<64 hex digits>\]\): /);
    expect(message).toMatch(problem);
    expect(message).toContain('Write it like "ghcr.io/acme/api:v1.0.0"');
  });

  test.each([undefined, 42, ''])('an image that is not a non-empty string (%p) gets our message', (image) => {
    expect(() => check().taggedImage('image', image as any)).toThrow(/^Thing 'test\/thing': image is required: an image reference such as "ghcr\.io\/acme\/api:v1\.0\.0"/);
  });
});

describe('PropChecker.httpPath, positiveQuantity and plain-JavaScript types', () => {
  test('httpPath refuses spaces, queries and fragments', () => {
    expect(() => check().httpPath('livenessPath', '/health check')).toThrow(exactError(
      `Thing 'test/thing': livenessPath must contain only URL path characters (no spaces, "?" or "#"); got "/health check". Percent-encode other characters, e.g. "/health%20check".`));
    expect(() => check().httpPath('livenessPath', '/health?x=1')).toThrow(/must contain only URL path characters/);
    expect(() => check().httpPath('livenessPath', '/healthz')).not.toThrow();
  });

  test('positiveQuantity refuses zero', () => {
    for (const value of ['0', '0Gi', '0.0Mi']) {
      expect(() => check().positiveQuantity('size', value, 'storage')).toThrow(exactError(`Thing 'test/thing': size must be greater than zero; got "${value}". Use a size such as "5Gi".`));
    }
    expect(() => check().positiveQuantity('size', '1Mi', 'storage')).not.toThrow();
  });

  test.each<[string, () => void, RegExp]>([
    ['a number where a name goes', () => check().dnsLabel('name', 42 as any), /^Thing 'test\/thing': name must be a string; a number was given; got 42\. Pass name as text \(a string\)\.$/],
    ['an object where a path goes', () => check().absolutePath('path', {} as any), /path must be a string; a object was given/],
    ['a string where a list goes', () => check().array('routes', '/api'), /^Thing 'test\/thing': routes must be an array; a string was given; got "\/api"\. Pass routes as a list: \[ \.\.\. \]\.$/],
    ['a list where a map goes', () => check().record('config', ['A=1']), /^Thing 'test\/thing': config must be an object of names to strings; a array was given/],
    ['a number as a map value', () => check().record('config', { PORT: 8000 }), /^Thing 'test\/thing': config\["PORT"\] must be a string; a number was given; got 8000\./],
  ])('%s gets our message', (_, fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe('PropChecker.labelValue and labels', () => {
  test.each([undefined, '', 'v1', 'v0.1.0-local', 'A_b.c-D', 'a'.repeat(63)])('accepts the value %p', (value) => {
    expect(() => check().labelValue('version', value)).not.toThrow();
  });

  test.each(['-v1', 'v1-', 'v1+build', 'a/b', 'a b', 'a'.repeat(64), '.a'])('rejects the value %p', (value) => {
    expect(() => check().labelValue('version', value)).toThrow(exactError(
      `Thing 'test/thing': version must be a valid label value (at most 63 characters: letters, digits, "-", "_", ".", starting and ending with a letter or digit); got "${value}". Shorten it or replace the other characters, e.g. "/" or "+" with "-".`));
  });

  test('labels accepts plain and prefixed keys', () => {
    expect(() => check().labels('labels', undefined)).not.toThrow();
    expect(() => check().labels('labels', { 'team': 'core', 'example.com/tier': 'gold', 'a.b/C_d-e.f': '' })).not.toThrow();
  });

  test.each(['Bad Key', '/team', 'Example.com/team', 'a/b/c', '-team', 'a'.repeat(64), ''])('labels rejects the key %p', (key) => {
    expect(() => check().labels('labels', { [key]: 'x' })).toThrow(exactError(
      `Thing 'test/thing': labels key must be a valid label key ([prefix/]name, name at most 63 characters); got "${key}". Use a key like "team" or "example.com/team".`));
  });

  test('labels names the key of a bad value', () => {
    expect(() => check().labels('labels', { ok: 'fine', team: 'a+b' })).toThrow(/^Thing 'test\/thing': labels\["team"\] must be a valid label value .*; got "a\+b"\./);
  });
});

describe('PropChecker.quantity', () => {
  test.each(['100m', '1', '0.5', '.5', '2k', '128Mi', '5Gi', '1Ti', '1e3', '1E', '3M'])('accepts the cpu quantity %p', (value) => {
    expect(() => check().quantity('cpu', value, 'cpu')).not.toThrow();
  });

  test.each(['128Mi', '1Gi', '512M', '1e9', '1000'])('accepts the memory quantity %p', (value) => {
    expect(() => check().quantity('memory', value, 'memory')).not.toThrow();
  });

  test('accepts undefined', () => {
    expect(() => check().quantity('memory', undefined, 'memory')).not.toThrow();
  });

  test.each<['cpu' | 'memory' | 'storage', string, string]>([
    ['cpu', '1 core', '"250m" or "1"'],
    ['memory', '512MB', '"256Mi" or "1Gi"'],
    ['memory', '1 Gi', '"256Mi" or "1Gi"'],
    ['memory', 'Mi', '"256Mi" or "1Gi"'],
    ['memory', '-1Gi', '"256Mi" or "1Gi"'],
    ['memory', '1gi', '"256Mi" or "1Gi"'],
    ['storage', '5GB', '"5Gi"'],
    ['storage', '', '"5Gi"'],
  ])('rejects the %s quantity %p', (kind, value, example) => {
    expect(() => check().quantity('size', value, kind)).toThrow(exactError(
      `Thing 'test/thing': size must be a Kubernetes quantity; got "${value}". Use a form like ${example} (binary suffixes Ki, Mi, Gi; "MB" is not a Kubernetes unit).`));
  });

  test.each<['memory' | 'storage', string, string]>([
    ['memory', '128m', '"256Mi" or "1Gi"'],
    ['storage', '5000m', '"5Gi"'],
  ])('rejects %s in millibytes: %p', (kind, value, example) => {
    expect(() => check().quantity('size', value, kind)).toThrow(exactError(
      `Thing 'test/thing': size is in thousandths of a byte ("m" means milli); got "${value}". Use Mi for mebibytes, e.g. ${example}.`));
  });

  test('millicores are fine for CPU', () => {
    expect(() => check().quantity('cpu', '128m', 'cpu')).not.toThrow();
  });
});

describe('PropChecker.requestWithinLimit and parseQuantity', () => {
  test.each<[string | undefined, string | undefined]>([
    [undefined, '1'], ['1', undefined], ['100m', '1'], ['1', '1000m'], ['1Gi', '1024Mi'], ['1G', '1Gi'], ['0.5', '500m'],
  ])('accepts request %p with limit %p', (request, limit) => {
    expect(() => check().requestWithinLimit('cpu', request, limit)).not.toThrow();
  });

  test.each([['2', '1500m'], ['1Gi', '1G'], ['1001m', '1'], ['1e3', '999']])('rejects request %p above limit %p', (request, limit) => {
    expect(() => check().requestWithinLimit('cpu', request, limit)).toThrow(exactError(
      `Thing 'test/thing': cpu request must not exceed the limit; got {"request":"${request}","limit":"${limit}"}. Lower the request or raise the limit.`));
  });

  test.each<[string, number]>([
    ['1', 1], ['100m', 0.1], ['.5', 0.5], ['2k', 2000], ['3M', 3e6], ['1G', 1e9], ['1Ki', 1024], ['128Mi', 128 * 2 ** 20], ['5Gi', 5 * 2 ** 30], ['1e3', 1000], ['2E3', 2000], ['1.5Gi', 1.5 * 2 ** 30],
  ])('parseQuantity(%p) is %p', (value, expected) => {
    expect(parseQuantity(value)).toBe(expected);
  });

  test('parseQuantity of something that is no quantity is NaN', () => {
    expect(parseQuantity('abc')).toBeNaN();
    expect(parseQuantity('1XB')).toBeNaN();
  });

  // A bare "E" is the exa suffix, not an exponent, so requestWithinLimit compares exa quantities like any other.
  test('parseQuantity("1E") is one exa', () => {
    expect(parseQuantity('1E')).toBe(1e18);
  });
});

describe('PropChecker.taggedImage and imageTag', () => {
  test.each([
    'todo-backend:v1',
    'todo-backend:v0.1.0-local',
    'ghcr.io/acme/todo-backend:1.2.3',
    'localhost:5000/todo-backend:v1',
    'todo-backend@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'localhost:5000/todo-backend@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  ])('accepts %p', (image) => {
    expect(() => check().taggedImage('image', image)).not.toThrow();
  });

  test.each(['todo-backend', 'localhost:5000/todo-backend', 'ghcr.io/acme/todo-backend', 'registry.example.com:443/team/app'])('rejects %p', (image) => {
    expect(() => check().taggedImage('image', image)).toThrow(exactError(
      `Thing 'test/thing': image must name a tag or digest; got "${image}". Pin a version, e.g. "${image}:v0.1.0" or "${image}@sha256:<digest>".`));
  });

  test.each<[string, string | undefined]>([
    ['todo-backend:v1', 'v1'],
    ['todo-backend', undefined],
    ['localhost:5000/todo-backend', undefined],
    ['localhost:5000/todo-backend:v1', 'v1'],
    ['a/b/c:1.0', '1.0'],
    ['todo-backend@sha256:abc', undefined],
    ['todo-backend:v2@sha256:abc', 'v2'],
  ])('imageTag(%p) is %p', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe('PropChecker.absolutePath', () => {
  test('accepts undefined and paths starting with /', () => {
    for (const value of [undefined, '/', '/data', '/app/.next/cache']) expect(() => check().absolutePath('path', value)).not.toThrow();
  });

  test('rejects a relative path and suggests the absolute one', () => {
    expect(() => check().absolutePath('dataPath', 'data/db')).toThrow(exactError(`Thing 'test/thing': dataPath must start with "/"; got "data/db". Write it as "/data/db".`));
  });
});

describe('resolveNamespace', () => {
  test('the prop wins over the chart namespace', () => {
    const { check: propChecker, owner } = checker();
    expect(resolveNamespace(propChecker, owner, 'other')).toBe('other');
    expect(resolveNamespace(propChecker, owner, undefined)).toBe('test');
  });

  test('a chart without a namespace needs the prop', () => {
    const { check: propChecker, owner } = checker(chartWithoutNamespace());
    expect(resolveNamespace(propChecker, owner, 'todo')).toBe('todo');
    expect(() => resolveNamespace(propChecker, owner, undefined)).toThrow(exactError(
      "Thing 'test/thing': namespace is required (neither the prop nor the chart sets one); got undefined. "
      + 'Pass namespace, or create the chart with `new Chart(app, id, { namespace })`, so every object states where it lives.'));
  });

  test('the namespace must be a DNS label', () => {
    const { check: propChecker, owner } = checker();
    expect(() => resolveNamespace(propChecker, owner, 'Todo_App')).toThrow(/^Thing 'test\/thing': namespace must be a DNS-1123 label .*; got "Todo_App"\. Use a name like "todo-app"\.$/);
  });
});
