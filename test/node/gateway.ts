/**
 * The platform's part of production's routing on the node: the shared Gateway "public" in gateway-system
 * (RoutingMode.gatewayApi's parentRef) on Traefik's GatewayClass, with an HTTPS listener "https" for
 * `*.example.com` and a self-signed certificate, reached through the Gateway controller's Service like a load
 * balancer. global-setup.ts creates it once; each scenario routes its own host through it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { curl, TestNode } from './node';

/** The listener's hosts: every scenario's host is a name under it. */
export const GATEWAY_DOMAIN = 'example.com';
/** Traefik's Gateway provider serves a listener on the entry point of the same port (test/node/addons/traefik.yaml). */
const LISTENER_PORT = 8443;

const certificateOf = (node: TestNode) => path.join(node.dir, 'outside', 'gateway.crt');

export function createPublicGateway(node: TestNode): void {
  const certificate = certificateOf(node);
  const key = path.join(path.dirname(certificate), 'gateway.key');
  fs.mkdirSync(path.dirname(certificate), { recursive: true });
  const openssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=*.${GATEWAY_DOMAIN}`,
    '-addext', `subjectAltName=DNS:*.${GATEWAY_DOMAIN}`, '-keyout', key, '-out', certificate], { encoding: 'utf8' });
  if (openssl.status !== 0) throw new Error(openssl.stderr);
  node.kubectlOk(['-n', 'gateway-system', 'create', 'secret', 'tls', 'public-tls', '--cert', certificate, '--key', key]);
  node.kubectlOk(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'gateway-system' },
      spec: {
        gatewayClassName: 'traefik',
        listeners: [{
          name: 'https', protocol: 'HTTPS', port: LISTENER_PORT, hostname: `*.${GATEWAY_DOMAIN}`,
          tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'public-tls' }] },
          allowedRoutes: { namespaces: { from: 'All' } },
        }],
      },
    }),
  });
}

/** One HTTPS request to HOST through the Gateway, verified against the listener's certificate. */
export function viaGateway(node: TestNode, host: string, pathname: string, args: readonly string[] = []): { status: number; body: string } {
  const address = node.getJson(['service', 'traefik', '-n', 'gateway-system']).spec.clusterIP;
  return curl(node, `https://${host}${pathname}`, ['--resolve', `${host}:443:${address}`, '--cacert', certificateOf(node), ...args]);
}
