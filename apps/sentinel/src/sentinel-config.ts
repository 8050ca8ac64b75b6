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

/**
 * What file integrity monitoring baselines by default: accounts and their secrets, sudo, sshd and
 * PAM, the dynamic linker's preload and search paths, cron, systemd units, static pods, root's keys.
 */
export const DEFAULT_INTEGRITY_PATHS: readonly string[] = [
  '/etc/passwd',
  '/etc/shadow',
  '/etc/group',
  '/etc/gshadow',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/ssh/sshd_config',
  '/etc/ssh/sshd_config.d',
  '/etc/pam.d',
  '/etc/ld.so.preload',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/crontab',
  '/etc/cron.d',
  '/etc/systemd/system',
  '/etc/kubernetes/manifests',
  '/root/.ssh',
  '/var/spool/cron',
];

const absolutePath = z
  .string()
  .max(255)
  .regex(/^\/\S*$/, 'an absolute path without spaces');

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
              /** Symlinks and `..` are resolved at start (docs/sentinel-telemetry.md). */
              path: absolutePath,
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
    /**
     * File integrity monitoring (docs/sentinel-telemetry.md): a baseline of these paths (a
     * directory: what is below it, to maxDepth), checked again on the kernel's file events under
     * `files.prefixes` and on a rescan; a change is reported with before and after.
     */
    integrity: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Files or directories; symlinks and `..` are resolved at start. */
        paths: z
          .array(absolutePath)
          .max(256)
          .default([...DEFAULT_INTEGRITY_PATHS]),
        maxFiles: z.int().positive().max(1_000_000).default(10_000),
        /** A larger file is tracked by size, mode, owner and times, not hashed. */
        maxFileBytes: z
          .int()
          .positive()
          .default(16 * 1024 * 1024),
        maxDepth: z.int().min(0).max(32).default(4),
        rescanIntervalMs: z.int().positive().default(300_000),
        /** One rescan hashes for at most this long; the next resumes where it stopped. */
        scanBudgetMs: z.int().positive().default(10_000),
        /** At most one change report per path per interval; changes in between are folded. */
        reportIntervalMs: z.int().positive().default(10_000),
        /** A kernel file event's path is read this long after it (the write follows the create). */
        settleMs: z.int().min(0).max(10_000).default(200),
      })
      .prefault({}),
    /**
     * In-kernel enforcement (docs/sentinel-telemetry.md, "Enforcement"), off by default: each
     * policy names an exec (of a file under `path`, or of a memory-backed file) that the kernel
     * kills with SIGKILL before the new program runs (`mode: enforce`) or only reports
     * (`dry-run`). Every match is a Process Activity ENFORCEMENT event. At most 16.
     */
    enforcement: z
      .strictObject({
        policies: z
          .array(
            z
              .strictObject({
                /** Carried by the events, e.g. the id of the Sigma rule it enforces. */
                id: z
                  .string()
                  .min(1)
                  .max(128)
                  .regex(/^[\w.:-]+$/, 'letters, digits, _ . : -'),
                match: z.enum(['exec', 'memfd-exec']),
                /** exec: the executed file's path is this or below it (symlinks and `..` resolved at start). */
                path: absolutePath.optional(),
                action: z.literal('sigkill').default('sigkill'),
                mode: z.enum(['enforce', 'dry-run']).default('dry-run'),
              })
              .refine((p) => (p.match === 'exec') === (p.path !== undefined), {
                message: 'exec needs a path; memfd-exec takes none',
                path: ['path'],
              }),
          )
          .max(16)
          .default([])
          .refine((list) => new Set(list.map((p) => p.id)).size === list.length, {
            message: 'policy ids must be unique',
          }),
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
