/**
 * `npm test`: needs Node and npm only. Type checking and the build run once (tsc -b tsconfig.test.json); ts-jest
 * only transpiles. The suites that need more (a control plane built with Go, shellcheck, python3) are
 * `npm run test:cluster` (test/cluster/jest.config.js) and `npm run test:node` (test/node/jest.config.js).
 * Two workers on two cores: several suites mostly wait on child processes (helm, kubectl, typedoc, npm).
 */
module.exports = {
  testEnvironment: 'node',
  maxWorkers: 2,
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  ...require('./test/jest-transform'),
  // test:node's suites need root, buildah and a real node (npm run test:node).
  testPathIgnorePatterns: ['/node_modules/', ...require('./test/cluster/suites'), '<rootDir>/test/node/'],
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/'],
  globalSetup: '<rootDir>/test/fast-validation.global-setup.js',
};
