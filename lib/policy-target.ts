import { ApiObject } from 'cdk8s';
import { Deployment as KplusDeployment } from 'cdk8s-plus-28';

/**
 * Pods that network policies select: a workload of this package ({@link FastApiBackend}, {@link NextFrontend}),
 * or pods of other workloads through {@link PolicyTarget}.
 */
export interface IPolicyTarget {
  /** A readable name, used in policy names (a DNS-1123 label). */
  readonly name: string;
  /** The pods' namespace. */
  readonly namespace: string;
  /** The labels that select the pods. */
  readonly selectorLabels: Record<string, string>;
  /** The port the pods serve on: routes and connections admit traffic to it. */
  readonly containerPort: number;
  /**
   * The Service in front of the pods, so routes to it find them (see `AppNetworkPolicies.workloads`).
   * @default - the name
   */
  readonly serviceName?: string;
}

/** Options of {@link PolicyTarget.fromDeployment}. */
export interface DeploymentPolicyTargetOptions {
  /** The port the pods serve on. */
  readonly containerPort: number;
  /**
   * The Service in front of the pods, when routes point at it.
   * @default - the Deployment's name
   */
  readonly serviceName?: string;
}

/** Options of {@link PolicyTarget.fromLabels}. */
export interface LabelPolicyTargetOptions extends DeploymentPolicyTargetOptions {
  /** A readable name for policy names, e.g. `worker`. */
  readonly name: string;
  /** The pods' namespace (the policies' namespace). */
  readonly namespace: string;
  /** The labels that select the pods. */
  readonly selectorLabels: Record<string, string>;
}

/** Network policy targets for pods that the constructs of this package did not create. */
export class PolicyTarget {
  /** The pods of a cdk8s-plus `Deployment` (selected by its `matchLabels`). */
  public static fromDeployment(deployment: KplusDeployment, options: DeploymentPolicyTargetOptions): IPolicyTarget {
    const namespace = ApiObject.of(deployment).metadata.namespace;
    if (namespace === undefined) {
      throw new Error(`PolicyTarget.fromDeployment: '${deployment.node.path}' must have a namespace; got undefined. Give the Deployment or its chart a namespace.`);
    }
    return { name: deployment.name, namespace, selectorLabels: deployment.matchLabels, containerPort: options.containerPort, serviceName: options.serviceName };
  }

  /** Pods selected by labels, e.g. a Helm-installed workload in the same namespace. */
  public static fromLabels(options: LabelPolicyTargetOptions): IPolicyTarget {
    return { ...options };
  }

  private constructor() {}
}
