// Attaches the XDP stealth filter (bpf/wireguard-stealth.bpf.c, built by scripts/stealth-bpf.sh)
// to the underlay interface with iproute2, points it at the WireGuard port and reads its per-CPU
// counters with bpftool: non-WireGuard datagrams and over-rate handshake initiations are dropped
// before the kernel's UDP stack (or wireguard-go) sees them.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Code, OmegaError } from '@omega/errors';
import { run } from './system-command';

export const STEALTH_OBJECT = resolve(__dirname, 'wireguard-stealth.bpf.o');

export interface StealthCounts {
  passed: number;
  malformed: number;
  rateLimited: number;
}

export class StealthFilter {
  private constructor(
    readonly interfaceName: string,
    private readonly statsMapId: number,
  ) {}

  static async attach(interfaceName: string, wireguardPort: number): Promise<StealthFilter> {
    if (!existsSync(STEALTH_OBJECT)) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `${STEALTH_OBJECT} is not built: run bash apps/edge/scripts/stealth-bpf.sh`,
      );
    }
    // Generic XDP works on every driver (veth included); native mode would be faster where offered.
    await run('ip', [
      'link',
      'set',
      'dev',
      interfaceName,
      'xdpgeneric',
      'obj',
      STEALTH_OBJECT,
      'sec',
      'xdp',
    ]);
    const link = JSON.parse(
      await run('ip', ['-j', '-d', 'link', 'show', 'dev', interfaceName]),
    ) as {
      xdp?: { prog?: { id?: number } };
    }[];
    const progId = link[0]?.xdp?.prog?.id;
    if (!progId)
      throw new OmegaError(Code.Internal, `no XDP program on ${interfaceName} after attaching`);
    const prog = JSON.parse(await run('bpftool', ['prog', 'show', 'id', String(progId), '-j'])) as {
      map_ids: number[];
    };
    const maps = new Map<string, number>();
    for (const id of prog.map_ids) {
      const map = JSON.parse(await run('bpftool', ['map', 'show', 'id', String(id), '-j'])) as {
        name: string;
      };
      maps.set(map.name, id);
    }
    const config = maps.get('stealth_config');
    const stats = maps.get('stealth_stats');
    if (config === undefined || stats === undefined) {
      throw new OmegaError(
        Code.Internal,
        `XDP program ${progId} lacks its maps (found ${[...maps.keys()].join(', ')})`,
      );
    }
    const port = [0, 8, 16, 24].map((shift) => String((wireguardPort >> shift) & 255));
    await run('bpftool', [
      'map',
      'update',
      'id',
      String(config),
      'key',
      '0',
      '0',
      '0',
      '0',
      'value',
      ...port,
    ]);
    return new StealthFilter(interfaceName, stats);
  }

  async counts(): Promise<StealthCounts> {
    const entries = JSON.parse(
      await run('bpftool', ['map', 'dump', 'id', String(this.statsMapId), '-j']),
    ) as {
      formatted: { key: number; values: { value: number }[] };
    }[];
    const total = (key: number): number =>
      entries
        .find((e) => e.formatted.key === key)
        ?.formatted.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
    return { passed: total(0), malformed: total(1), rateLimited: total(2) };
  }

  async detach(): Promise<void> {
    await run('ip', ['link', 'set', 'dev', this.interfaceName, 'xdpgeneric', 'off']).catch(
      () => undefined,
    );
  }
}
