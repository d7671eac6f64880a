import { ApiObject } from 'cdk8s';

/** Something HTTP routes can send traffic to: a port of a Service in the app. */
export interface IRouteTarget {
  /** The Service object; routes check at synth that it is in their app and has `servicePort`. */
  readonly service: ApiObject;
  /** The Service name. */
  readonly serviceName: string;
  /** The Service port routes send traffic to. */
  readonly servicePort: number;
  /** The Service's namespace. */
  readonly serviceNamespace: string;
}

/** Route targets for Services the constructs of this package did not create. */
export class RouteTarget {
  /**
   * A port of a Service of the app, such as a `KubeService` or the `apiObject` of a cdk8s-plus `Service`
   * (as cdk8s-plus's `IngressBackend.fromService` does): the route knows its Service when it is added.
   * Synth fails when the Service has no such port.
   *
   * @param service a v1 Service with a namespace (its own or its chart's)
   * @param servicePort the Service port routes send traffic to
   */
  public static fromService(service: ApiObject, servicePort: number): IRouteTarget {
    const where = `RouteTarget.fromService: '${service.node.path}'`;
    if (service.apiVersion !== 'v1' || service.kind !== 'Service') {
      throw new Error(`${where} must be a v1 Service; got ${service.apiVersion} ${service.kind}. Pass a KubeService, or the apiObject of a cdk8s-plus Service.`);
    }
    const serviceNamespace = service.metadata.namespace;
    if (serviceNamespace === undefined) {
      throw new Error(`${where} must have a namespace; got undefined. Give the Service a namespace, or its chart one.`);
    }
    return { service, serviceName: service.name, servicePort, serviceNamespace };
  }

  private constructor() {}
}

/** `namespace/name`: the one key Services are matched by (routes, network policies, validation). */
export function serviceKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}
