/** The `--print-env` protocol: what the scripts in scripts/ read about the environments. */
import { environmentValues } from './build';
import { Environment } from './environments';
import { todoNames } from './names';
import { PART_OF } from './values-schema';

/**
 * What the scripts in `scripts/` need to know about environments, one setting a line:
 * `<environment> <key> <value>`, the value being the rest of the line (possibly empty, never a newline).
 * Keys: `provider` (kind or minikube; empty: not a laptop environment), `namespace`, `host` (where a browser
 * reaches the app), `part_of` and `instance` (the labels every object carries), `secret` and `secret_optional`,
 * `database` (sqlite or external), `claim` and `host_path` (SQLite's claim and hostPath, else empty),
 * `istio` (true when the routes need Istio). Printed by `node build/main.js --print-env [ENV...]`.
 */
export function environmentLines(environments: Environment[]): string {
  return environments.flatMap((environment) => {
    const values = environmentValues(environment);
    const release = { name: environment.namespace, namespace: environment.namespace };
    const sqlite = values.persistence.enabled;
    const settings: Record<string, string | boolean> = {
      provider: environment.localCluster?.provider ?? '',
      namespace: environment.namespace,
      host: values.ingress.hostname || environment.localCluster?.browserHost || '',
      part_of: PART_OF,
      instance: release.name,
      secret: values.existingSecret,
      secret_optional: values.secretOptional,
      database: sqlite ? 'sqlite' : 'external',
      claim: sqlite ? values.persistence.existingClaim || todoNames(values, release).claim : '',
      host_path: sqlite ? values.persistence.hostPath : '',
      istio: values.routing.kind === 'istio',
    };
    return Object.entries(settings).map(([key, value]) => {
      const line = `${environment.name} ${key} ${value}`;
      if (/[\r\n]/.test(line)) throw new Error(`Environment '${environment.name}': ${key} must fit on one line; got ${JSON.stringify(value)}`);
      return `${line}\n`;
    });
  }).join('');
}
