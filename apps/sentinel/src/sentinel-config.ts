// The sentinel's own settings (`sentinel.*`, env OMEGA_SENTINEL_*).
import { existsSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Where the sentinel keeps its local batch signing key (a DaemonSet mounts a hostPath here). */
export const DEFAULT_DATA_DIR =
  process.getuid?.() === 0
    ? '/var/lib/omega/sentinel'
    : join(homedir(), '.local', 'state', 'omega', 'sentinel');

/** Where `make -C bpf` puts the loader, relative to this file's dist/ or src/ directory. */
export const DEFAULT_LOADER_PATH = join(__dirname, '..', '..', '..', 'bpf', 'build', 'loader');

/** What a watched prefix can report (the loader's `file-prefix` ops). */
export const FILE_PREFIX_OPS = ['create', 'rename', 'delete', 'chmod', 'chown'] as const;

/** Where a change is worth a record by default: system binaries, configuration, boot, root's keys, cron. */
export const DEFAULT_FILE_PREFIXES: readonly string[] = [
  '/etc',
  '/bin',
  '/sbin',
  '/usr/bin',
  '/usr/sbin',
  '/usr/local/bin',
  '/usr/local/sbin',
  '/boot',
  '/lib/modules',
  '/root/.ssh',
  '/var/spool/cron',
];

export const sentinelConfigSchema = z
  .strictObject({
    /** Kubernetes node name (or host name) stamped on every event and in subjects. */
    node: z.string().min(1).optional(),
    /** `auto`: eBPF when the loader exists and we run as root, otherwise off. */
    mode: z.enum(['auto', 'ebpf', 'off']).default('auto'),
    loaderPath: z.string().min(1).default(DEFAULT_LOADER_PATH),
    /** Holds the local batch signing key used while there is no trust identity. */
    dataDir: z.string().min(1).default(DEFAULT_DATA_DIR),
    xdp: z
      .array(
        z.strictObject({
          interface: z.string().min(1),
          mode: z.enum(['generic', 'native']).default('generic'),
          netns: z.string().min(1).optional(),
        }),
      )
      .default([]),
    /** Interfaces whose traffic is accounted per flow (tc ingress + egress) and scanned for DNS. */
    flows: z
      .strictObject({
        interfaces: z
          .array(
            z.strictObject({ interface: z.string().min(1), netns: z.string().min(1).optional() }),
          )
          .default([]),
        /** How often the loader reads the kernel's flow table. */
        drainIntervalMs: z.int().positive().default(1_000),
        /** A flow without packets this long ends (is exported and removed). */
        idleTimeoutMs: z.int().positive().default(10_000),
        /** A long-lived flow is exported at least this often. */
        activeTimeoutMs: z.int().positive().default(60_000),
      })
      .prefault({}),
    /** Protected UDP ports on the XDP interfaces: only allowlisted sources, at a bounded rate. */
    stealth: z
      .strictObject({
        ports: z.array(z.int().min(1).max(65_535)).default([]),
        /** Addresses or CIDRs allowed to reach the protected ports. */
        allow: z.array(z.string().min(1)).default([]),
        /** New sessions per second per source, and how many a quiet source may open at once. */
        ratePerSecond: z.int().positive().default(10),
        burst: z.int().positive().default(10),
        /** A session (source address and port to a protected port) unseen this long is new again. */
        sessionIdleMs: z.int().positive().default(30_000),
      })
      .prefault({}),
    /**
     * The syscall-exit probe (docs/sentinel-telemetry.md): privilege changes, ptrace, mounts,
     * namespace changes, module and bpf loads, raw sockets, memfd_create and file operations under
     * `files.prefixes`. It runs at the exit of every syscall on the node (~100 ns each); off keeps
     * only the exec-time records (setuid and memfd exec).
     */
    syscallTelemetry: z.boolean().default(true),
    /** Pod/namespace/workload on events, from a watch of this node's pods. */
    kubernetes: z
      .strictObject({
        /** `auto`: on when running in a cluster (KUBERNETES_SERVICE_HOST) or given a kubeconfig. */
        mode: z.enum(['auto', 'on', 'off']).default('auto'),
        kubeconfig: z.string().min(1).optional(),
        /** The cgroup2 mount (`/sys/fs/cgroup/unified` on hybrid cgroup v1/v2 hosts). */
        cgroupRoot: z.string().min(1).default('/sys/fs/cgroup'),
      })
      .prefault({}),
    /** Watched files (omega_policy `filewatch.>`, written by deception for its file honeytokens). */
    files: z
      .strictObject({
        /** A watched path that does not resolve yet (planted later, another node's) is tried again this often. */
        retryIntervalMs: z.int().positive().default(10_000),
        /**
         * Paths whose create, rename, delete, chmod and chown the kernel reports (each selects
         * itself and everything under it; docs/sentinel-telemetry.md). At most 32.
         */
        prefixes: z
          .array(
            z.strictObject({
              path: z
                .string()
                .max(255)
                .regex(/^\/\S*$/, 'an absolute path without spaces'),
              ops: z
                .array(z.enum(FILE_PREFIX_OPS))
                .min(1)
                .default([...FILE_PREFIX_OPS]),
            }),
          )
          .max(32)
          .default(DEFAULT_FILE_PREFIXES.map((path) => ({ path, ops: [...FILE_PREFIX_OPS] }))),
      })
      .prefault({}),
    /** ReplayPcap by `path`: only regular files inside `dir`, at most `maxBytes`. */
    replay: z
      .strictObject({
        /** Default `<dataDir>/captures`; symlinks are resolved before the check. */
        dir: z.string().min(1).optional(),
        maxBytes: z
          .int()
          .positive()
          .default(256 * 1024 * 1024),
      })
      .prefault({}),
    /** Signed WASM detection modules (docs/modules.md): the sandbox's limits. */
    modules: z
      .strictObject({
        /** Wall time one event may take in a module before its instance is terminated. */
        eventBudgetMs: z.int().min(1).max(10_000).default(200),
        /** A module's memory maximum in 64 KiB pages (default 16 MiB). */
        memoryMaxPages: z.int().min(1).max(16_384).default(256),
        /** Faults (trap, overrun, crash) after which a module is disabled until loaded again. */
        maxFaults: z.int().min(1).max(1_000).default(3),
        /** Events waiting per module before new ones are dropped for it (and counted). */
        maxQueuedEvents: z.int().min(1).max(1_000_000).default(10_000),
      })
      .prefault({}),
    /**
     * Append every BlockSource / UnblockSource to trust's audit log before it takes effect (a
     * change trust cannot log is refused). Off only for development without trust.
     */
    auditPolicyChanges: z.boolean().default(true),
    /** `host:port` of trust's gRPC endpoint for those appends; default: enrollment.trustAddress. */
    trustAddress: z.string().min(1).optional(),
    maxBatchEvents: z.int().positive().default(2_048),
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
