// Test-only: a lab of network namespaces joined by veth pairs (the underlay), each host with its
// own omega-edge home, and helpers to run omega-edge and real tools inside a namespace.
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const EDGE_MAIN = resolve(__dirname, '../../dist/main.js');

export async function sh(
  command: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const child = execFileAsync(command, [...args], { timeout: options.timeoutMs ?? 15_000 });
  if (options.input !== undefined) child.child.stdin?.end(options.input);
  return (await child).stdout;
}

/** Runs a command in a namespace; resolves with its stdout and exit status, never rejects. */
export async function inNs(
  ns: string,
  args: readonly string[],
  options: { timeoutMs?: number; input?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const stdout = await sh('ip', ['netns', 'exec', ns, ...args], options);
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

export interface LabHost {
  ns: string;
  /** Underlay address (veth). */
  address: string;
  /** omega-edge --home. */
  home: string;
  /** The WireGuard interface name (distinct per host: wireguard-go's UAPI socket path is global). */
  wireguardInterface: string;
}

export interface EdgeLab {
  hosts: LabHost[];
  /** Starts omega-edge in a host's namespace; resolves when it logs `ready` ('omega-edge running'). */
  startEdge(host: LabHost, args: readonly string[], ready?: string): Promise<ChildProcess>;
  /** `omega-edge --init` in a host's home; returns its public identity. */
  init(host: LabHost): Promise<string>;
  close(): Promise<void>;
}

/** Hosts on one underlay /24 behind a bridge-less veth star: host i ↔ host 0's side is a veth. */
export async function createEdgeLab(count: number): Promise<EdgeLab> {
  const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const root = mkdtempSync(join(tmpdir(), 'omega-edge-lab-'));
  const hub = `oeh${tag}`;
  const hosts: LabHost[] = [];
  const children: ChildProcess[] = [];
  await sh('ip', ['netns', 'add', hub]);
  await sh('ip', ['-n', hub, 'link', 'add', 'br0', 'type', 'bridge']);
  await sh('ip', ['-n', hub, 'link', 'set', 'br0', 'up']);
  for (let i = 0; i < count; i++) {
    const ns = `oe${i}${tag}`;
    await sh('ip', ['netns', 'add', ns]);
    await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await sh('ip', [
      '-n',
      ns,
      'link',
      'add',
      'eth0',
      'type',
      'veth',
      'peer',
      'name',
      `p${i}`,
      'netns',
      hub,
    ]);
    await sh('ip', ['-n', hub, 'link', 'set', `p${i}`, 'master', 'br0', 'up']);
    const address = `10.231.0.${i + 1}`;
    await sh('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    await sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    hosts.push({
      ns,
      address,
      home: join(root, `host${i}`),
      wireguardInterface: `wg${i}${tag}`.slice(0, 15),
    });
  }
  return {
    hosts,
    async init(host) {
      return (await sh(process.execPath, [EDGE_MAIN, '--home', host.home, '--init'])).split(
        '\n',
      )[0]!;
    },
    startEdge(host, args, ready = 'omega-edge running') {
      const child = spawn(
        'ip',
        ['netns', 'exec', host.ns, process.execPath, EDGE_MAIN, '--home', host.home, ...args],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      return new Promise((resolve, reject) => {
        let out = '';
        const timer = setTimeout(
          () => reject(new Error(`omega-edge in ${host.ns} not running after 20 s: ${out}`)),
          20_000,
        );
        const onData = (chunk: Buffer): void => {
          out += chunk.toString();
          if (out.includes(`"${ready}"`)) {
            clearTimeout(timer);
            resolve(child);
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`omega-edge in ${host.ns} exited ${code}: ${out}`));
        });
      });
    },
    async close() {
      for (const child of children) {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
        }
      }
      for (const ns of [...hosts.map((h) => h.ns), hub]) {
        const pids = (await sh('ip', ['netns', 'pids', ns]).catch(() => ''))
          .split('\n')
          .filter(Boolean);
        for (const pid of pids) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await sh('ip', ['netns', 'del', ns]).catch(() => undefined);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
