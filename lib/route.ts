import { IRouteTarget } from './route-target';

/** One HTTP route: a path and the Service port it goes to. */
export interface Route {
  /** The request path, starting with `/`. */
  readonly path: string;
  /** Where matching requests go, e.g. a {@link FastApiBackend}. */
  readonly target: IRouteTarget;
  /**
   * How the path is matched.
   * @default PathMatch.PREFIX
   */
  readonly match?: PathMatch;
}

/** Options of {@link IngressRoutes.addRoute}. */
export interface AddRouteOptions {
  /**
   * How the path is matched.
   * @default PathMatch.PREFIX
   */
  readonly match?: PathMatch;
}

/** How a route's path is compared with the request path. */
export enum PathMatch {
  /** The path and everything below it, element by element (`/api` matches `/api` and `/api/todos`). */
  PREFIX = 'Prefix',
  /** Only this exact path. */
  EXACT = 'Exact',
}

/** TLS termination. */
export interface RouteTlsOptions {
  /**
   * The `kubernetes.io/tls` Secret with the certificate (for Istio, the gateway's `credentialName`, which
   * must live in the ingress gateway's namespace). Create it yourself, e.g. with cert-manager.
   */
  readonly secretName: string;
}

/** One more TLS entry of an Ingress: hosts the routes answer on, and the Secret with their certificate. */
export interface IngressTlsOptions {
  /** Hosts of the routes (`host` or `additionalHosts`) this certificate is for; at least one. */
  readonly hosts: string[];
  /** The `kubernetes.io/tls` Secret with the certificate. Create it yourself, e.g. with cert-manager. */
  readonly secretName: string;
}

/** Exact before prefix, then longer paths first: the first match wins in Istio. */
export function bySpecificity(a: Route, b: Route): number {
  const exactFirst = Number(b.match === PathMatch.EXACT) - Number(a.match === PathMatch.EXACT);
  return exactFirst !== 0 ? exactFirst : b.path.length - a.path.length || a.path.localeCompare(b.path);
}
