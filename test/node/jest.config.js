/**
 * `npm run test:node`: the app on a real node (test/node/node.sh): real containers built from the reference
 * app's Dockerfiles, real probes, storage, DNS, Services, NetworkPolicies, Ingress and Gateway routing. One
 * node for the run (global-setup.ts, with the outside world the scenarios share: a PostgreSQL server and the
 * platform's Gateway). Two scenario files at a time: each has namespaces, hosts, databases and ports of its own,
 * so none sees another. Needs root, Go, buildah and the Debian packages docs/development.md lists.
 */
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  testEnvironment: 'node',
  maxWorkers: 2,
  roots: ['<rootDir>/test/node'],
  testRegex: 'test/node/.*\\.test\\.ts$',
  ...require('../jest-transform'),
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/'],
  moduleNameMapper: { '^cdk8s-fastapi-nextjs(/.*)?$': '<rootDir>/lib$1' },
  globalSetup: '<rootDir>/test/node/global-setup.ts',
  globalTeardown: '<rootDir>/test/node/global-teardown.ts',
  testTimeout: 600_000,
};
