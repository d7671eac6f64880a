import * as path from 'path';
import type * as cdk8sPlugins from 'cdk8s-cli/lib/plugins/validation';
import { ManifestValidationPlugin } from '../../lib/validation/plugin';

// The runtime entry point is the package export `cdk8s-cli/plugins`; its types live under lib/ (node10 resolution ignores exports).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require('cdk8s-cli/plugins') as typeof cdk8sPlugins;
type ValidationContext = cdk8sPlugins.ValidationContext;

const FIXTURES = path.join(__dirname, 'fixtures');
const GOOD = path.join(FIXTURES, 'good.yaml');
const BAD = path.join(FIXTURES, 'bad-privileged.yaml');
const LATEST = path.join(FIXTURES, 'latest-image.yaml');
const PLUGIN_SOURCE = path.resolve(__dirname, '..', '..', 'lib', 'validation', 'plugin.ts');

/** A real cdk8s-cli ValidationContext, as `cdk8s synth` creates it. */
function cdk8sContext(manifests: string[]): ValidationContext {
  const context = new ValidationContext(manifests, 'cdk8s-validation', '0.1.0', { backend: { path: 'app/Backend/Deployment' } });
  jest.spyOn(context.logger, 'log').mockImplementation(() => undefined);
  return context;
}

describe('ManifestValidationPlugin with cdk8s-cli ValidationContext', () => {
  test('a privileged container fails the report with file, object, field, rule and fix', async () => {
    const context = cdk8sContext([BAD]);
    await new ManifestValidationPlugin({ externalNamespaces: ['istio-system'] }).validate(context);
    const report = context.report.toJson();
    expect(context.report.success).toBe(false);
    expect(report.violations).toEqual([{
      ruleName: 'pss-restricted/privileged',
      recommendation: 'Deployment app/backend: container "api" is privileged',
      fix: 'Remove securityContext.privileged from container "api" or set it to false.',
      violatingConstructs: [{
        resourceName: 'backend',
        constructPath: 'app/Backend/Deployment',
        manifestPath: BAD,
        locations: ['spec.template.spec.containers[0].securityContext.privileged'],
      }],
    }]);
    expect(context.report.toString()).toContain('pss-restricted/privileged');
  });

  test('a compliant output passes', async () => {
    const context = cdk8sContext([GOOD]);
    await new ManifestValidationPlugin({ externalNamespaces: ['istio-system'] }).validate(context);
    expect(context.report.success).toBe(true);
    expect(context.report.toJson().violations).toEqual([]);
  });

  test('warnings are reported but do not fail', async () => {
    const context = cdk8sContext([GOOD]);
    // Without istio-system documented, nothing breaks: the HTTPRoute parentRef is not checked.
    await new ManifestValidationPlugin({ skipRules: ['hygiene/*'] }).validate(context);
    expect(context.report.success).toBe(true);
  });

  test('environments: manifests are grouped by path, and options apply per environment', async () => {
    const environments = [
      { name: 'local', manifests: 'latest-image\\.yaml$', allowLatestImages: true },
      { name: 'production', manifests: 'good\\.yaml$', externalNamespaces: ['istio-system'] },
    ];
    const passing = cdk8sContext([GOOD, LATEST]);
    await new ManifestValidationPlugin({ environments }).validate(passing);
    expect(passing.report.success).toBe(true);
    expect(passing.report.toJson().summary.metadata).toEqual({ result: '0 errors, 0 warnings', outputs: 'production (1 files), local (1 files)' });

    const failing = cdk8sContext([GOOD, LATEST]);
    await new ManifestValidationPlugin({ environments: [environments[1]] }).validate(failing);
    expect(failing.report.success).toBe(false);
    expect(failing.report.toJson().violations.map((violation) => violation.ruleName)).toEqual(['hygiene/image-tag']);
  });

  test('misspelled plugin properties are rejected early', () => {
    expect(() => new ManifestValidationPlugin({ allowLatestImage: true } as never)).toThrow(/unknown key\(s\) allowLatestImage/);
    expect(() => new ManifestValidationPlugin({ environments: [{ name: 'x' }] } as never)).toThrow(/"name" and "manifests"/);
  });
});

describe('ManifestValidationPlugin loaded the way `cdk8s synth` loads it', () => {
  // cdk8s-cli's own loader and runner (not exported, so required by path): PluginManager requires
  // the configured package path, validateApp runs the plugin, prints the report and exits 2 on failure.
  const cliRoot = path.dirname(require.resolve('cdk8s-cli/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validateApp } = require(path.join(cliRoot, 'lib', 'util.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PluginManager } = require(path.join(cliRoot, 'lib', 'plugins', '_manager.js'));
  const validations = [{ package: PLUGIN_SOURCE, version: '0.1.0', class: 'ManifestValidationPlugin', properties: { externalNamespaces: ['istio-system'] } }];

  async function synthValidate(manifests: string[]): Promise<{ exitCode?: number; output: string }> {
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    const error = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw Object.assign(new Error('exit'), { exitCode: code });
    }) as never);
    try {
      await validateApp({ manifests }, false, validations, new PluginManager('/nonexistent-plugins-dir'));
      return { output: lines.join('\n') };
    } catch (caught) {
      const exitCode = (caught as { exitCode?: number }).exitCode;
      if (exitCode === undefined) throw caught;
      return { exitCode, output: lines.join('\n') };
    } finally {
      log.mockRestore();
      error.mockRestore();
      exit.mockRestore();
    }
  }

  test('a bad manifest makes synth exit 2 with the report', async () => {
    const { exitCode, output } = await synthValidate([BAD]);
    expect(exitCode).toBe(2);
    expect(output).toContain('pss-restricted/privileged');
    expect(output).toContain('spec.template.spec.containers[0].securityContext.privileged');
    expect(output).toContain('Validation failed');
  });

  test('a good manifest passes', async () => {
    const { exitCode, output } = await synthValidate([GOOD]);
    expect(exitCode).toBeUndefined();
    expect(output).toContain('Validations ended succesfully');
  });
});
