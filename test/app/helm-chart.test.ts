/**
 * Chart.yaml is written from package.json: home, sources and maintainers come from its homepage, repository and
 * maintainers (else author) when it has them, and are left out, never invented, when it has not.
 */
import * as YAML from 'yaml';
import { chartYaml, PackageMetadata } from '../../app/helm-chart';
import * as manifest from '../../package.json';

const parse = (metadata: PackageMetadata) => YAML.parse(chartYaml(metadata));

test('without homepage, repository or author: no home, sources or maintainers', () => {
  const chart = parse({ version: '1.2.3' });
  expect(chart).toMatchObject({ apiVersion: 'v2', name: 'todo', version: '1.2.3', appVersion: '1.2.3' });
  for (const key of ['home', 'sources', 'maintainers']) expect(chart).not.toHaveProperty(key);
});

test('this package: Chart.yaml says what package.json says, and no more', () => {
  const chart = parse(manifest as PackageMetadata);
  const fields = manifest as Record<string, unknown>;
  expect(chart.home).toBe(fields.homepage);
  expect('sources' in chart).toBe('repository' in fields);
  expect('maintainers' in chart).toBe('author' in fields || 'maintainers' in fields);
});

test('with them: home, a browsable source URL and each maintainer', () => {
  expect(parse({
    version: '1.0.0',
    homepage: 'https://todo.example.com',
    repository: { type: 'git', url: 'git+https://github.com/acme/todo.git' },
    author: 'Ada Lovelace <ada@example.com> (https://ada.example.com)',
  })).toMatchObject({
    home: 'https://todo.example.com',
    sources: ['https://github.com/acme/todo'],
    maintainers: [{ name: 'Ada Lovelace', email: 'ada@example.com', url: 'https://ada.example.com' }],
  });
  const chart = parse({ version: '1.0.0', repository: 'gitlab:acme/todo', author: 'Ada', maintainers: ['Grace Hopper <grace@example.com>', { name: 'Team Web', url: 'https://web.example.com' }] });
  expect(chart.sources).toEqual(['https://gitlab.com/acme/todo']);
  // maintainers, when package.json lists them, rather than the author.
  expect(chart.maintainers).toEqual([{ name: 'Grace Hopper', email: 'grace@example.com' }, { name: 'Team Web', url: 'https://web.example.com' }]);
  expect(parse({ version: '1.0.0', repository: 'acme/todo' }).sources).toEqual(['https://github.com/acme/todo']);
});
