// `npm test` runs with Node and npm only, so it asserts the fast validator's rules whether or not a previous
// `npm run test:cluster` left the exact validator in build/ (where mode "auto" would find it). The exact validator
// has its own suites in `npm run test:cluster`.
process.env.CDK8S_VALIDATION = process.env.CDK8S_VALIDATION || 'fast';
