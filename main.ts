/**
 * The cdk8s entry point (`npx cdk8s synth` runs `node build/main.js`): builds the todo app's environments
 * (app/), validates them in memory and writes `dist/` only when nothing is wrong.
 *
 *   node build/main.js                     TODO_ENV, IMAGE_TAG, ... select and parameterize (docs/environments.md)
 *   node build/main.js --print-env [ENV]   the settings the scripts in scripts/ read, one line each
 */
import { buildApp, chartValidationOptions, environmentLines, optionsFromEnv, selectEnvironments } from './app';
import { runSynth } from './lib/validation';

function printEnvironments(names: string[]): void {
  try {
    process.stdout.write(environmentLines(selectEnvironments(names.length > 0 ? names : ['all'])));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}

if (require.main === module) {
  if (process.argv[2] === '--print-env') {
    printEnvironments(process.argv.slice(3));
  } else {
    runSynth(() => buildApp(optionsFromEnv(process.env)), { validationOptions: chartValidationOptions });
  }
}
