/** The `--print-env` protocol: what the scripts in scripts/ read about the environments. */
import { APP_SECRET_NAME, EnvironmentSettings, PART_OF } from './environments';

/**
 * What the scripts in `scripts/` need to know about environments, one setting a line:
 * `<environment> <key> <value>`, the value being the rest of the line (possibly empty, never a newline).
 * Keys: `provider` (kind or minikube; empty: not a laptop environment), `namespace`, `host` (where a browser
 * reaches the app), `part_of` and `instance` (the labels every object carries), `secret` and `secret_optional`,
 * `database` (sqlite or external), `claim` and `host_path` (SQLite's claim and hostPath, else empty),
 * `istio` (true when the routes need Istio). Printed by `node build/main.js --print-env [ENV...]`.
 */
export function environmentLines(environments: EnvironmentSettings[]): string {
  return environments.flatMap((settings) => {
    const storage = settings.database.kind === 'sqlite' ? settings.database.storage : undefined;
    if (storage && !storage.claimName) throw new Error(`Environment '${settings.name}': the scripts need database.storage.claimName`);
    const values: Record<string, string | boolean> = {
      provider: settings.localCluster?.provider ?? '',
      namespace: settings.namespace,
      host: settings.host ?? settings.localCluster?.browserHost ?? '',
      part_of: PART_OF,
      instance: settings.namespace,
      secret: settings.secretName ?? APP_SECRET_NAME,
      secret_optional: settings.secretOptional,
      database: settings.database.kind,
      claim: storage?.claimName ?? '',
      host_path: storage?.hostPath ?? '',
      istio: settings.routing.sidecarInjection,
    };
    return Object.entries(values).map(([key, value]) => {
      const line = `${settings.name} ${key} ${value}`;
      if (/[\r\n]/.test(line)) throw new Error(`Environment '${settings.name}': ${key} must fit on one line; got ${JSON.stringify(value)}`);
      return `${line}\n`;
    });
  }).join('');
}
