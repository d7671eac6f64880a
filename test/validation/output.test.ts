import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import * as fs from 'fs';
import * as os from 'os';
import { formatReport, validateManifests, validateYamlFiles } from '../../lib/validation';
import { ALL_RULES } from '../../lib/validation/rules';
import { errors } from './helpers';

const FIXTURES = path.join(__dirname, 'fixtures');
const GOOD = path.join(FIXTURES, 'good.yaml');
const BAD = path.join(FIXTURES, 'bad-privileged.yaml');
const OPTIONS = { externalNamespaces: ['istio-system'] };

describe('a whole output', () => {
  test('the compliant fixture (Namespace, Deployment, PVC, Service, Ingress, HTTPRoute, VirtualService) has no violations', () => {
    expect(validateYamlFiles([GOOD], OPTIONS)).toEqual([]);
  });

  test('every violation read from a file names that file', () => {
    expect(validateYamlFiles([BAD], OPTIONS)).toEqual([
      expect.objectContaining({ rule: 'pss-restricted/privileged', object: 'Deployment app/backend', field: 'spec.template.spec.containers[0].securityContext.privileged', file: BAD }),
    ]);
  });

  test('files are read as kubectl reads them (YAML 1.1): yes/on are booleans, 0777 is octal', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml11-'));
    const file = path.join(directory, 'objects.yaml');
    try {
      const template = (extra: string) => [
        'apiVersion: v1', 'kind: Namespace', 'metadata: {name: app}', '---',
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: backend, namespace: app}', `spec: {${extra}}`,
      ].join('\n');
      // YAML 1.2 reads `paused: yes` as the string "yes", which the schema refuses; kubectl sends `paused: true`.
      fs.writeFileSync(file, template('paused: yes, replicas: 1, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: []}}'));
      expect(validateYamlFiles([file]).filter((v) => v.rule === 'schema/invalid' && v.field === 'spec.paused')).toEqual([]);
      const [, deployment] = parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' }).map((document) => document.toJS());
      expect(deployment.spec.paused).toBe(true);
      // 0777 is 511 for kubectl: more than the 0-511 a file mode allows is refused only when it is really larger.
      const volume = '{name: settings, configMap: {name: settings, defaultMode: 0777}}';
      fs.writeFileSync(file, template(`replicas: 1, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {volumes: [${volume}], containers: []}}`));
      const [, withMode] = parseAllDocuments(fs.readFileSync(file, 'utf8'), { version: '1.1' }).map((document) => document.toJS());
      expect(withMode.spec.template.spec.volumes[0].configMap.defaultMode).toBe(511);
      expect(validateYamlFiles([file]).filter((v) => v.field.endsWith('defaultMode'))).toEqual([]);
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  test('a file that is not valid YAML is reported, not thrown', () => {
    const broken = path.join(FIXTURES, 'broken.yaml.txt');
    expect(validateYamlFiles([broken])).toEqual([expect.objectContaining({ rule: 'schema/yaml-syntax', file: broken, severity: 'error' })]);
  });

  test('~40 objects in one output validate cleanly (speed is measured by npm run bench, not here)', () => {
    const template = fs.readFileSync(GOOD, 'utf8');
    const objects = Array.from({ length: 5 }, (_, copy) =>
      parseAllDocuments(template.replace(/\bapp\b(?!\.example)/g, `app${copy}`)).map((document) => document.toJS())).flat();
    expect(objects.length).toBeGreaterThanOrEqual(35);
    expect(validateManifests(objects, OPTIONS)).toEqual([]);
  });
});

describe('formatReport', () => {
  test('groups by file and object; each line names severity, rule, object and field, then message and fix', () => {
    const report = formatReport(validateYamlFiles([BAD], OPTIONS));
    expect(report.split('\n')).toEqual([
      BAD,
      '  Deployment app/backend',
      '    ERROR pss-restricted/privileged  Deployment app/backend  spec.template.spec.containers[0].securityContext.privileged',
      '          container "api" is privileged',
      '          fix: Remove securityContext.privileged from container "api" or set it to false.',
      '',
      '1 error, 0 warnings',
    ]);
  });

  test('warnings and objects without a file', () => {
    const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'tls' } };
    const report = formatReport(validateManifests([certificate]));
    expect(report).toContain('(objects not read from a file)\n  Certificate tls\n    WARN  schema/not-checked  Certificate tls  apiVersion');
    expect(report.endsWith('0 errors, 1 warning')).toBe(true);
  });

  test('no violations', () => {
    expect(formatReport([])).toBe('No violations.');
  });
});

describe('rule catalog', () => {
  test('rule ids are unique and namespaced by family', () => {
    const ids = ALL_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(schema|pss-restricted|api-server|hygiene)\/[a-z0-9-]+$/);
  });

  test('the README documents every rule id', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'lib', 'validation', 'README.md'), 'utf8');
    expect(ALL_RULES.map((rule) => rule.id).filter((id) => !readme.includes(`\`${id}\``))).toEqual([]);
  });

  test('only the not-checked style rules and the API server\'s own warnings are warnings', () => {
    expect(ALL_RULES.filter((rule) => rule.severity === 'warning').map((rule) => rule.id)).toEqual(['schema/not-checked', 'api-server/warning', 'hygiene/virtualservice-external-host']);
  });

  test('the rules that stand in for the API server are the schema and Pod Security families and the CIDR rule: exact mode replaces exactly those', () => {
    const standIns = ALL_RULES.filter((rule) => rule.modelsApiServer).map((rule) => rule.id);
    expect(standIns.filter((id) => !/^(schema|pss-restricted)\//.test(id))).toEqual(['hygiene/cidr']);
    expect(ALL_RULES.filter((rule) => /^(schema|pss-restricted)\//.test(rule.id) && !rule.modelsApiServer).map((rule) => rule.id)).toEqual(['schema/not-an-object', 'schema/yaml-syntax']);
  });

  test('errors() keeps only errors', () => {
    const certificate = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'tls' } };
    expect(errors(validateManifests([certificate]))).toEqual([]);
  });
});
