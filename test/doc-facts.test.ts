/**
 * Facts the docs state that come from somewhere else: each is compared with its source, so the page cannot drift.
 * - docs/helm.md and the chart's NOTES.txt label namespaces with the Pod Security version the constructs enforce,
 *   which is the Kubernetes minor of the test control plane (test/control-plane/go.mod);
 * - docs/validation.md gives the exit codes of a rejected synth, the app's and `npx cdk8s synth`'s.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_POD_SECURITY_VERSION } from '../lib/app-namespace';

const REPO = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(REPO, file), 'utf8');

describe('the Pod Security version', () => {
  test('is the Kubernetes minor the cluster suite runs (test/control-plane/go.mod)', () => {
    const kubernetes = /^\s*k8s\.io\/kubernetes (v\d+\.\d+)\.\d+/m.exec(read('test/control-plane/go.mod'));
    expect(kubernetes?.[1]).toBe(DEFAULT_POD_SECURITY_VERSION);
  });

  test.each(['docs/helm.md', 'helm/todo/templates/NOTES.txt'])('%s labels namespaces with it', (file) => {
    const versions = [...read(file).matchAll(/pod-security\.kubernetes\.io\/enforce-version=(\S+)/g)].map((match) => match[1]);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.filter((version) => version !== DEFAULT_POD_SECURITY_VERSION)).toEqual([]);
  });
});

describe('docs/validation.md: the exit codes of a rejected synth', () => {
  const page = read('docs/validation.md');
  const appCode = /The app \(`node build\/main\.js`\) exits with code (\d+)/.exec(page)?.[1];
  const cliCode = /`npx cdk8s synth` exits with code (\d+)/.exec(page)?.[1];

  test('the page states both', () => {
    expect(appCode).toBeDefined();
    expect(cliCode).toBeDefined();
  });

  test("`npx cdk8s synth` of an app that exits with the app's code exits with the page's", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'failing-app-'));
    try {
      fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: node -e "process.exitCode = ${appCode}"\n`);
      const result = spawnSync(path.join(REPO, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade'], { cwd: project, encoding: 'utf8' });
      expect(result.stderr).toContain(`returned a non-zero exit code ${appCode}`);
      expect(String(result.status)).toBe(cliCode);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});
