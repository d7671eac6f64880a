/**
 * The todo app's own checks of its values, beyond the schema and the constructs: what only the app knows
 * (pinned images, the model server of real AI mode, a quota that must fit the SQLite claim, limits within the
 * namespace's LimitRange). The chart's templates/validate.yaml fails with the same messages.
 */
import { parseQuantity } from '../lib/checks';
import { SECRET_LIKE_KEY } from '../lib/secret-detection';
import { RELEASE_TAG, TodoValues } from './values-schema';

/** Throws one error listing every problem, each `<subject>: <value> <problem>; got <value>. <fix>`. */
export function checkAppValues(values: TodoValues, subject: string): void {
  const problems = appValueProblems(values);
  if (problems.length > 0) throw new Error(problems.map((problem) => `${subject}: ${problem}`).join('\n'));
}

/** The problems, one sentence each (empty when there is none). */
export function appValueProblems(values: TodoValues): string[] {
  const problems: string[] = [];
  for (const name of ['backend', 'frontend'] as const) {
    const { tag, digest } = values[name].image;
    if (values.pinnedImages && tag === 'latest' && digest === '') {
      problems.push(`${name}.image.tag must be a pinned release with pinnedImages ("latest" changes under running pods and IfNotPresent never refreshes it); got "latest". `
        + `Set it to a release tag such as ${RELEASE_TAG}, or pin a digest.`);
    }
  }
  for (const name of ['backend', 'frontend'] as const) problems.push(...extraEnvProblems(values, name));
  problems.push(...extraHostProblems(values));
  const { config } = values.backend;
  if (config.MODE === 'real' && config.MODEL_SERVER_URL === '') {
    problems.push('backend.config.MODEL_SERVER_URL is required with backend.config.MODE real (the backend calls it); got "". '
      + 'Set it to an OpenAI-compatible endpoint such as https://api.openai.com/v1 (API keys go in the Secret), or use MODE mock.');
  }
  const limits = values.namespaceLimits;
  if (limits.enabled && values.persistence.enabled && limits.quota.persistentVolumeClaims < 1) {
    problems.push(`namespaceLimits.quota.persistentVolumeClaims must be at least 1 with persistence.enabled (the SQLite claim); got ${limits.quota.persistentVolumeClaims}. `
      + 'Raise it to 1 or more, or turn persistence off.');
  }
  if (limits.enabled) {
    for (const name of ['backend', 'frontend'] as const) {
      for (const [resource, max] of [['cpu', limits.containerLimits.maxCpu], ['memory', limits.containerLimits.maxMemory]] as const) {
        const limit = values[name].resources.limits[resource];
        if (parseQuantity(String(limit)) > parseQuantity(String(max))) {
          problems.push(`${name}.resources.limits.${resource} must not exceed namespaceLimits.containerLimits.max${resource === 'cpu' ? 'Cpu' : 'Memory'} (${max}), `
            + `or the LimitRange refuses every pod; got ${JSON.stringify(limit)}. Lower the limit or raise the maximum.`);
        }
      }
    }
  }
  return problems;
}

/** A workload's extraEnvVars and serviceAccount.annotations (the names the chart sets itself are TodoChart's check: the constructs know them). */
function extraEnvProblems(values: TodoValues, name: 'backend' | 'frontend'): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  values[name].extraEnvVars.forEach((envVar, index) => {
    const at = `${name}.extraEnvVars[${index}]`;
    if (seen.has(envVar.name)) {
      problems.push(`${at}.name is listed twice (Kubernetes would keep one value and silently drop the other); got ${JSON.stringify(envVar.name)}. List each variable once.`);
    }
    seen.add(envVar.name);
    if (envVar.value !== undefined && envVar.valueFrom !== undefined) {
      problems.push(`${at} sets both value and valueFrom (Kubernetes refuses that); got ${JSON.stringify(envVar.name)}. Keep one of them.`);
    } else if (envVar.value !== undefined && SECRET_LIKE_KEY.test(envVar.name)) {
      problems.push(`${at}.value looks like a secret (${envVar.name}) and would be written in plain text to the Deployment; got <redacted>. `
        + `Read it from a Secret: valueFrom.secretKeyRef, or ${name}.extraEnvVarsSecret.`);
    }
  });
  const annotations = Object.keys(values[name].serviceAccount.annotations).sort();
  if (annotations.length > 0 && !values[name].serviceAccount.create) {
    problems.push(`${name}.serviceAccount.annotations need ${name}.serviceAccount.create (the chart annotates only a ServiceAccount it creates); got ${JSON.stringify(annotations)}. `
      + `Set ${name}.serviceAccount.create=true, or annotate your own ServiceAccount and name it in ${name}.serviceAccount.name.`);
  }
  return problems;
}

/**
 * The problem with an extra variable whose name the chart sets itself (`chartNames`: what the workload's constructs
 * set, sorted), or undefined.
 */
export function extraEnvClash(name: 'backend' | 'frontend', index: number, envName: string, chartNames: readonly string[]): string | undefined {
  if (!chartNames.includes(envName)) return undefined;
  return `${name}.extraEnvVars[${index}].name must not be a variable the chart sets itself (Kubernetes would keep one value and silently drop the other); got ${JSON.stringify(envName)}. `
    + `Use another name: the chart sets ${chartNames.join(', ')}, each from a value of its own.`;
}

/** ingress.extraHosts and ingress.extraTls: hosts routed once, beside a hostname, and TLS for routed hosts of an Ingress. */
function extraHostProblems(values: TodoValues): string[] {
  const { routing: { kind }, ingress } = values;
  const problems: string[] = [];
  if (kind === 'none') {
    for (const key of ['extraHosts', 'extraTls'] as const) {
      if (ingress[key].length > 0) {
        problems.push(`ingress.${key} must be empty with routing.kind none (no routes are written); got ${ingress[key].length} entries. Remove it, or choose a routing kind.`);
      }
    }
    return problems;
  }
  if (ingress.extraHosts.length > 0 && ingress.hostname === '') {
    problems.push(`ingress.extraHosts needs ingress.hostname (with "" the routes answer on any host already); got ${JSON.stringify(ingress.extraHosts)}. Set ingress.hostname, or remove extraHosts.`);
  }
  const hosts = ingress.hostname === '' ? [] : [ingress.hostname];
  ingress.extraHosts.forEach((host, index) => {
    if (hosts.includes(host)) problems.push(`ingress.extraHosts[${index}] is routed already (ingress.hostname or an earlier entry); got ${JSON.stringify(host)}. List each host once.`);
    hosts.push(host);
  });
  if (ingress.extraTls.length > 0 && kind !== 'ingress') {
    problems.push(`ingress.extraTls must be empty with routing.kind ${kind}: ${kind === 'istio'
      ? 'the Istio Gateway serves every host with ingress.tlsSecretName; got ' + ingress.extraTls.length + ' entries. Use one certificate that covers every host (a SAN or wildcard certificate).'
      : 'TLS is set on the Gateway listener, not on the route; got ' + ingress.extraTls.length + ' entries. Add the certificates to the Gateway listener (certificateRefs).'}`);
  }
  ingress.extraTls.forEach((entry, index) => {
    if (entry.hosts.length === 0) problems.push(`ingress.extraTls[${index}].hosts must name at least one host; got []. List the hosts the certificate is for.`);
    entry.hosts.forEach((host, hostIndex) => {
      if (!hosts.includes(host)) {
        problems.push(`ingress.extraTls[${index}].hosts[${hostIndex}] must be a host the routes answer on (ingress.hostname or ingress.extraHosts); got ${JSON.stringify(host)}. Add it to ingress.extraHosts, or remove it.`);
      }
    });
  });
  return problems;
}
