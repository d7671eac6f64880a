import { validateManifests } from '../../lib/validation';
import { CREDENTIALS } from '../credentials';
import { Manifest, deployment, errors, namespace, service, violation } from './helpers';

const C0 = 'spec.template.spec.containers[0]';

function configMap(data: Record<string, string>): Manifest {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'app' }, data };
}

describe('hygiene/plain-text-secret', () => {
  test.each([
    ['an OpenAI API key', CREDENTIALS.openAiKey],
    ['a Stripe live key', CREDENTIALS.stripeLiveKey],
    ['a Stripe restricted test key', CREDENTIALS.stripeLiveKey.replace(/^sk_live_/, 'rk_test_')],
    ['a Slack webhook URL', CREDENTIALS.slackWebhook],
    ['a private key', CREDENTIALS.privateKey],
    ['a URL with a password', CREDENTIALS.databaseUrl],
  ])('a ConfigMap value that is %s, under an innocent key', (_, value) => {
    expect(errors(validateManifests([namespace(), configMap({ UPSTREAM: value })]))).toEqual([violation('hygiene/plain-text-secret', 'ConfigMap app/settings', 'data.UPSTREAM')]);
  });

  test('a container env value that is a credential', () => {
    expect(errors(validateManifests([namespace(), deployment((d) => {
      d.spec.template.spec.containers[0].env = [{ name: 'X', value: CREDENTIALS.githubToken }];
    }), service()]))).toEqual([violation('hygiene/plain-text-secret', 'Deployment app/backend', `${C0}.env[0].value`)]);
  });

  test('ordinary settings pass', () => {
    expect(errors(validateManifests([namespace(), configMap({ OAUTH_TOKEN_URL: 'https://auth.example.com/token', LOG_LEVEL: 'info', URL: 'https://api.example.com/v1' })]))).toEqual([]);
    // A name that merely starts like a Stripe key is not one.
    expect(errors(validateManifests([namespace(), configMap({ QUEUE: 'sk_live_orders', TASK: 'risk_live_review' })]))).toEqual([]);
  });
});

describe('hygiene/cidr', () => {
  test('a NetworkPolicy ipBlock and except entry, and a Service source range, that are not CIDRs', () => {
    const policy: Manifest = {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'out', namespace: 'app' },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/33'] } }, { ipBlock: { cidr: '10.0.0.1' } }] }] },
    };
    const lb = service();
    lb.spec.type = 'LoadBalancer';
    lb.spec.loadBalancerSourceRanges = ['203.0.113.0/24', '203.0.113.0'];
    const found = errors(validateManifests([namespace(), deployment(), lb, policy])).filter((v) => v.rule === 'hygiene/cidr');
    expect(found).toEqual([
      violation('hygiene/cidr', 'Service app/backend', 'spec.loadBalancerSourceRanges[1]'),
      violation('hygiene/cidr', 'NetworkPolicy app/out', 'spec.egress[0].to[0].ipBlock.except[0]'),
      violation('hygiene/cidr', 'NetworkPolicy app/out', 'spec.egress[0].to[1].ipBlock.cidr'),
    ]);
  });
});
