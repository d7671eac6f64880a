/**
 * Type checking and the build run once in `npm test` (tsc -b tsconfig.test.json); ts-jest only transpiles.
 * Two workers on two cores: several suites mostly wait on child processes (helm, kubectl, typedoc, npm).
 */
module.exports = {
  testEnvironment: 'node',
  maxWorkers: 2,
  roots: ['<rootDir>'],
  testMatch: ['<rootDir>/main.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/'],
};
