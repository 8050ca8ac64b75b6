// File integrity monitoring (docs/sentinel-telemetry.md, "File integrity monitoring"): a baseline
// of the configured paths (SHA-256, size, mode, owner), checked again when the kernel reports a
// file operation under them and on a periodic rescan. A change is reported with the baseline and
// the state now, at most once per path per report interval: changes in between are folded into
// one report at the interval's end. Bounded: files tracked, bytes hashed per file, directory
// depth, files waiting for a check, and the time one rescan may spend.
import { readdir } from 'node:fs/promises';
import { posix } from 'node:path';
import { errorMessage, type Logger } from '@omega/runtime';
import { readFileState, stateChanges, type FileState } from './file-state';

export interface IntegrityLimits {
  /** Files (and directories) in the baseline; new ones past it are counted, not tracked. */
  readonly maxFiles: number;
  /** A larger file is tracked by size, mode, owner and times, not hashed. */
  readonly maxFileBytes: number;
  /** How deep below a configured directory files are tracked. */
  readonly maxDepth: number;
  readonly rescanIntervalMs: number;
  /** One rescan stops after this long; the next one resumes where it stopped. */
  readonly scanBudgetMs: number;
  /** At most one report per path per interval. */
  readonly reportIntervalMs: number;
  /** How long after a kernel file event the path is read (a create is reported before the write). */
  readonly settleMs: number;
}

export interface IntegrityChange<Cause> {
  readonly path: string;
  /** The baseline; absent for a file that appeared. */
  readonly before?: FileState;
  /** The file now; absent for a file that went. */
  readonly after?: FileState;
  readonly changes: string[];
  /** Changes seen since the last report and folded into this one. */
  readonly coalesced: number;
  readonly trigger: 'kernel' | 'rescan';
  /** The kernel event that led to the check (the latest one, for a folded report). */
  readonly cause?: Cause;
}

export interface IntegrityCounts {
  files: number;
  unhashed: number;
  reported: number;
  coalesced: number;
  /** New files not tracked because maxFiles were. */
  overLimit: number;
  /** Kernel events dropped because maxFiles paths were already waiting for a check. */
  droppedEvents: number;
  /** Rescans that ran out of scanBudgetMs. */
  truncatedScans: number;
}

export interface IntegrityMonitorOptions<Cause> extends IntegrityLimits {
  /** Absolute, already resolved (watched-paths.ts): files, or directories tracked below. */
  readonly paths: readonly string[];
  report(change: IntegrityChange<Cause>): void;
  readonly logger: Logger;
  readonly now?: () => number;
}

interface Held<Cause> {
  count: number;
  cause: Cause | undefined;
}

export class IntegrityMonitor<Cause> {
  readonly initialized: Promise<void>;
  private readonly roots: string[];
  private readonly baseline = new Map<string, FileState>();
  private readonly lastReportMs = new Map<string, number>();
  private readonly held = new Map<string, Held<Cause>>();
  private readonly dirty = new Map<string, Cause | undefined>();
  private readonly counts_: IntegrityCounts = {
    files: 0,
    unhashed: 0,
    reported: 0,
    coalesced: 0,
    overLimit: 0,
    droppedEvents: 0,
    truncatedScans: 0,
  };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly now: () => number;
  private serial: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private rescanCursor = '';
  private rescanning = false;
  private stopped = false;

  constructor(private readonly options: IntegrityMonitorOptions<Cause>) {
    this.now = options.now ?? Date.now;
    this.roots = [
      ...new Set(options.paths.map((p) => posix.normalize(p).replace(/(.)\/+$/, '$1'))),
    ];
    this.initialized = this.serially(() => this.buildBaseline());
    this.rescanTimer = setInterval(() => void this.rescan(), options.rescanIntervalMs);
    this.rescanTimer.unref();
  }

  /** True when `path` (absolute) is a configured path or below one, within maxDepth. */
  covers(path: string): boolean {
    for (const root of this.roots) {
      if (path === root) return true;
      const prefix = root === '/' ? '/' : `${root}/`;
      if (
        path.startsWith(prefix) &&
        path.slice(prefix.length).split('/').length <= this.options.maxDepth
      )
        return true;
    }
    return false;
  }

  /** The kernel reported a file operation on these paths (a rename: both): check them soon. */
  onFileOperation(paths: readonly string[], cause: Cause): void {
    if (this.stopped) return;
    for (const raw of paths) {
      if (!raw.startsWith('/')) continue;
      const path = posix.normalize(raw);
      if (!this.covers(path)) continue;
      this.markDirty(path, cause);
      // a directory renamed or removed takes what is under it along
      if (this.baseline.get(path)?.kind === 'directory')
        for (const known of this.baseline.keys())
          if (known.startsWith(`${path}/`)) this.markDirty(known, cause);
    }
    if (this.dirty.size > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        const batch = [...this.dirty];
        this.dirty.clear();
        for (const [path, c] of batch) void this.serially(() => this.check(path, 'kernel', c));
      }, this.options.settleMs);
      this.flushTimer.unref();
    }
  }

  /** Walks the configured paths and compares each file with its baseline (also on a timer). */
  async rescan(): Promise<void> {
    if (this.rescanning || this.stopped) return;
    this.rescanning = true;
    try {
      const { paths, complete } = await this.walk();
      const started = this.now();
      const order = paths.sort();
      const from = order.findIndex((p) => p > this.rescanCursor);
      const queue = from > 0 ? [...order.slice(from), ...order.slice(0, from)] : order;
      this.rescanCursor = '';
      for (const path of queue) {
        if (this.stopped) return;
        if (this.now() - started > this.options.scanBudgetMs) {
          this.counts_.truncatedScans++;
          this.rescanCursor = path;
          this.options.logger.warn(
            { path },
            `integrity rescan stopped after ${this.options.scanBudgetMs} ms (sentinel.integrity.scanBudgetMs); the next one resumes at ${path}`,
          );
          return;
        }
        await this.serially(() => this.check(path, 'rescan', undefined));
      }
      if (complete) {
        const present = new Set(order);
        for (const known of [...this.baseline.keys()])
          if (!present.has(known))
            await this.serially(() => this.check(known, 'rescan', undefined));
      }
      for (const [path, at] of this.lastReportMs)
        if (this.now() - at >= this.options.reportIntervalMs && !this.held.has(path))
          this.lastReportMs.delete(path);
    } finally {
      this.rescanning = false;
    }
  }

  counts(): IntegrityCounts {
    let unhashed = 0;
    for (const s of this.baseline.values()) if (!s.sha256 && s.kind !== 'directory') unhashed++;
    return { ...this.counts_, files: this.baseline.size, unhashed };
  }

  /** The baseline of one path (tests and GetStatus). */
  baselineOf(path: string): FileState | undefined {
    return this.baseline.get(path);
  }

  /** Resolves once every check queued so far has run. */
  async idle(): Promise<void> {
    await this.serial;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.rescanTimer);
    clearTimeout(this.flushTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private markDirty(path: string, cause: Cause): void {
    if (!this.dirty.has(path) && this.dirty.size >= this.options.maxFiles) {
      this.counts_.droppedEvents++;
      return;
    }
    this.dirty.set(path, cause);
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.serial.then(work).catch((err: unknown) => {
      this.options.logger.error({ err }, `integrity check: ${errorMessage(err)}`);
    });
    this.serial = next;
    return next;
  }

  private async buildBaseline(): Promise<void> {
    const { paths, complete } = await this.walk();
    for (const path of paths) {
      if (this.stopped) return;
      const state = await readFileState(path, this.options.maxFileBytes);
      if (state) this.baseline.set(path, state);
    }
    const { files, unhashed } = this.counts();
    this.options.logger.info(
      { files, unhashed, complete },
      `integrity baseline: ${files} paths under ${this.roots.length} configured, ${unhashed} not hashed${complete ? '' : ` (stopped at sentinel.integrity.maxFiles ${this.options.maxFiles})`}`,
    );
  }

  /** The configured paths and what is below them, breadth first, at most maxFiles. */
  private async walk(): Promise<{ paths: string[]; complete: boolean }> {
    const found: string[] = [];
    const seen = new Set<string>();
    const { maxFiles, maxDepth } = this.options;
    const add = (p: string): boolean => {
      if (seen.has(p)) return true;
      if (found.length >= maxFiles) return false;
      seen.add(p);
      found.push(p);
      return true;
    };
    for (const root of this.roots) {
      if (!add(root)) return { paths: found, complete: false };
      let level = [root];
      for (let depth = 1; depth <= maxDepth && level.length > 0; depth++) {
        const next: string[] = [];
        for (const dir of level) {
          const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
          for (const entry of entries) {
            const child = dir === '/' ? `/${entry.name}` : `${dir}/${entry.name}`;
            if (!add(child)) return { paths: found, complete: false };
            if (entry.isDirectory()) next.push(child); // a symlink to a directory is not walked
          }
        }
        level = next;
      }
    }
    return { paths: found, complete: true };
  }

  private async check(
    path: string,
    trigger: 'kernel' | 'rescan',
    cause: Cause | undefined,
  ): Promise<void> {
    if (this.stopped) return;
    const before = this.baseline.get(path);
    // the kernel said something happened: read it all; the rescan trusts unchanged inode and times
    const after = await readFileState(
      path,
      this.options.maxFileBytes,
      trigger === 'rescan' ? before : undefined,
    );
    const changes = stateChanges(before, after);
    if (changes.length === 0) return;
    if (!before && this.baseline.size >= this.options.maxFiles) {
      this.counts_.overLimit++;
      return;
    }
    const last = this.lastReportMs.get(path);
    const now = this.now();
    if (last !== undefined && now - last < this.options.reportIntervalMs) {
      const held = this.held.get(path);
      if (held) {
        held.count++;
        held.cause = cause ?? held.cause;
        return;
      }
      this.held.set(path, { count: 1, cause });
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          void this.serially(() => this.releaseHeld(path));
        },
        last + this.options.reportIntervalMs - now,
      );
      timer.unref();
      this.timers.add(timer);
      return;
    }
    this.emit({ path, before, after, changes, coalesced: 0, trigger, cause });
  }

  /** The end of a path's report interval: one report for what was held back, if still changed. */
  private async releaseHeld(path: string): Promise<void> {
    const held = this.held.get(path);
    this.held.delete(path);
    if (!held || this.stopped) return;
    const before = this.baseline.get(path);
    const after = await readFileState(path, this.options.maxFileBytes);
    const changes = stateChanges(before, after);
    if (changes.length === 0) return; // changed back: nothing differs from what was reported
    const trigger = held.cause === undefined ? 'rescan' : 'kernel';
    this.emit({
      path,
      before,
      after,
      changes,
      coalesced: held.count,
      trigger,
      ...(held.cause === undefined ? {} : { cause: held.cause }),
    });
  }

  private emit(change: {
    path: string;
    before: FileState | undefined;
    after: FileState | undefined;
    changes: string[];
    coalesced: number;
    trigger: 'kernel' | 'rescan';
    cause?: Cause | undefined;
  }): void {
    if (change.after) this.baseline.set(change.path, change.after);
    else this.baseline.delete(change.path);
    this.lastReportMs.set(change.path, this.now());
    this.counts_.reported++;
    this.counts_.coalesced += change.coalesced;
    const { before, after, cause, ...rest } = change;
    this.options.report({
      ...rest,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      ...(cause === undefined ? {} : { cause }),
    });
  }
}
