/**
 * The package's public API (lib/index.ts): exactly the listed names are exported, and every
 * exported interface documents each property, with `@default` on every optional one.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as ts from 'typescript';
import * as lib from '../lib';

/** The compiled declarations (npm test builds them first): what consumers see, and far quicker to load than the sources. */
const INDEX = path.join(__dirname, '..', 'build', 'lib', 'index.d.ts');

/** The values consumers can import at run time; types are checked by the documentation test below. */
const RUNTIME_EXPORTS = [
  'AppNamespace', 'AppNetworkPolicies', 'ExternalTrafficPolicy', 'FastApiBackend', 'ImagePullPolicy', 'IngressRoutes', 'MANAGED_BY',
  'NextFrontend', 'NextFrontendMode', 'PathMatch', 'PodSecurityLevel', 'PolicyTarget', 'Protocol', 'RouteTarget', 'RoutingMode',
  'ServiceType', 'SqlitePersistence', 'UnhealthyPodEvictionPolicy', 'WebWorkload', 'selectorLabels', 'standardLabels', 'topologyDiagram',
];

/** Interfaces the package returns rather than takes: an absent property has no default to document. */
const OUTPUT_TYPES = ['Violation'];

let cached: { checker: ts.TypeChecker; exports: ts.Symbol[] } | undefined;

/** The symbols lib/index.ts exports (types included), read from its declaration file. */
function publicApi(): { checker: ts.TypeChecker; exports: ts.Symbol[] } {
  if (cached) return cached;
  const program = ts.createProgram([INDEX], { noEmit: true, skipLibCheck: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  const exports = checker.getExportsOfModule(moduleSymbol).map((symbol) =>
    (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol));
  cached = { checker, exports };
  return cached;
}

describe('public API', () => {
  test('exports exactly the constructs, their helpers and the topology function at run time (validation is its own entry point)', () => {
    expect(Object.keys(lib).sort()).toEqual([...RUNTIME_EXPORTS].sort());
  });

  test('every property of every exported interface is documented, with @default when optional', () => {
    const { checker, exports } = publicApi();
    const problems: string[] = [];
    const interfaces = exports.filter((symbol) => symbol.flags & ts.SymbolFlags.Interface);
    expect(interfaces.length).toBeGreaterThan(20);
    for (const symbol of interfaces) {
      for (const declaration of symbol.declarations ?? []) {
        if (!ts.isInterfaceDeclaration(declaration)) continue;
        for (const member of declaration.members) {
          if (!ts.isPropertySignature(member)) continue;
          const name = `${symbol.name}.${member.name.getText()}`;
          const memberSymbol = checker.getSymbolAtLocation(member.name);
          const documentation = ts.displayPartsToString(memberSymbol?.getDocumentationComment(checker)).trim();
          if (documentation === '') problems.push(`${name} has no doc comment`);
          const hasDefault = ts.getJSDocTags(member).some((tag) => tag.tagName.text === 'default');
          if (member.questionToken && !hasDefault && !OUTPUT_TYPES.includes(symbol.name)) problems.push(`${name} is optional but has no @default`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('nothing internal is exported', () => {
    const { exports } = publicApi();
    const names = exports.map((symbol) => symbol.name);
    for (const internal of ['WorkloadDefaults', 'PropChecker', 'clusterScoped', 'resolveNamespace', 'restrictedPodSecurityContext']) {
      expect(names).not.toContain(internal);
    }
  });

  test('loading the constructs loads none of the dependencies of the validation entry point', () => {
    expect(validationDependenciesLoadedBy(`require(${JSON.stringify(path.join(BUILD, 'index.js'))});`)).toEqual([]);
    // The probe can see them: validating does load them.
    const validation = JSON.stringify(path.join(BUILD, 'validation', 'index.js'));
    expect(validationDependenciesLoadedBy(`require(${validation}).validateYamlFiles([${JSON.stringify(path.join(__dirname, 'validation', 'fixtures', 'good.yaml'))}]);`))
      .toEqual(expect.arrayContaining([expect.stringContaining(`${path.sep}yaml${path.sep}`), expect.stringContaining(`${path.sep}kubernetes-models${path.sep}`)]));
  });
});

const BUILD = path.join(__dirname, '..', 'build', 'lib');

/** The files of the validation's own dependencies that a fresh Node.js process has loaded after running `code`. */
function validationDependenciesLoadedBy(code: string): string[] {
  const prefixes = ['ajv', 'ajv-formats', 'yaml', 'kubernetes-models', '@kubernetes-models'].map((name) => path.join(__dirname, '..', 'node_modules', name) + path.sep);
  const script = `${code}
    const prefixes = ${JSON.stringify(prefixes)};
    process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((file) => prefixes.some((prefix) => file.startsWith(prefix)))));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
