/**
 * `npm test`: needs Node and npm only. Type checking and the build run once (tsc -b tsconfig.test.json); ts-jest
 * only transpiles. The suites that need more (a control plane built with Go, shellcheck, python3) are
 * `npm run test:cluster` (test/cluster/jest.config.js); the real node's are `npm run test:node` (test/node/).
 * Two workers on two cores: several suites mostly wait on child processes (helm, kubectl, typedoc, npm).
 */
module.exports = {
  testEnvironment: 'node',
  maxWorkers: 2,
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  // Transpile only: tsconfig.json sets isolatedModules, so ts-jest compiles each file on its own.
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/node/', ...require('./test/cluster/suites')],
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/'],
};
