/**
 * The world outside the cluster, inside the node's network namespace at its "outside" address
 * (test/node/lib/constants.sh: 203.0.113.10, "outside.node.test" in the cluster DNS): one PostgreSQL server
 * (Debian's) for the run, with a database per scenario, and plain TCP servers for egress and probe tests, each
 * stopped by the function its starter returns. `node.sh stop` ends whatever is left.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TestNode } from './node';

export const OUTSIDE_IP = '203.0.113.10';
export const OUTSIDE_NAME = 'outside.node.test';

/** One database of the run's PostgreSQL server, with a role of its own: DATABASE_URL by name. */
export interface OutsideDatabase {
  readonly databaseUrl: string;
  /** psql inside the node, as the database's role. */
  psql(sql: string): string;
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl'))) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed: apt-get install postgresql (the test:node suite runs Debian\'s server)');
  return path.join(root, versions.sort((a, b) => Number(a) - Number(b)).pop()!, 'bin');
}

/** Where the run's PostgreSQL keeps its data (and its socket): inside the node's directory, gone with it. */
const postgresData = (node: TestNode) => path.join(node.dir, 'outside', 'postgres');

/**
 * A command as the postgres user, in the directory above its data: one it can enter. The checkout may sit in a
 * directory only root can enter (`mktemp -d` makes them 0700), where initdb cannot even find itself.
 */
export function asPostgres(node: TestNode, command: readonly string[]): string {
  return node.execOk(['runuser', '-u', 'postgres', '--', ...command], { timeoutMs: 60_000, cwd: path.dirname(postgresData(node)) });
}

/**
 * The run's PostgreSQL server on OUTSIDE_IP:5432 (global-setup.ts starts it; `node.sh stop` ends it with the
 * node): the database outside the cluster of the environments that keep their data in one.
 */
export function startPostgres(node: TestNode): void {
  const bin = postgresBin();
  const data = postgresData(node);
  // The postgres user needs to reach its data directory inside the node's.
  for (let dir = path.dirname(data); dir !== path.dirname(dir) && dir.startsWith(node.dir); dir = path.dirname(dir)) fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(node.dir, 0o755);
  fs.chmodSync(path.dirname(data), 0o755);
  node.execOk(['install', '-d', '-o', 'postgres', '-g', 'postgres', '-m', '0700', data]);
  asPostgres(node, [path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8']);
  fs.appendFileSync(path.join(data, 'pg_hba.conf'), 'host all all 0.0.0.0/0 scram-sha-256\n');
  asPostgres(node, [path.join(bin, 'pg_ctl'), '-D', data, '-l', path.join(data, 'server.log'), '-w', '-t', '30',
    '-o', `-c listen_addresses=${OUTSIDE_IP} -c unix_socket_directories=${data} -c fsync=off`, 'start']);
}

/** A database and a role named NAME on the run's PostgreSQL, for one scenario. */
export function postgresDatabase(node: TestNode, name: string): OutsideDatabase {
  const password = `pw-${name}-${process.pid}-${Date.now()}`;
  const superuser = (sql: string) => asPostgres(node, [path.join(postgresBin(), 'psql'), '-h', postgresData(node), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]);
  superuser(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
  superuser(`CREATE DATABASE ${name} OWNER ${name}`);
  return {
    databaseUrl: `postgresql://${name}:${password}@${OUTSIDE_NAME}:5432/${name}`,
    psql: (sql) => node.execOk(['psql', `postgresql://${name}:${password}@${OUTSIDE_IP}:5432/${name}`, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql]),
  };
}

/** A server outside the cluster; `accepted` counts the connections it took so far. */
export interface OutsideServer {
  accepted(): number;
  stop(): void;
}

/**
 * A TCP server on OUTSIDE_IP:PORT, started in the background inside the node: `answer` replies to HTTP
 * requests with 200, `hang` accepts connections and never answers (a model server that is stuck).
 */
export function startTcpServer(node: TestNode, port: number, behaviour: 'answer' | 'hang'): OutsideServer {
  const counter = path.join(os.tmpdir(), `todo-node-outside-${port}-${process.pid}.accepted`);
  fs.writeFileSync(counter, '0');
  const program = behaviour === 'answer'
    ? `import http.server\nclass H(http.server.BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200); self.end_headers(); self.wfile.write(b"outside")\n    do_POST = do_GET\nhttp.server.ThreadingHTTPServer(("${OUTSIDE_IP}", ${port}), H).serve_forever()\n`
    : `import socket\ns = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(("${OUTSIDE_IP}", ${port})); s.listen(512)\nheld = []\nwhile True:\n    c, _ = s.accept(); held.append(c)\n    open(${JSON.stringify(counter)}, "w").write(str(len(held)))\n`;
  const pidFile = path.join(os.tmpdir(), `todo-node-outside-${port}-${process.pid}.pid`);
  node.execOk(['bash', '-c', `python3 -c "$1" </dev/null >/dev/null 2>&1 & echo $! > "$2"`, 'outside-server', program, pidFile]);
  const pid = fs.readFileSync(pidFile, 'utf8').trim();
  // Bounded wait until it listens.
  const deadline = Date.now() + 15_000;
  while (node.exec(['bash', '-c', `exec 3<>/dev/tcp/${OUTSIDE_IP}/${port}`]).status !== 0) {
    if (Date.now() > deadline) throw new Error(`the outside server on port ${port} did not start listening within 15 s`);
  }
  return {
    accepted: () => Number(fs.readFileSync(counter, 'utf8')) || 0,
    stop: () => {
      node.exec(['kill', pid]);
      fs.rmSync(pidFile, { force: true });
      fs.rmSync(counter, { force: true });
    },
  };
}
