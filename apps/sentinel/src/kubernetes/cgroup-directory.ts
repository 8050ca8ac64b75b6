// cgroup v2 id → path: a cgroup's id (what bpf_get_current_cgroup_id returns) is the inode number of
// its directory in the cgroup2 mount. Learned by walking the mount, again on a miss at most once per
// `rescanIntervalMs`, so a burst of events from a new container costs one walk, not one per event.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupDirectoryOptions {
  /** Where cgroup2 is mounted (`/sys/fs/cgroup`; `/sys/fs/cgroup/unified` on hybrid hosts). */
  root: string;
  rescanIntervalMs?: number;
  /** Directories read per walk, at most (a bound on a pathological tree). */
  maxEntries?: number;
  nowMs?: () => number;
}

export class CgroupDirectory {
  private paths = new Map<bigint, string>();
  private lastScanMs = Number.NEGATIVE_INFINITY;
  private readonly rescanIntervalMs: number;
  private readonly maxEntries: number;
  private readonly nowMs: () => number;

  constructor(private readonly options: CgroupDirectoryOptions) {
    this.rescanIntervalMs = options.rescanIntervalMs ?? 1_000;
    this.maxEntries = options.maxEntries ?? 200_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** The cgroup's path relative to the mount ("/kubepods.slice/..."), or undefined if unknown. */
  pathOf(cgroupId: bigint): string | undefined {
    const known = this.paths.get(cgroupId);
    if (known !== undefined) return known;
    if (this.nowMs() - this.lastScanMs < this.rescanIntervalMs) return undefined;
    this.scan();
    return this.paths.get(cgroupId);
  }

  /** Walks the mount; cgroups that went away are forgotten. */
  scan(): void {
    this.lastScanMs = this.nowMs();
    const paths = new Map<bigint, string>();
    const pending: string[] = ['/'];
    while (pending.length > 0 && paths.size < this.maxEntries) {
      const relative = pending.pop() as string;
      const absolute = join(this.options.root, relative);
      try {
        paths.set(statSync(absolute, { bigint: true }).ino, relative);
        for (const entry of readdirSync(absolute, { withFileTypes: true })) {
          if (entry.isDirectory()) pending.push(join(relative, entry.name));
        }
      } catch {
        // removed while walking: it is simply not there any more
      }
    }
    this.paths = paths;
  }
}
