/**
 * Credential-shaped values for tests, each in the format one rule of secretlint's recommended preset recognizes.
 * They are assembled from parts so that this file is not itself a credential to secret scanners.
 */
const repeat = (text: string, length: number): string => text.repeat(Math.ceil(length / text.length)).slice(0, length);

export const CREDENTIALS = {
  stripeLiveKey: ['sk', 'live', repeat('4eC39HqLyjWDarjt', 24)].join('_'),
  slackWebhook: `https://hooks.slack.com/services/${['T0ABCDEFG', 'B0ABCDEFG', repeat('a1b2c3', 24)].join('/')}`,
  slackBotToken: ['xoxb', '1234567890', 'abcdefghij'].join('-'),
  openAiKey: `${['sk', 'proj', repeat('Ab1', 58)].join('-')}${'T3Blbk'}FJ${repeat('Cd2', 58)}`,
  githubToken: `${'ghp'}_${repeat('aB3', 36)}`,
  privateKey: `-----BEGIN RSA ${'PRIVATE KEY'}-----\n${repeat('MIIEpAIBAAKCAQEA', 120)}\n-----END RSA ${'PRIVATE KEY'}-----`,
  databaseUrl: `postgresql://app:${'hunter2'}@db:5432/app`,
  urlWithPassword: `https://user:${'s3cret'}@api.example.com`,
} as const;
