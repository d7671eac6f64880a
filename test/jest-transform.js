/**
 * How every jest configuration of the project (npm test, test:cluster, test:node) loads code: ts-jest transpiles
 * TypeScript; the secretlint rule set ships as an ES module, which Node (20.19+) requires as it is but jest's
 * module system needs as CommonJS.
 */
module.exports = {
  transform: {
    // tsconfig.json sets isolatedModules (ts-jest's own option of that name is deprecated): each file on its own.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    '/node_modules/@secretlint/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@secretlint/)'],
};
