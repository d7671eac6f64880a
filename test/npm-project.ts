/**
 * npm as a consumer of the package runs it: outside this repository's configuration, from the tarball `npm pack`
 * writes. Shared by the package test (npm test) and the consumer example (npm run test:example).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { gunzipSync } from 'zlib';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..');
export const PACKAGE_NAME = 'cdk8s-fastapi-nextjs';

/**
 * The environment for nested npm and node runs. Under `npm test`, npm exports its configuration as
 * npm_config_* variables (the repository's `omit=peer`, its local prefix, ...); a consumer's npm must not
 * inherit them. Where the cache, the registry and the certificates are is kept.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cafile', 'npm_config_registry']);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.has(key.toLowerCase())));
  return { ...env, ...extra };
}

export interface Packed {
  /** The tarball's absolute path. */
  readonly tarball: string;
  /** The files it holds, sorted. */
  readonly files: string[];
  /** What `npm pack` wrote to stderr (its notices and the lifecycle scripts' output). */
  readonly stderr: string;
}

/** `npm pack` of this repository (prepack compiles it) into `destination`. */
export function packLibrary(destination: string): Packed {
  // npm test has Node and npm only: the pack takes the exact validator if it is cached (a release pack builds it with Go).
  const result = runNpm(['pack', '--json', '--pack-destination', destination], REPO, { TODO_EXACT_VALIDATOR_BUILD: 'if-cached' });
  const packed = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')))[0] as { filename: string; files: { path: string }[] };
  return { tarball: path.join(destination, packed.filename), files: packed.files.map((file) => file.path).sort(), stderr: result.stderr };
}

/** Runs npm with the clean environment; a failure throws with everything npm printed. */
export function runNpm(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string } {
  const result = spawnSync('npm', args, { cwd, env: { ...cleanEnv(), ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** The text of one file in a .tgz (a gzipped ustar archive, as `npm pack` writes it). */
export function readTarEntry(tarball: string, name: string): string {
  const archive = gunzipSync(fs.readFileSync(tarball));
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const entryName = [field(345, 155), field(0, 100)].filter((part) => part !== '').join('/');
    if (entryName === '') break;
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (entryName === name) return archive.subarray(offset + 512, offset + 512 + size).toString('utf8');
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${name} is not in ${tarball}`);
}
