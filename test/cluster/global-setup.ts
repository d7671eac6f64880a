import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * Builds the control plane and the exact validator once (no-ops when the cache holds them), and the app, before any
 * suite starts.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..', '..');
  for (const [command, args] of [
    ['bash', [path.join(root, 'test', 'control-plane', 'control-plane.sh'), 'build']],
    [path.join(root, 'node_modules', '.bin', 'tsc'), ['-b']],
    [process.execPath, [path.join(root, 'tools', 'kube-validator.js'), 'build']],
  ] as const) {
    const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], timeout: 3_000_000 });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
  }
}
