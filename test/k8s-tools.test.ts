import { k8sTools, run } from './k8s-tools';

test('the real helm v3.16 and kubectl v1.28 come from the npm package', () => {
  const tools = k8sTools();
  expect(run(tools.helm, ['version', '--template', '{{ .Version }}'])).toMatch(/^v3\.16\./);
  expect(run(tools.kubectl, ['version', '--client', '-o', 'json'])).toMatch(/"gitVersion": "v1\.28\./);
});
