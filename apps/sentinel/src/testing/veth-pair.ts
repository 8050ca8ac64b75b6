// Test-only: two network namespaces joined by a veth pair, each end addressed and up (lo too),
// for the specs that run the sentinel's eBPF programs on real traffic.
import { execFileSync, spawnSync } from 'node:child_process';

/** `ip ARGS…`, throwing with ip's own message when it fails. */
export function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

export interface VethEnd {
  ns: string;
  dev: string;
  /** IPv4 address on a /24. */
  addr: string;
}

export function vethPair(a: VethEnd, b: VethEnd): void {
  ip('netns', 'add', a.ns);
  ip('netns', 'add', b.ns);
  ip('link', 'add', a.dev, 'netns', a.ns, 'type', 'veth', 'peer', 'name', b.dev, 'netns', b.ns);
  for (const end of [a, b]) {
    ip('-n', end.ns, 'addr', 'add', `${end.addr}/24`, 'dev', end.dev);
    ip('-n', end.ns, 'link', 'set', end.dev, 'up');
    ip('-n', end.ns, 'link', 'set', 'lo', 'up');
  }
}

/** Deletes the namespaces (and with them the veth pair); missing ones are ignored. */
export function deleteNetns(...namespaces: string[]): void {
  for (const ns of namespaces) spawnSync('ip', ['netns', 'del', ns]);
}
