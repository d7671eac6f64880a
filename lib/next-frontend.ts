import { Construct } from 'constructs';
import { FastApiBackend } from './fastapi-backend';
import { WebWorkload } from './web-workload';
import { WebWorkloadProps } from './web-workload-props';

/** How the Next.js app is served. */
export enum NextFrontendMode {
  /** `node server.js` from `output: "standalone"`, on port 3000. */
  STANDALONE = 'standalone',
  /** A static export (`output: "export"`) served by an unprivileged nginx on port 8080. */
  STATIC = 'static',
}

/** Properties of {@link NextFrontend}. */
export interface NextFrontendProps extends WebWorkloadProps {
  /**
   * How the app is served.
   * @default NextFrontendMode.STANDALONE
   */
  readonly mode?: NextFrontendMode;
  /**
   * `NEXT_PUBLIC_API_URL` in the ConfigMap: the URL the browser calls. The same-origin path works behind
   * {@link IngressRoutes} without CORS. `NEXT_PUBLIC_*` values are inlined at image build time, so pass the
   * same value as a build argument; the runtime value serves server-side code and runtime config.
   * @default "/api"
   */
  readonly publicApiUrl?: string;
  /**
   * The backend that server-side code (route handlers, server components, rewrites) calls by its
   * in-cluster Service DNS name, written to `backendUrlVariable` (standalone mode only).
   * @default - no backend URL is injected
   */
  readonly backend?: FastApiBackend;
  /**
   * The variable that receives the backend's in-cluster URL.
   * @default "BACKEND_URL"
   */
  readonly backendUrlVariable?: string;
}

/**
 * A Next.js application: Deployment, Service and ConfigMap, probed on `/`.
 *
 * Standalone mode (default) runs the Next.js server on port 3000 as user 1001 (the `nextjs` user of the
 * official Dockerfile) with writable `/tmp` and `/app/.next/cache`. Static mode serves an export with
 * nginx-unprivileged on port 8080 as user 101, Service port 80.
 */
export class NextFrontend extends WebWorkload {
  /** How the app is served. */
  public readonly mode: NextFrontendMode;

  constructor(scope: Construct, id: string, props: NextFrontendProps) {
    const mode = props?.mode ?? NextFrontendMode.STANDALONE;
    const standalone = mode === NextFrontendMode.STANDALONE;
    super(scope, id, props, {
      typeName: 'NextFrontend',
      component: 'frontend',
      containerName: 'frontend',
      containerPort: standalone ? 3000 : 8080,
      servicePort: standalone ? 3000 : 80,
      livenessPath: '/',
      readinessPath: '/',
      cpu: { request: '50m', limit: '200m' },
      memory: { request: '128Mi', limit: '256Mi' },
      runAsUser: standalone ? 1001 : 101,
      writablePaths: standalone ? ['/tmp', '/app/.next/cache'] : ['/tmp'],
      config: {
        ...(props?.publicApiUrl === undefined ? { NEXT_PUBLIC_API_URL: '/api' } : {}),
        ...(standalone ? { NEXT_TELEMETRY_DISABLED: '1' } : {}),
      },
      fixedConfig: frontendConfig(props ?? {}, standalone),
    });
    this.mode = mode;
    if (props.backend) {
      if (!standalone) {
        this.check.fail('backend', 'only applies to NextFrontendMode.STANDALONE (a static export has no server-side code)', props.backend.node.path,
          'Remove backend, or use NextFrontendMode.STANDALONE.');
      }
      this._setConfigFrom(props.backendUrlVariable ?? 'BACKEND_URL', props.backend.serviceUrl, 'backend');
    }
  }
}

function frontendConfig(props: Partial<NextFrontendProps>, standalone: boolean): Record<string, { value: string; source: string }> {
  const config: Record<string, { value: string; source: string }> = {};
  if (props.publicApiUrl !== undefined) config.NEXT_PUBLIC_API_URL = { value: props.publicApiUrl, source: 'publicApiUrl' };
  if (standalone) {
    // Kubernetes sets HOSTNAME to the pod name; the standalone server would then listen on the pod IP only.
    // "::" is every address of both families (Node's sockets accept IPv4 on it too): IPv6-only and dual-stack
    // clusters route to the pod's IPv6 address, which "0.0.0.0" never answers.
    config.HOSTNAME = { value: '::', source: 'NextFrontend (standalone mode listens on every IPv4 and IPv6 address)' };
    config.PORT = { value: String(props.containerPort ?? 3000), source: 'containerPort' };
  }
  return config;
}
