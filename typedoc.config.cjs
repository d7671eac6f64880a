/**
 * TypeDoc's settings for the API reference in docs/api/ (`npm run docs`; tools/docs-check.js checks that it is
 * current). The entry points are the package's own: one per subpath of package.json "exports" that has types,
 * taken from its source (./build/lib/helm/index.d.ts -> lib/helm/index.ts), so a new entry point of the package
 * is documented without a second list to update.
 */
'use strict';
const { exports: packageExports } = require('./package.json');

const entryPoints = Object.values(packageExports)
  .filter((target) => typeof target === 'object' && target.types)
  .map((target) => target.types.replace(/^\.\/build\//, '').replace(/\.d\.ts$/, '.ts'));

/** @type {Partial<import('typedoc').TypeDocOptions> & Record<string, unknown>} */
module.exports = {
  entryPoints,
  tsconfig: 'tsconfig.json',
  out: 'docs/api',
  plugin: ['typedoc-plugin-markdown'],
  readme: 'none',
  name: 'cdk8s-fastapi-nextjs',
  includeVersion: false,
  disableSources: true,
  disableGit: true,
  sourceLinkTemplate: '',
  excludePrivate: true,
  excludeProtected: true,
  excludeInternal: true,
  excludeExternals: true,
  hideGenerator: true,
  cleanOutputDir: true,
  sort: ['kind', 'alphabetical'],
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  treatWarningsAsErrors: true,
  // typedoc-plugin-markdown
  entryFileName: 'README.md',
  outputFileStrategy: 'members',
  useCodeBlocks: true,
  expandObjects: false,
  parametersFormat: 'table',
  interfacePropertiesFormat: 'table',
  classPropertiesFormat: 'table',
  enumMembersFormat: 'table',
  typeDeclarationFormat: 'table',
  propertyMembersFormat: 'table',
  intentionallyNotExported: ['Gateway', 'VirtualService', 'HttpRoute'],
  skipErrorChecking: true,
};
