/**
 * `npm run test:cluster`: the suites that need a real control plane (test/control-plane), Go to build it,
 * and tools beyond Node and npm (shellcheck, python3). One worker: each file starts its own control plane.
 */
const path = require('path');

const suites = require('./suites');

module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  testEnvironment: 'node',
  maxWorkers: 1,
  roots: ['<rootDir>/test'],
  testRegex: suites.map((suite) => `${suite.replace('<rootDir>/', '').replace(/[.]/g, '\\.')}${suite.endsWith('/') ? '.*\\.test\\.ts' : ''}$`),
  ...require('../jest-transform'),
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/'],
  // The consumer example imports the package by name; here it runs against this checkout's sources.
  moduleNameMapper: { '^cdk8s-fastapi-nextjs(/.*)?$': '<rootDir>/lib$1' },
  globalSetup: '<rootDir>/test/cluster/global-setup.ts',
  testTimeout: 240_000,
};
