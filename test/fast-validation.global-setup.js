/**
 * `npm test` runs with Node and npm only, so it asserts the fast validator's rules whether or not a previous
 * `npm run test:cluster` left the exact validator in build/ (where mode "auto" would find it). Set in jest's own
 * process before the workers start, so the workers and every process a test starts inherit it. The exact validator
 * has its own suites in `npm run test:cluster`.
 */
module.exports = function fastValidation() {
  process.env.CDK8S_VALIDATION = process.env.CDK8S_VALIDATION || 'fast';
};
