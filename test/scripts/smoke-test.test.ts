import { Sandbox } from './helpers';

describe('smoke-test.sh', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = new Sandbox();
  });
  afterEach(() => sb.cleanup());

  const healthyApp = (s: Sandbox, apiPath = '/api/todos') =>
    s
      .route('/health', 200, 'application/json', '{"status":"ok"}')
      .route('/docs', 200, 'text/html; charset=utf-8', '<html>swagger-ui</html>')
      .route('/openapi.json', 200, 'application/json', '{"openapi":"3.1.0","paths":{}}')
      .route(apiPath, 401, 'application/json', '{"detail":"Not authenticated"}')
      .route('/', 200, 'text/html; charset=utf-8', '<!DOCTYPE html><html></html>');

  test('kind: checks health, docs, OpenAPI, an API path and the frontend through the ingress', () => {
    healthyApp(sb);
    const res = sb.run('smoke-test.sh', ['--env', 'local']);
    expect(res.status).toBe(0);
    const urls = ['/health', '/docs', '/openapi.json', '/api/todos', '/'].map((p) => `http://127.0.0.1${p}`);
    expect(sb.lines()).toEqual(
      urls.map(
        (u) => `curl -sS -o ${sb.calls()[0].args[2]} -w %{http_code} %{content_type} --connect-timeout 2 --max-time 10 -H Host: todo.localhost ${u}`,
      ),
    );
    expect(res.stdout).toMatch(/PASS +backend health +GET \/health +-> 200 application\/json/);
    expect(res.stdout).toMatch(/PASS +backend docs +GET \/docs +-> 200 text\/html/);
    expect(res.stdout).toMatch(/PASS +OpenAPI schema +GET \/openapi\.json +-> 200/);
    expect(res.stdout).toMatch(/PASS +backend API +GET \/api\/todos +-> 401 application\/json/);
    expect(res.stdout).toMatch(/PASS +frontend page +GET \/ +-> 200 text\/html/);
    expect(res.stdout).toContain('5 passed, 0 failed');
  });

  test('minikube: goes to the minikube IP with Host todo.local', () => {
    sb.rule({ tool: 'minikube', match: '^-p todo ip$', stdout: '192.168.49.2\n' });
    healthyApp(sb, '/api/items');
    const res = sb.run('smoke-test.sh', ['--env', 'minikube', '--api-path', '/api/items']);
    expect(res.status).toBe(0);
    expect(sb.lines()[0]).toBe('minikube -p todo ip');
    const curls = sb.calls('curl');
    expect(curls.map((c) => c.args.slice(-3))).toEqual(
      ['/health', '/docs', '/openapi.json', '/api/items', '/'].map((p) => ['-H', 'Host: todo.local', `http://192.168.49.2${p}`]),
    );
  });

  test('without --api-path it probes the first parameterless /api path the OpenAPI schema lists', () => {
    const schema = JSON.stringify({
      openapi: '3.1.0',
      paths: { '/health': {}, '/api/items/{item_id}': {}, '/api/items': { get: {} }, '/api/users': {} },
    });
    sb.route('/openapi.json', 200, 'application/json', schema)
      .route('/api/items', 200, 'application/json', '[]');
    healthyApp(sb);
    const res = sb.run('smoke-test.sh', ['--retries', '1']);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/PASS +backend API +GET \/api\/items +-> 200/);
    expect(sb.lines('curl')[3]).toMatch(/ http:\/\/127\.0\.0\.1\/api\/items$/);
  });

  test('each failing check is reported and the exit status is non-zero', () => {
    sb.route('/health', 200, 'application/json', '{"status":"ok"}')
      .route('/docs', 200, 'text/html', '<html></html>')
      .route('/openapi.json', 200, 'application/json', '{"openapi":"3.1.0"}')
      .route('/api/todos', 404, 'application/json', '{"detail":"Not Found"}')
      .route('/', 502, 'text/html', '<html>Bad Gateway</html>');
    const res = sb.run('smoke-test.sh', ['--retries', '2', '--api-path', '/api/todos']);
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/FAIL +backend API +GET \/api\/todos +-> 404/);
    expect(res.stdout).toContain('pick an existing API path with --api-path');
    expect(res.stdout).toMatch(/FAIL +frontend page +GET \/ +-> 502/);
    expect(res.stdout).toContain('3 passed, 2 failed');
    // failing checks were retried
    expect(sb.lines('curl').filter((l) => l.endsWith('http://127.0.0.1/'))).toHaveLength(2);
  });

  test('a connection that gives no HTTP answer fails every check, each retried', () => {
    sb.rule({ tool: 'curl', exit: 52, stderr: 'curl: (52) Empty reply from server\n' });
    const res = sb.run('smoke-test.sh', ['--retries', '2', '--url', 'http://127.0.0.1:8080/', '--host', 'todo.example']);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('0 passed, 5 failed');
    expect(res.stdout).toContain('(no answer)');
    expect(sb.calls('curl')).toHaveLength(10);
    expect(sb.calls('curl')[0].args.slice(-3)).toEqual(['-H', 'Host: todo.example', 'http://127.0.0.1:8080/health']);
  });

  // curl's own messages and exit codes: 7 refused, 6 unknown host, 28 connect timeout.
  test.each([
    [7, 'curl: (7) Failed to connect to 127.0.0.1 port 8080 after 0 ms: Couldn\'t connect to server', "Failed to connect to 127.0.0.1 port 8080 after 0 ms: Couldn't connect to server"],
    [6, 'curl: (6) Could not resolve host: todo.nowhere', 'Could not resolve host: todo.nowhere'],
    [28, 'curl: (28) Connection timed out after 2001 milliseconds', 'Connection timed out after 2001 milliseconds'],
  ])('nothing listening (curl exit %i) ends the test after two attempts of the first check, saying so', (exit, stderr, reason) => {
    sb.rule({ tool: 'curl', exit, stderr: `${stderr}\n` });
    const res = sb.run('smoke-test.sh', ['--url', 'http://127.0.0.1:8080/', '--host', 'todo.example']);
    expect(res.status).toBe(1);
    expect(sb.lines('curl').map((line) => line.split(' ').pop())).toEqual(['http://127.0.0.1:8080/health', 'http://127.0.0.1:8080/health']);
    expect(res.stdout).toMatch(/FAIL +backend health +GET \/health +-> no connection/);
    expect(res.stderr).toContain(`nothing answers at http://127.0.0.1:8080 (curl: ${reason}); is the kind cluster up? (scripts/cluster-up.sh --env local, then scripts/deploy.sh --env local)`);
  });

  test('a timeout after the connection (a slow answer) is retried like any failed check', () => {
    sb.rule({ tool: 'curl', exit: 28, stderr: 'curl: (28) Operation timed out after 10000 milliseconds with 0 bytes received\n' });
    const res = sb.run('smoke-test.sh', ['--retries', '3', '--api-path', '/api/todos']);
    expect(res.status).toBe(1);
    expect(sb.calls('curl')).toHaveLength(15);
    expect(res.stdout).toContain('0 passed, 5 failed');
  });

  test('--connect-timeout sets how long curl waits for a connection, and must be a positive number', () => {
    healthyApp(sb);
    expect(sb.run('smoke-test.sh', ['--connect-timeout', '7']).status).toBe(0);
    expect(sb.calls('curl')[0].args).toEqual(expect.arrayContaining(['--connect-timeout', '7']));
    const bad = sb.run('smoke-test.sh', ['--connect-timeout', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--connect-timeout expects a positive number of seconds');
  });

  test('an HTML page where the OpenAPI JSON should be (routed to the frontend) fails', () => {
    sb.route('/openapi.json', 200, 'text/html', '<html>next.js 404 page</html>');
    healthyApp(sb);
    const res = sb.run('smoke-test.sh', ['--retries', '1']);
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/FAIL +OpenAPI schema/);
    expect(res.stdout).toContain('4 passed, 1 failed');
  });
});
