import { PropChecker } from './checks';

// Keys and values that would put a credential in plain text into the ConfigMap or the pod spec.
const SECRET_LIKE_KEY = /(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL)/i;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws unless `name` can be an environment variable name. */
export function checkEnvName(check: PropChecker, prop: string, name: string): void {
  if (!ENV_NAME.test(name)) {
    check.fail(prop, 'must be an environment variable name (letters, digits, "_", not starting with a digit)', name, 'Use a name like "LOG_LEVEL".');
  }
}

/** Throws when a plain setting looks like a secret (by its key) or carries one (a URL with a password). */
export function rejectSecretLookingValue(check: PropChecker, prop: string, key: string, value: string): void {
  if (SECRET_LIKE_KEY.test(key)) {
    check.fail(prop, 'looks like a secret and would be written in plain text to the output', '<redacted>',
      `Create a Secret in the cluster and reference it: secretKeys: { ${key}: { secretName: "...", key: "${key}" } }.`);
  }
  if (URL_WITH_PASSWORD.test(value)) {
    check.fail(prop, 'is a URL with an embedded password, which would be written in plain text to the output', '<redacted>',
      `Put the URL in a Secret and reference it with secretKeys or secretEnv.`);
  }
}
