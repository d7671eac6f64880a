import { Construct } from 'constructs';
import { finalJsonPatches } from './final-json-patches';
import { k8s } from './k8s';
import { AutoscalingOptions, DisruptionBudgetOptions } from './workload-options';

/** A HorizontalPodAutoscaler of the Deployment named like `metadata` (CPU, and memory when asked for). */
export function createAutoscaler(scope: Construct, metadata: k8s.ObjectMeta, autoscaling: AutoscalingOptions): k8s.KubeHorizontalPodAutoscalerV2 {
  const utilization = (name: string, averageUtilization: number): k8s.MetricSpecV2 => ({
    type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } },
  });
  const metrics = [utilization('cpu', autoscaling.targetCpuUtilization ?? 80)];
  if (autoscaling.targetMemoryUtilization !== undefined) metrics.push(utilization('memory', autoscaling.targetMemoryUtilization));
  return finalJsonPatches(new k8s.KubeHorizontalPodAutoscalerV2(scope, 'autoscaler', {
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: metadata.name! },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics,
      behavior: autoscaling.behavior,
    },
  }));
}

/** A PodDisruptionBudget over the pods `selector` selects. */
export function createDisruptionBudget(scope: Construct, metadata: k8s.ObjectMeta, selector: Record<string, string>, options: DisruptionBudgetOptions): k8s.KubePodDisruptionBudget {
  const minAvailable = options.minAvailable;
  return finalJsonPatches(new k8s.KubePodDisruptionBudget(scope, 'disruption-budget', {
    metadata,
    spec: {
      maxUnavailable: minAvailable === undefined ? k8s.IntOrString.fromNumber(options.maxUnavailable ?? 1) : undefined,
      minAvailable: minAvailable === undefined ? undefined : k8s.IntOrString.fromNumber(minAvailable),
      selector: { matchLabels: selector },
      unhealthyPodEvictionPolicy: options.unhealthyPodEvictionPolicy,
    },
  }));
}
