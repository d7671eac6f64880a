/** The suites of `npm run test:cluster` (they need Go, shellcheck and python3); `npm test` leaves them out. */
module.exports = ['<rootDir>/test/cluster/', '<rootDir>/test/scripts/shellcheck.test.ts', '<rootDir>/test/scripts/sqlite.test.ts'];
