import { PropChecker } from './checks';
import { secretValueKind } from './secret-values';

// Keys and values that would put a credential in plain text into the ConfigMap or the pod spec.
export const SECRET_LIKE_KEY = /(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL)/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;


/** Throws unless `name` can be an environment variable name. */
export function checkEnvName(check: PropChecker, prop: string, name: string): void {
  check.string(prop, name);
  if (!ENV_NAME.test(name)) {
    check.fail(prop, 'must be an environment variable name (letters, digits, "_", not starting with a digit)', name, 'Use a name like "LOG_LEVEL".');
  }
}


/**
 * Throws when a plain setting looks like a secret: by its key (unless the key is in `plainKeys`, the
 * documented way to allow a setting such as `OAUTH_TOKEN_URL`), or by its value under any key.
 */
export function rejectSecretLookingValue(check: PropChecker, prop: string, key: string, value: string, plainKeys: ReadonlySet<string>): void {
  check.string(prop, value);
  if (SECRET_LIKE_KEY.test(key) && !plainKeys.has(key)) {
    check.fail(prop, 'looks like a secret and would be written in plain text to the output', '<redacted>',
      `Create a Secret in the cluster and reference it: secretKeys: { ${key}: { secretName: "...", key: "${key}" } }; `
      + `if it is an ordinary setting, list it in plainTextKeys: ["${key}"].`);
  }
  const kind = secretValueKind(value, key);
  if (kind) {
    check.fail(prop, `holds ${kind}, which would be written in plain text to the output`, '<redacted>',
      'Put the value in a Secret and reference it with secretKeys or secretEnv.');
  }
}
