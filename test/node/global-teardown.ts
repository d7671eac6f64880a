import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { NODE_DIR_FILE, NODE_SCRIPT } from './node';

/** Stops the run's node (not one given by TODO_NODE_DIR); keeps its directory (and logs) when KEEP_NODE is set. */
export default function globalTeardown(): void {
  if (!fs.existsSync(NODE_DIR_FILE)) return;
  const dir = fs.readFileSync(NODE_DIR_FILE, 'utf8').trim();
  fs.rmSync(NODE_DIR_FILE, { force: true });
  if (process.env.TODO_NODE_DIR) return;
  spawnSync('bash', [NODE_SCRIPT, 'stop', dir], { stdio: 'inherit', timeout: 300_000 });
  if (!process.env.KEEP_NODE) fs.rmSync(dir, { recursive: true, force: true });
}
