/**
 * What the machine's own network, kernel settings and mounts look like, so a run of the node suite can prove
 * it left them as they were: the node keeps every change inside namespaces of its own (test/node/node.sh).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';

const SYSCTLS = [
  'net/ipv4/ip_forward', 'net/ipv4/conf/all/route_localnet', 'net/bridge/bridge-nf-call-iptables',
  'vm/overcommit_memory', 'vm/panic_on_oom', 'kernel/panic', 'kernel/panic_on_oops',
  'kernel/keys/root_maxkeys', 'kernel/keys/root_maxbytes', 'net/netfilter/nf_conntrack_max',
];

function output(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.error ? `(${command} unavailable)` : `${result.stdout}${result.stderr}`.trim();
}

/** The machine's state as sorted text lines: sysctls, links, addresses, routes, firewall rules, mounts, node cgroups. */
export function hostState(): string[] {
  const lines: string[] = [];
  for (const key of SYSCTLS) {
    const file = `/proc/sys/${key}`;
    if (fs.existsSync(file)) lines.push(`sysctl ${key}=${fs.readFileSync(file, 'utf8').trim()}`);
  }
  for (const line of output('ip', ['-o', 'link', 'show']).split('\n')) lines.push(`link ${line.split(':')[1]?.trim()}`);
  for (const line of output('ip', ['-o', 'addr', 'show']).split('\n')) lines.push(`addr ${line.replace(/\s+valid_lft.*$/, '')}`);
  for (const line of output('ip', ['route', 'show', 'table', 'all']).split('\n')) lines.push(`route ${line}`);
  for (const line of output('nft', ['list', 'ruleset']).split('\n')) if (line.trim()) lines.push(`nft ${line.trim()}`);
  for (const line of output('findmnt', ['-rn', '-o', 'TARGET']).split('\n')) lines.push(`mount ${line}`);
  for (const hierarchy of fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup') : []) {
    const dir = `/sys/fs/cgroup/${hierarchy}`;
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const entry of fs.readdirSync(dir)) if (entry.startsWith('todo-node-')) lines.push(`cgroup ${dir}/${entry}`);
  }
  return lines.sort();
}

/** The lines that differ between two states ("- " gone, "+ " new). */
export function hostStateChanges(before: readonly string[], after: readonly string[]): string[] {
  const was = new Set(before);
  const is = new Set(after);
  return [...before.filter((line) => !is.has(line)).map((line) => `- ${line}`), ...after.filter((line) => !was.has(line)).map((line) => `+ ${line}`)];
}
