/* Exact mode without the exact validator: how its answers become findings, and how the mode is chosen. */
import { clusterOptions, exactFindings, requestedMode } from '../../lib/validation/api-server';
import { ExactOutcome } from '../../lib/validation/exact/kube-validator';
import { namespace } from './helpers';

const rules = (outcome: ExactOutcome) => exactFindings(outcome).map((finding) => `${finding.rule.id} ${finding.field}: ${finding.message}`);

describe('the API server\'s answers as findings', () => {
  test('an Invalid answer gives one finding per cause, with its field', () => {
    expect(rules({
      verdict: 'rejected',
      warnings: [],
      status: {
        code: 422, reason: 'Invalid', message: 'Deployment.apps "web" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, ...]',
        details: { causes: [
          { reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: -1: must be greater than or equal to 0' },
          { reason: 'FieldValueDuplicate', field: 'spec.template.spec.containers[1].name', message: 'Duplicate value: "web"' },
        ] },
      },
    })).toEqual([
      'api-server/invalid spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'api-server/invalid spec.template.spec.containers[1].name: Duplicate value: "web"',
    ]);
  });

  test('strict field validation is api-server/unknown-field, with the field the message names', () => {
    expect(rules({
      verdict: 'rejected',
      warnings: [],
      status: { code: 500, message: 'failed to create typed patch object (app/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].foo: field not declared in schema' },
    })).toEqual([
      'api-server/unknown-field spec.template.spec.containers[name="web"].foo: failed to create typed patch object (app/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].foo: field not declared in schema',
    ]);
  });

  test('a workload whose pods Pod Security would refuse is an error, other warnings are warnings', () => {
    const findings = exactFindings({
      verdict: 'accepted',
      warnings: [
        'would violate PodSecurity "restricted:v1.36": privileged (container "web" must not set securityContext.privileged=true)',
        'spec.template.spec.containers[0].ports[1]: duplicate port definition with spec.template.spec.containers[0].ports[0]',
      ],
    });
    expect(findings.map((finding) => [finding.rule.id, finding.rule.severity])).toEqual([['api-server/pod-security', 'error'], ['api-server/warning', 'warning']]);
    expect(findings[0].message).toContain('would violate PodSecurity "restricted:v1.36": privileged');
  });

  test('a Pod that Pod Security refuses is api-server/pod-security', () => {
    expect(rules({
      verdict: 'rejected',
      warnings: [],
      status: { code: 403, reason: 'Forbidden', message: 'pods "web" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true' },
    })).toEqual(['api-server/pod-security spec: pods "web" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true']);
  });

  test('an accepted object without warnings has no finding', () => {
    expect(rules({ verdict: 'accepted', warnings: [] })).toEqual([]);
  });
});

describe('what the exact validator is told of the cluster', () => {
  test('the labels of the namespaces the output creates, and the Pod Security defaults for the others', () => {
    const labelled = namespace('web');
    labelled.metadata.labels = { 'pod-security.kubernetes.io/enforce': 'baseline' };
    expect(clusterOptions([namespace(), labelled], { podSecurityDefaults: { enforce: 'restricted', enforceVersion: 'v1.36' } })).toEqual({
      namespaces: { app: {}, web: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
      podSecurityDefaults: { 'enforce': 'restricted', 'enforce-version': 'v1.36', 'warn': 'privileged', 'warn-version': 'latest' },
      serviceNodePortRange: undefined,
      allowPrivileged: undefined,
    });
  });
});

describe('the mode', () => {
  const saved = process.env.CDK8S_VALIDATION;
  afterEach(() => {
    if (saved === undefined) delete process.env.CDK8S_VALIDATION;
    else process.env.CDK8S_VALIDATION = saved;
  });

  test('the option wins over CDK8S_VALIDATION, which wins over auto', () => {
    process.env.CDK8S_VALIDATION = 'fast';
    expect(requestedMode({ mode: 'exact' })).toBe('exact');
    expect(requestedMode({})).toBe('fast');
    delete process.env.CDK8S_VALIDATION;
    expect(requestedMode({})).toBe('auto');
  });

  test('a misspelled CDK8S_VALIDATION is an error, not auto', () => {
    process.env.CDK8S_VALIDATION = 'exactly';
    expect(() => requestedMode({})).toThrow('CDK8S_VALIDATION must be one of auto, exact, fast; got "exactly".');
  });
});
