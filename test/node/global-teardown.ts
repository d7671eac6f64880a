import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { hostState, hostStateChanges } from './host-state';
import { NODE_DIR_VARIABLE, NODE_SCRIPT, SETUP_LOG } from './node';

/** The peak of the samples global-setup.ts took (processes' resident memory plus the pods' cgroup usage). */
function reportPeakMemory(dir: string): void {
  const sampler: number | undefined = (globalThis as any).memorySampler;
  if (sampler) {
    try {
      process.kill(sampler);
    } catch {
      // already gone
    }
  }
  const file = path.join(dir, 'memory.log');
  if (!fs.existsSync(file)) return;
  const samples = fs.readFileSync(file, 'utf8').split('\n').map((line) => /total (\d+)/.exec(line)?.[1]).filter((v): v is string => v !== undefined).map(Number);
  if (samples.length > 0) process.stderr.write(`test:node: peak memory of the node ${Math.max(...samples)} MiB (${samples.length} samples, processes' RSS plus the pods' cgroup)\n`);
}

/**
 * Stops the run's node (not one given by TODO_NODE_DIR), keeping its directory (and logs) when KEEP_NODE is set,
 * then fails the run if the machine's own network, kernel settings or mounts differ from before it.
 */
export default function globalTeardown(): void {
  const dir = process.env[NODE_DIR_VARIABLE];
  if (!dir) return;
  reportPeakMemory(dir);
  if (process.env.TODO_NODE_DIR) return;
  spawnSync('bash', [NODE_SCRIPT, 'stop', dir], { stdio: 'inherit', timeout: 300_000 });
  if (process.env.KEEP_NODE) {
    process.stderr.write(`test:node: kept ${dir} (the setup log ${SETUP_LOG}, logs/ of every component)\n`);
  } else {
    fs.rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`test:node: removed ${dir}; KEEP_NODE=1 keeps it and the logs in it\n`);
  }
  const before: string[] | undefined = (globalThis as any).hostStateBefore;
  if (!before) return;
  const changes = hostStateChanges(before, hostState());
  if (changes.length > 0) throw new Error(`the node suite changed the machine outside its namespaces:\n${changes.join('\n')}`);
}
