// The last object changes a graph applied, by version: a reader that keeps state derived from some
// of the objects (the implicit network's matrices) catches up change by change instead of comparing
// every object the graph holds.
import type { KubeObject } from './kube-objects';

export interface LoggedChange {
  /** The graph version the change made. */
  readonly version: number;
  /** undefined: the object was added. */
  readonly before: KubeObject | undefined;
  /** undefined: the object was deleted. */
  readonly after: KubeObject | undefined;
}

/** Changes kept at least; a reader further behind than this starts over. */
export const OBJECT_LOG_KEPT = 1024;

export class ObjectLog {
  private entries: LoggedChange[] = [];
  /** Changes up to this version may have been dropped. */
  private floor = 0;

  record(change: LoggedChange): void {
    this.entries.push(change);
    if (this.entries.length > 2 * OBJECT_LOG_KEPT) {
      const dropped = this.entries.length - OBJECT_LOG_KEPT;
      this.floor = this.entries[dropped - 1]!.version;
      this.entries = this.entries.slice(dropped);
    }
  }

  /** The changes after `version`, oldest first, or undefined when some were dropped. */
  since(version: number): readonly LoggedChange[] | undefined {
    if (version < this.floor) return undefined;
    let at = this.entries.length;
    while (at > 0 && this.entries[at - 1]!.version > version) at--;
    return this.entries.slice(at);
  }

  clone(): ObjectLog {
    const copy = new ObjectLog();
    copy.entries = this.entries.slice();
    copy.floor = this.floor;
    return copy;
  }
}
