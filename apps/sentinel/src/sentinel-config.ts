// The sentinel's own settings (`sentinel.*`, env OMEGA_SENTINEL_*).
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Where `make -C bpf` puts the loader, relative to this file's dist/ or src/ directory. */
export const DEFAULT_LOADER_PATH = join(__dirname, '..', '..', '..', 'bpf', 'build', 'loader');

export const sentinelConfigSchema = z
  .strictObject({
    /** Kubernetes node name (or host name) stamped on every event and in subjects. */
    node: z.string().min(1).optional(),
    /** `auto`: eBPF when the loader exists and we run as root, otherwise off. */
    mode: z.enum(['auto', 'ebpf', 'off']).default('auto'),
    loaderPath: z.string().min(1).default(DEFAULT_LOADER_PATH),
    xdp: z
      .array(
        z.strictObject({
          interface: z.string().min(1),
          mode: z.enum(['generic', 'native']).default('generic'),
          netns: z.string().min(1).optional(),
        }),
      )
      .default([]),
    maxBatchEvents: z.int().positive().default(512),
    flushIntervalMs: z.int().positive().default(100),
    maxBufferedEvents: z.int().positive().default(100_000),
  })
  .prefault({});

export type SentinelConfig = z.output<typeof sentinelConfigSchema>;

export function nodeName(config: SentinelConfig): string {
  return (config.node ?? process.env['NODE_NAME'] ?? hostname()).replace(/[.*>\s]/g, '-');
}

/** The mode to run in and why, for the start-up log line. */
export function resolveMode(config: SentinelConfig): { mode: 'ebpf' | 'off'; reason: string } {
  if (config.mode === 'off') return { mode: 'off', reason: 'sentinel.mode is off' };
  if (config.mode === 'ebpf') return { mode: 'ebpf', reason: 'sentinel.mode is ebpf' };
  if (!existsSync(config.loaderPath)) {
    return {
      mode: 'off',
      reason: `no eBPF loader at ${config.loaderPath} (build it: make -C bpf)`,
    };
  }
  if (process.getuid?.() !== 0) return { mode: 'off', reason: 'not running as root' };
  return { mode: 'ebpf', reason: `loader ${config.loaderPath} present and running as root` };
}
