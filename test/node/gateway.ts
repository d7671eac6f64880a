/**
 * The platform's part of production's routing on the node: the shared Gateway "public" in gateway-system
 * (RoutingMode.gatewayApi's parentRef) on Traefik's GatewayClass, with an HTTPS listener "https" for one host
 * and a self-signed certificate, reached through the Gateway controller's Service like a load balancer.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { curl, TestNode } from './node';

export interface PublicGateway {
  /** One HTTPS request to the host through the Gateway, verified against the listener's certificate. */
  curl(pathname: string, args?: readonly string[]): { status: number; body: string };
  remove(): void;
}

/** Traefik's Gateway provider serves a listener on the entry point of the same port (test/node/addons/traefik.yaml). */
const LISTENER_PORT = 8443;

export function createPublicGateway(node: TestNode, host: string): PublicGateway {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-node-gateway-'));
  const certificate = path.join(work, 'tls.crt');
  const openssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${host}`,
    '-addext', `subjectAltName=DNS:${host}`, '-keyout', path.join(work, 'tls.key'), '-out', certificate], { encoding: 'utf8' });
  if (openssl.status !== 0) throw new Error(openssl.stderr);
  node.kubectlOk(['-n', 'gateway-system', 'create', 'secret', 'tls', 'public-tls', '--cert', certificate, '--key', path.join(work, 'tls.key')]);
  node.kubectlOk(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'gateway-system' },
      spec: {
        gatewayClassName: 'traefik',
        listeners: [{
          name: 'https', protocol: 'HTTPS', port: LISTENER_PORT, hostname: host,
          tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'public-tls' }] },
          allowedRoutes: { namespaces: { from: 'All' } },
        }],
      },
    }),
  });
  const address = node.getJson(['service', 'traefik', '-n', 'gateway-system']).spec.clusterIP;
  return {
    curl: (pathname, args = []) => curl(node, `https://${host}${pathname}`, ['--resolve', `${host}:443:${address}`, '--cacert', certificate, ...args]),
    remove: () => {
      node.kubectl(['-n', 'gateway-system', 'delete', 'gateway', 'public', '--ignore-not-found']);
      node.kubectl(['-n', 'gateway-system', 'delete', 'secret', 'public-tls', '--ignore-not-found']);
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
