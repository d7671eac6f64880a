import { PropChecker } from './checks';

// Keys and values that would put a credential in plain text into the ConfigMap or the pod spec.
const SECRET_LIKE_KEY = /(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIAL)/i;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Values that are credentials whatever their key is called, with what they are. */
const SECRET_VALUES: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JSON Web Token'],
  [/^\s*bearer\s+\S{8,}/i, 'a bearer token'],
  [/\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}/, 'an API key (sk-...)'],
  [/\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}/, 'a GitHub token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/, 'a GitLab token'],
  [URL_WITH_PASSWORD, 'a URL with an embedded password'],
];

/** Throws unless `name` can be an environment variable name. */
export function checkEnvName(check: PropChecker, prop: string, name: string): void {
  check.string(prop, name);
  if (!ENV_NAME.test(name)) {
    check.fail(prop, 'must be an environment variable name (letters, digits, "_", not starting with a digit)', name, 'Use a name like "LOG_LEVEL".');
  }
}

/** What kind of credential a value is, or undefined when it does not look like one. */
export function secretValueKind(value: string): string | undefined {
  return SECRET_VALUES.find(([pattern]) => pattern.test(value))?.[1];
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
  const kind = secretValueKind(value);
  if (kind) {
    check.fail(prop, `holds ${kind}, which would be written in plain text to the output`, '<redacted>',
      'Put the value in a Secret and reference it with secretKeys or secretEnv.');
  }
}
