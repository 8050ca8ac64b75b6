// The log's checkpoints in tree order: each one persists its tree's tiles, then is signed and
// published after every checkpoint issued before it.
import type { LogTree } from '@omega/auditlog';
import { Code, OmegaError } from '@omega/runtime';
import { signAndPublishCheckpoint, type LogCheckpoint } from './audit-checkpoint';
import type { AuditLogOptions } from './audit-log-options';

type ChainOptions = Pick<
  AuditLogOptions,
  'bus' | 'origin' | 'signers' | 'publicKey' | 'tiles' | 'metrics'
> & {
  nowNs: () => bigint;
  /** Told of every checkpoint this chain signed, in tree order (trust's own record of it). */
  onSigned?: (checkpoint: LogCheckpoint) => void;
};

/** Checkpoints remembered by size for `at` (the newest). */
const REMEMBERED_CHECKPOINTS = 100_000;

/**
 * Issues checkpoints of a growing tree. `issue` snapshots the tree synchronously, so the next batch
 * may advance it while this checkpoint is on its way; a checkpoint never goes out before an
 * earlier one, and none goes out after an earlier one failed (it would lack that one's tiles).
 */
export class CheckpointChain {
  private latestCheckpoint: LogCheckpoint;
  /** The newest checkpoint issued (signed and published, or on its way), and its size. */
  private issued: Promise<LogCheckpoint>;
  private issuedSize: number;
  private failures = 0;
  private readonly bySize = new Map<number, LogCheckpoint>();

  constructor(
    private readonly opts: ChainOptions,
    latest: LogCheckpoint,
  ) {
    this.latestCheckpoint = latest;
    this.observe(latest);
    this.issued = Promise.resolve(latest);
    this.issuedSize = latest.size;
    this.bySize.set(latest.size, latest);
  }

  /** The newest signed checkpoint. */
  get latest(): LogCheckpoint {
    return this.latestCheckpoint;
  }

  /** A checkpoint this process signed or loaded at exactly `size`, if any. */
  at(size: number): LogCheckpoint | undefined {
    return this.bySize.get(size);
  }

  /**
   * Takes `tree` as it is now, then (after the checkpoints issued before it) persists its touched
   * tiles and bundles and signs and publishes its checkpoint, naming `leafSeq` as the stream
   * sequence of the last leaf it covers.
   */
  issue(tree: LogTree, leafSeq: number): Promise<LogCheckpoint> {
    if (this.issuedSize === tree.size && !tree.hasTileWrites) return this.issued;
    const writes = tree.takeWrites();
    const head = { size: tree.size, rootHash: tree.root(), leafSeq };
    const previous = this.issued;
    const failuresBefore = this.failures;
    this.issuedSize = head.size;
    this.issued = (async () => {
      // In tree order: a later checkpoint never goes out before an earlier one.
      await previous.catch(() => undefined);
      const endTimer = this.opts.metrics?.checkpointSeconds.startTimer();
      let checkpoint: LogCheckpoint;
      try {
        if (this.failures !== failuresBefore) {
          // An earlier checkpoint failed after this snapshot: this one lacks its tiles.
          throw new OmegaError(
            Code.Unavailable,
            `audit log: checkpoint at size ${head.size} dropped: an earlier checkpoint failed`,
          );
        }
        await this.opts.tiles.write(writes.tiles, writes.bundles);
        checkpoint = await signAndPublishCheckpoint(this.opts, {
          ...head,
          timeNs: this.opts.nowNs(),
        });
      } catch (err) {
        this.failures++;
        // Its tiles and bundles go out with the next checkpoint unless newer ones did.
        tree.restoreWrites(writes);
        if (this.issuedSize === head.size) this.issuedSize = -1;
        throw err;
      }
      this.latestCheckpoint = checkpoint;
      this.opts.onSigned?.(checkpoint);
      endTimer?.();
      this.observe(checkpoint);
      this.bySize.set(checkpoint.size, checkpoint);
      if (this.bySize.size > REMEMBERED_CHECKPOINTS) {
        this.bySize.delete(this.bySize.keys().next().value!);
      }
      return checkpoint;
    })();
    return this.issued;
  }

  private observe(checkpoint: LogCheckpoint): void {
    this.opts.metrics?.entries.set(checkpoint.size);
    this.opts.metrics?.checkpointTimestamp.set(Number(checkpoint.timeNs / 1_000_000n) / 1000);
  }
}
