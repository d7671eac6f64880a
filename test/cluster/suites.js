/**
 * The suites of `npm run test:cluster`; `npm test` leaves them out. They need Go (the control plane), shellcheck
 * and python3, or take long: the consumer example (npm pack, install, two compiles) and the Helm charts (the real
 * helm binary on every chart), which CI runs here once instead of in every `npm test`.
 */
module.exports = [
  '<rootDir>/test/cluster/',
  '<rootDir>/test/scripts/shellcheck.test.ts',
  '<rootDir>/test/scripts/sqlite.test.ts',
  '<rootDir>/test/consumer-example.test.ts',
  '<rootDir>/test/helm.test.ts',
];
