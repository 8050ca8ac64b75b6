// The log's write path: appends gathered into batches, placed in AUDIT in one total order, the tree
// advanced, and each append answered once a signed checkpoint covers it.
import { DeliverPolicy } from '@nats-io/jetstream';
import { hashLeaf, type CommitmentOpening, type LogTree } from '@omega/auditlog';
import { subjects } from '@omega/bus';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { LogCheckpoint } from './audit-checkpoint';
import type { AppendedBundle, AuditLogOptions, LeafMessages } from './audit-log-options';
import { indexAtSeq, lastSeqOn, nextLeavesOf, STREAM, type StoredLeaf } from './audit-stream';
import type { CheckpointChain } from './checkpoint-chain';
import type { DedupeIndex } from './dedupe-index';
import {
  isConflict,
  publishAtomicBatches,
  publishLeaves,
  publishPackedLeaves,
  type LeafTip,
} from './leaf-publishing';
import type { LogProofs } from './log-proofs';
import type { SkipReporter } from './skipped-messages';

const MAX_ATTEMPTS = 20;
/** Batches placed in the tree but still waiting for their checkpoint before the next is cut. */
const MAX_CERTIFYING = 1;

const PUBLISHERS = {
  packed: publishPackedLeaves,
  atomic: publishAtomicBatches,
  single: publishLeaves,
} as const;

/** An append checked and encoded, not queued yet. */
export interface PreparedAppend {
  readonly requestId: string;
  readonly leaf: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly opening?: CommitmentOpening;
}

interface PendingAppend extends PreparedAppend {
  index?: number;
  duplicate?: boolean;
  readonly followers: PendingAppend[];
  resolve(bundle: AppendedBundle): void;
  reject(err: unknown): void;
}

type BatcherOptions = Pick<
  AuditLogOptions,
  'bus' | 'origin' | 'logger' | 'metrics' | 'maxBatchEntries' | 'flushDelayMs'
> & { leafMessages: LeafMessages };

/** What the batcher writes to and answers from. */
export interface BatcherParts {
  readonly tree: LogTree;
  readonly checkpoints: CheckpointChain;
  readonly proofs: LogProofs;
  readonly dedupe: DedupeIndex;
  /** Stream sequence of the last leaf already in `tree`. */
  readonly leafSeq: number;
  /** Told of each message on omega.audit.leaves that is not part of the log (skipped-messages.ts). */
  readonly reportSkipped: SkipReporter;
}

/**
 * Leaves are JetStream messages on omega.audit.leaves (packed: consecutive leaves per message)
 * published with the expected last subject sequence, so concurrent writers (trust replicas) agree
 * on one order: a writer that loses the race re-reads the tail, advances its tree with the other
 * writer's leaves and retries. Appends wait in a batch; a batch is published, the tree advances,
 * and one checkpoint is signed for the whole batch before any append in it resolves. With packed
 * messages or atomic batches they are pipelined: batch N+1 is published (from the tree batch N
 * left) while batch N's checkpoint is signed and published and its proofs built; checkpoints still
 * go out in tree order.
 */
export class AppendBatcher {
  private readonly tree: LogTree;
  private readonly checkpoints: CheckpointChain;
  private readonly proofs: LogProofs;
  private readonly dedupe: DedupeIndex;
  /** Stream sequence of the last leaf in the tree: the leaf sequence its checkpoints name. */
  private leafSeq: number;
  /**
   * Stream sequence of the last message read on omega.audit.leaves, leaf or skipped junk: the
   * next publish expects it, and the next read starts after it.
   */
  private readSeq: number;
  private readonly reportSkipped: SkipReporter;
  /** Batches placed in the tree whose appends are waiting for their checkpoint. */
  private readonly certifying = new Set<Promise<void>>();
  private queue: PendingAppend[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly maxBatch: number;
  private readonly flushDelayMs: number;
  /** What the leaf publishers see of this log: where the next leaf goes, and how it grows. */
  private readonly tip: LeafTip;

  constructor(
    private readonly opts: BatcherOptions,
    parts: BatcherParts,
  ) {
    this.tree = parts.tree;
    this.checkpoints = parts.checkpoints;
    this.proofs = parts.proofs;
    this.dedupe = parts.dedupe;
    this.leafSeq = parts.leafSeq;
    this.readSeq = parts.leafSeq;
    this.reportSkipped = parts.reportSkipped;
    this.maxBatch = opts.maxBatchEntries ?? 1024;
    this.flushDelayMs = opts.flushDelayMs ?? 2;
    this.tip = {
      size: () => this.tree.size,
      leafSeq: () => this.readSeq,
      advance: (leaves) => this.advance(leaves),
    };
  }

  /** Stream sequence of the last message read on omega.audit.leaves. */
  get lastReadSeq(): number {
    return this.readSeq;
  }

  enqueue(prepared: PreparedAppend): Promise<AppendedBundle> {
    return new Promise<AppendedBundle>((resolve, reject) => {
      this.queue.push({ ...prepared, followers: [], resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Catches up with leaves other writers appended and signs a checkpoint for them. */
  refresh(): Promise<void> {
    return this.exclusive(async () => {
      if ((await this.syncTail()) > 0) await this.issueCheckpoint();
    });
  }

  /** Writes the batches already taken and waits for their checkpoints. */
  async close(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.exclusive(() => this.drainQueue());
    await Promise.all(this.certifying);
  }

  /** Issues a checkpoint of the tree as it is now (see CheckpointChain.issue). */
  issueCheckpoint(): Promise<LogCheckpoint> {
    return this.checkpoints.issue(this.tree, this.leafSeq);
  }

  /**
   * Reads every leaf message after the last one this process read, checks each and appends its
   * leaves; a message that cannot be the log's next leaves is skipped and reported, never appended.
   */
  async syncTail(): Promise<number> {
    const last = await lastSeqOn(this.opts.bus, subjects.auditLeaves);
    if (last <= this.readSeq) return 0;
    const consumer = await this.opts.bus.js.consumers.get(STREAM, {
      filter_subjects: [subjects.auditLeaves],
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.readSeq + 1,
    });
    const messages = await consumer.consume({ max_messages: 4096 });
    let chunk: StoredLeaf[] = [];
    let count = 0;
    let readThrough = this.readSeq;
    try {
      for await (const message of messages) {
        const leaves = nextLeavesOf(message, this.tree.size + chunk.length, this.reportSkipped);
        for (const leaf of leaves) chunk.push(leaf);
        readThrough = message.seq;
        if (chunk.length >= 8192) {
          count += chunk.length;
          this.advance(chunk);
          chunk = [];
        }
        if (message.seq >= last) break;
      }
    } finally {
      await messages.close();
    }
    count += chunk.length;
    this.advance(chunk);
    this.readSeq = Math.max(this.readSeq, readThrough);
    return count;
  }

  private scheduleFlush(): void {
    if (this.queue.length >= this.maxBatch) {
      if (this.flushTimer) clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      void this.exclusive(() => this.drainQueue());
    } else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        void this.exclusive(() => this.drainQueue());
      }, this.flushDelayMs);
    }
  }

  /** Runs `work` after every earlier batch: one writer per process. */
  private exclusive(work: () => Promise<void>): Promise<void> {
    const run = this.writing.then(work);
    this.writing = run.catch((err: unknown) => {
      this.opts.logger.error({ err }, `audit log: ${errorMessage(err)}`);
    });
    return run;
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length > 0) {
      // Group commit: while earlier batches wait for their checkpoints, appends gather into a
      // bigger batch instead of each few milliseconds' worth paying for a checkpoint (a hybrid
      // signature, tile writes) of its own.
      while (this.certifying.size >= MAX_CERTIFYING) await Promise.race(this.certifying);
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.commitBatch(batch);
      } catch (err) {
        const wrapped = OmegaError.wrap(err, 'audit log: append failed', Code.Unavailable);
        for (const pending of batch) {
          pending.reject(wrapped);
          for (const follower of pending.followers) follower.reject(wrapped);
        }
      }
    }
  }

  private async commitBatch(batch: PendingAppend[]): Promise<void> {
    this.opts.metrics?.batchSize.observe(batch.length);
    const leaders: PendingAppend[] = [];
    const byId = new Map<string, PendingAppend>();
    for (const pending of batch) {
      const first = byId.get(pending.requestId);
      if (first) first.followers.push(pending);
      else {
        byId.set(pending.requestId, pending);
        leaders.push(pending);
      }
    }
    for (const pending of leaders) {
      const known = this.dedupe.indexOf(pending.requestId);
      if (known !== undefined) {
        pending.index = known;
        pending.duplicate = true;
      }
    }
    const leafMessages = this.opts.leafMessages;
    let unplaced = leaders.filter((p) => p.index === undefined);
    for (let attempt = 1; unplaced.length > 0; attempt++) {
      const outcome = await PUBLISHERS[leafMessages](this.opts.bus, this.tip, unplaced);
      if (outcome.clean && leafMessages === 'single') {
        this.advance(
          unplaced.map((p, i) => ({
            leaf: p.leaf,
            leafHash: p.leafHash,
            requestId: p.requestId,
            seq: outcome.acks[i]!.seq,
          })),
        );
      } else if (!outcome.clean) {
        // Someone else's leaves, a duplicate or a lost ack: the stream is the truth, read it.
        await this.syncTail();
        for (const [pending, seq] of outcome.duplicates) {
          pending.index =
            this.dedupe.indexOf(pending.requestId) ?? (await indexAtSeq(this.opts.bus, seq));
          pending.duplicate = true;
        }
      }
      for (const pending of unplaced) {
        if (pending.index === undefined) {
          const index = this.dedupe.indexOf(pending.requestId);
          if (index !== undefined) {
            pending.index = index;
            // Another append with this id (another replica's, or before a restart) got there first.
            pending.duplicate = this.tree.indexOfLeafHash(pending.leafHash) !== index;
          }
        }
      }
      unplaced = unplaced.filter((p) => p.index === undefined);
      if (unplaced.length > 0 && attempt >= MAX_ATTEMPTS) {
        throw new OmegaError(
          Code.Unavailable,
          `could not place ${unplaced.length} entries in ${MAX_ATTEMPTS} attempts: ${errorMessage(outcome.error)}`,
        );
      }
      if (unplaced.length > 0 && outcome.error && !isConflict(outcome.error)) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 500)));
      }
    }
    const beyond = leaders.filter((p) => p.index! >= this.tree.size);
    if (beyond.length > 0) await this.syncTail();
    // The tree now holds the batch: the next batch may be published while this one is certified.
    const certified = this.certifyBatch(leaders, this.issueCheckpoint()).finally(() => {
      this.certifying.delete(certified);
    });
    this.certifying.add(certified);
    // Not one publish per leaf: those leaves chain expected sequences (first.seq + i), which
    // assumes nothing else lands in AUDIT between them, and a checkpoint published meanwhile
    // would (a later leaf would then pass with an index one too high).
    if (leafMessages === 'single') await certified;
  }

  /** Waits for the checkpoint covering `leaders`, then resolves them with their bundles. */
  private async certifyBatch(
    leaders: readonly PendingAppend[],
    issued: Promise<LogCheckpoint>,
  ): Promise<void> {
    let checkpoint: LogCheckpoint;
    try {
      checkpoint = await issued;
    } catch (err) {
      const wrapped = OmegaError.wrap(err, 'audit log: append failed', Code.Unavailable);
      for (const pending of leaders) {
        pending.reject(wrapped);
        for (const follower of pending.followers) follower.reject(wrapped);
      }
      return;
    }
    let proofs: Uint8Array[][];
    try {
      const own = leaders.filter((p) => !p.duplicate);
      proofs = await this.proofs.inclusionProofs(
        leaders.map((p) => p.index!),
        checkpoint,
        new Map(own.map((p) => [p.index!, p.leafHash])),
      );
    } catch (err) {
      for (const pending of leaders) {
        pending.reject(err);
        for (const follower of pending.followers) follower.reject(err);
      }
      return;
    }
    let resolved = 0;
    const duplicates: Promise<void>[] = [];
    leaders.forEach((pending, i) => {
      const settle = (entry: Uint8Array, leafHash: Uint8Array) => {
        resolved += 1 + pending.followers.length;
        const bundle = (each: PendingAppend): AppendedBundle => ({
          origin: this.opts.origin,
          index: pending.index!,
          entry,
          leafHash,
          inclusionProof: proofs[i]!,
          checkpoint: checkpoint.note,
          checkpointSize: checkpoint.size,
          ...(each.opening && !pending.duplicate ? { opening: each.opening } : {}),
        });
        pending.resolve(bundle(pending));
        for (const follower of pending.followers) follower.resolve(bundle(follower));
      };
      if (!pending.duplicate) return settle(pending.leaf, pending.leafHash);
      // A retry answers with the entry as first logged, which may differ from this attempt's.
      duplicates.push(
        this.proofs.readEntries(pending.index!, 1).then(
          (entries) => settle(entries[0]!, hashLeaf(entries[0]!)),
          (err: unknown) => {
            pending.reject(err);
            for (const follower of pending.followers) follower.reject(err);
          },
        ),
      );
    });
    await Promise.all(duplicates);
    this.opts.metrics?.appends.inc(resolved);
  }

  /** Appends stored leaves to the tree and remembers their request ids. */
  private advance(leaves: readonly StoredLeaf[]): void {
    if (leaves.length === 0) return;
    const start = this.tree.size;
    this.tree.append(leaves);
    const nowMs = Date.now();
    for (let i = 0; i < leaves.length; i++) {
      const requestId = leaves[i]!.requestId;
      if (requestId !== undefined) this.dedupe.remember(requestId, start + i, nowMs);
    }
    this.leafSeq = leaves[leaves.length - 1]!.seq;
    this.readSeq = Math.max(this.readSeq, this.leafSeq);
  }
}
