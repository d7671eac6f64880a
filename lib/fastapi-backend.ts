import { Construct } from 'constructs';
import { WebWorkload } from './web-workload';
import { WebWorkloadProps } from './web-workload-props';

/** Properties of {@link FastApiBackend}. */
export interface FastApiBackendProps extends WebWorkloadProps {
  /**
   * `MODE` in the ConfigMap.
   * @default BackendMode.DUMMY
   */
  readonly mode?: BackendMode;
  /**
   * `MODEL_SERVER_URL` in the ConfigMap; required with `BackendMode.REAL`.
   * @default - not set
   */
  readonly modelServerUrl?: string;
  /**
   * `LOG_LEVEL` in the ConfigMap.
   * @default "info"
   */
  readonly logLevel?: string;
}

/** Whether the backend calls the real AI model server or answers with canned data. */
export enum BackendMode {
  /** Canned answers: no model server or API key needed (local clusters, tests). */
  DUMMY = 'dummy',
  /** Calls the model server at `modelServerUrl`. */
  REAL = 'real',
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
      config: backendConfig(props),
    });
    if (props.mode === BackendMode.REAL && props.modelServerUrl === undefined) {
      this.check.fail('modelServerUrl', 'is required with mode BackendMode.REAL', props.modelServerUrl,
        'Set modelServerUrl to the model endpoint, or use BackendMode.DUMMY.');
    }
  }
}

function backendConfig(props: FastApiBackendProps): Record<string, string> {
  const config: Record<string, string> = {
    LOG_LEVEL: props.logLevel ?? 'info',
    MODE: props.mode ?? BackendMode.DUMMY,
    // Python writes no .pyc files into the read-only image, and logs reach `kubectl logs` unbuffered.
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
  };
  if (props.modelServerUrl !== undefined) config.MODEL_SERVER_URL = props.modelServerUrl;
  return config;
}
