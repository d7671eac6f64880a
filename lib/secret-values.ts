/**
 * Values that are credentials, whatever their key is called, recognized by secretlint's recommended rule set
 * (@secretlint/secretlint-rule-preset-recommend: AWS, GCP, GitHub, GitLab, Slack tokens and webhooks, OpenAI,
 * Anthropic, npm, SendGrid, private keys, basic-auth and database URLs with a password, and more), kept by its
 * maintainers instead of patterns of our own; plus Stripe's keys (below) until the preset's Stripe rule runs on Node 20. Both entry points use it: the constructs refuse such a value in
 * plain config, validation reports it in output.
 *
 * The rules run synchronously over one value as a text file: every rule of the preset answers text synchronously
 * (only the GCP rule's .p12/.json readers are asynchronous, and a value is neither). A rule that starts answering
 * asynchronously in a later release is an error, not a silent pass.
 */

/** A secretlint rule, as far as it is used here (the @secretlint/types shapes). */
interface SecretlintRule {
  readonly meta: { readonly id: string; readonly type?: string };
  readonly messages?: Readonly<Record<string, { readonly en?: (props: Record<string, unknown>) => string }>>;
  create(context: SecretlintContext, options: Record<string, unknown>): { file?(source: SecretlintSource): unknown };
}

interface SecretlintContext {
  report(descriptor: { message: string }): void;
  ignore(descriptor: unknown): void;
  createTranslator(messages: SecretlintRule['messages']): (id: string, props?: Record<string, unknown>) => string;
  registerRule(rule: SecretlintRule): void;
}

interface SecretlintSource {
  readonly filePath: string;
  readonly content: string;
  readonly ext: string;
  readonly contentType: 'text';
}

interface LoadedRule {
  readonly name: string;
  readonly handler: { file?(source: SecretlintSource): unknown };
}

/** The preset's package name: the one place it is named. */
export const SECRET_RULE_SET = '@secretlint/secretlint-rule-preset-recommend';

/**
 * Stripe's secret and restricted keys (`sk_live_...`, `rk_test_...`: Stripe's documented key prefixes). The
 * preset has its own Stripe rule from 12.1 on, but those releases declare Node 22, and this package supports Node 20
 * (npm warns on every install of a dependency whose engines exclude the running Node). Remove this rule when the
 * package moves to Node 22 and takes a newer preset.
 */
const STRIPE_RULE: SecretlintRule = {
  meta: { id: '@secretlint/secretlint-rule-stripe' },
  create: (context) => ({
    file: (source) => {
      if (/\b[rs]k_(live|test)_[0-9A-Za-z]{24,}\b/.test(source.content)) context.report({ message: 'a Stripe secret or restricted key' });
    },
  }),
};

let loaded: { rules: readonly LoadedRule[]; reported: string[] } | undefined;

/** The scanner rules of the preset, created once; each reports into `reported`. */
function scanners(): { rules: readonly LoadedRule[]; reported: string[] } {
  if (loaded === undefined) {
    const reported: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const preset = require(SECRET_RULE_SET) as { rules: readonly SecretlintRule[] };
    const rules = [...preset.rules, STRIPE_RULE].filter((rule) => rule.meta.type !== 'filter').map((rule) => {
      const name = rule.meta.id.replace(/^@secretlint\/secretlint-rule-/, '');
      const context: SecretlintContext = {
        report: () => reported.push(name),
        ignore: () => undefined,
        createTranslator: () => (id) => id,
        registerRule: () => undefined,
      };
      return { name, handler: rule.create(context, {}) };
    });
    loaded = { rules, reported };
  }
  return loaded;
}

/**
 * What kind of credential a value is (`a credential (secretlint rule "stripe")`), or undefined when no rule of the
 * preset recognizes it. The value is scanned as the line `KEY=value` of a text file, so that rules which need the
 * key (an AWS secret access key is only recognized under a name like AWS_SECRET_ACCESS_KEY) see it. The
 * description never repeats the value.
 */
export function secretValueKind(value: string, key?: string): string | undefined {
  const { rules, reported } = scanners();
  reported.length = 0;
  const content = key === undefined ? value : `${key}=${value}`;
  const source: SecretlintSource = { filePath: 'value.txt', content, ext: '.txt', contentType: 'text' };
  for (const { name, handler } of rules) {
    const answer = handler.file?.(source);
    if (answer !== undefined && typeof (answer as { then?: unknown }).then === 'function') {
      throw new Error(`${SECRET_RULE_SET}: rule "${name}" answered asynchronously; secret detection needs every rule to answer a text synchronously`);
    }
    if (reported.length > 0) return `a credential (secretlint rule "${name}")`;
  }
  return undefined;
}
