// The WireGuard data plane: the kernel's module where `ip link add type wireguard` works, else a
// current wireguard-go (built from Go modules into ~/.cache/omega, see scripts/wireguard-go.mjs)
// run as this process's child; configured with `wg` either way, since both speak the same UAPI.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Code, OmegaError } from '@omega/errors';
import { wireguardKeyText } from './edge-identity';
import { run } from './system-command';

/** The wireguard-go version scripts/wireguard-go.mjs builds (keep the two in step). */
export const WIREGUARD_GO_VERSION = 'v0.0.0-20260522210424-ecfc5a8d5446';
const READY_TIMEOUT_MS = 5_000;

export function wireguardGoPath(): string | undefined {
  const cached = join(
    homedir(),
    '.cache',
    'omega',
    `wireguard-go-${WIREGUARD_GO_VERSION}`,
    'wireguard',
  );
  return existsSync(cached) ? cached : undefined;
}

export interface WireguardPeerSettings {
  publicKey: Uint8Array;
  endpoint?: string;
  allowedIps: string[];
}

export class WireguardDevice {
  private constructor(
    readonly name: string,
    readonly kind: 'kernel' | 'wireguard-go',
    private readonly child?: ChildProcess,
  ) {}

  /** Creates the interface; kernel first, wireguard-go when the kernel has no WireGuard. */
  static async create(name: string): Promise<WireguardDevice> {
    const kernel = await run('ip', ['link', 'add', name, 'type', 'wireguard']).then(
      () => true,
      () => false,
    );
    if (kernel) return new WireguardDevice(name, 'kernel');
    const binary = wireguardGoPath();
    if (!binary) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `the kernel has no WireGuard and wireguard-go ${WIREGUARD_GO_VERSION} is not built: run node apps/edge/scripts/wireguard-go.mjs`,
      );
    }
    const child = spawn(binary, ['-f', name], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)),
    );
    const device = new WireguardDevice(name, 'wireguard-go', child);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) {
        throw new OmegaError(Code.Internal, `wireguard-go -f ${name} exited: ${stderr.trim()}`);
      }
      if (
        await run('wg', ['show', name]).then(
          () => true,
          () => false,
        )
      )
        return device;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new OmegaError(
          Code.DeadlineExceeded,
          `wireguard-go -f ${name} not ready in ${READY_TIMEOUT_MS} ms`,
        );
      }
      await sleep(50);
    }
  }

  async configure(privateKeyFile: string, listenPort: number): Promise<void> {
    await run('wg', [
      'set',
      this.name,
      'private-key',
      privateKeyFile,
      'listen-port',
      String(listenPort),
    ]);
  }

  async setPeer(peer: WireguardPeerSettings): Promise<void> {
    const args = ['set', this.name, 'peer', wireguardKeyText(peer.publicKey)];
    if (peer.endpoint) args.push('endpoint', peer.endpoint);
    args.push('allowed-ips', peer.allowedIps.join(','), 'persistent-keepalive', '25');
    await run('wg', args);
  }

  /** Sets the pair's pre-shared key (read by `wg` from its standard input). */
  async setPresharedKey(publicKey: Uint8Array, psk: Uint8Array): Promise<void> {
    // wg fopen()s the file it is given, which fails on Node's socket stdin: `<(cat)` hands it a
    // pipe instead, so the key never sits on disk or in an argv.
    await run(
      'bash',
      [
        '-c',
        'exec wg set "$@" preshared-key <(cat)',
        'wg',
        this.name,
        'peer',
        wireguardKeyText(publicKey),
      ],
      `${Buffer.from(psk).toString('base64')}\n`,
    );
  }

  async removePeer(publicKey: Uint8Array): Promise<void> {
    await run('wg', ['set', this.name, 'peer', wireguardKeyText(publicKey), 'remove']);
  }

  /** `wg show <if> dump`: one line per peer after the interface's own. */
  async dump(): Promise<string[][]> {
    const text = await run('wg', ['show', this.name, 'dump']);
    return text
      .trim()
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split('\t'));
  }

  async close(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await Promise.race([exited, sleep(2_000)]);
    } else {
      await run('ip', ['link', 'del', this.name]).catch(() => undefined);
    }
  }
}
