import { Construct } from 'constructs';
import { WebWorkload } from './web-workload';
import { WebWorkloadProps } from './web-workload-props';

/** Properties of {@link FastApiBackend}. */
export interface FastApiBackendProps extends WebWorkloadProps {
  /**
   * `LOG_LEVEL` in the ConfigMap.
   * @default "info"
   */
  readonly logLevel?: string;
}

/**
 * A FastAPI application: Deployment, Service and ConfigMap, with liveness `GET /health`,
 * readiness `GET /ready` and a startup probe, on container port 8000.
 *
 * Defaults fit a laptop cluster: 1 replica, 100m/500m CPU, 256Mi/512Mi memory, `IfNotPresent`
 * pulls, user 1000 (the first user `useradd` creates in the python images), a read-only root
 * filesystem with a writable `/tmp`.
 *
 * @example
 * const api = new FastApiBackend(chart, 'todo-backend', {
 *   image: 'todo-backend:v0.1.0-local',
 *   secretEnv: { name: 'todo-secrets' },
 * });
 */
export class FastApiBackend extends WebWorkload {
  constructor(scope: Construct, id: string, props: FastApiBackendProps) {
    super(scope, id, props, {
      typeName: 'FastApiBackend',
      component: 'backend',
      containerName: 'backend',
      containerPort: 8000,
      servicePort: 8000,
      livenessPath: '/health',
      readinessPath: '/ready',
      cpu: { request: '100m', limit: '500m' },
      memory: { request: '256Mi', limit: '512Mi' },
      runAsUser: 1000,
      writablePaths: ['/tmp'],
      config: {
        LOG_LEVEL: 'info',
        // Python writes no .pyc files into the read-only image, and logs reach `kubectl logs` unbuffered.
        PYTHONDONTWRITEBYTECODE: '1',
        PYTHONUNBUFFERED: '1',
      },
      fixedConfig: props?.logLevel === undefined ? {} : { LOG_LEVEL: { value: props.logLevel, source: 'logLevel' } },
    });
  }
}
