// The Merkle audit log: one total order in JetStream, batched appends, tiles, signed checkpoints.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  COMMITTED_ENTRY_TYPE,
  commitToEntry,
  CompactRange,
  hashLeaf,
  LogTree,
  MAX_ENTRY_BYTES,
  signCheckpoint,
  type CommitmentOpening,
} from '@omega/auditlog';
import { AuditEntry, encodeMessage } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { AppendBatcher, type PreparedAppend } from './append-batcher';
import type { LogCheckpoint } from './audit-checkpoint';
import type {
  AppendedBundle,
  AppendOptions,
  AuditLogOptions,
  LeafMessages,
  RestoreReport,
} from './audit-log-options';
import { restoreFromTiles } from './audit-restore';
import { requireAuditStreamIntact } from './audit-stream';
import { CheckpointChain } from './checkpoint-chain';
import { findRestoreCheckpoint } from './checkpoint-scan';
import { DedupeIndex } from './dedupe-index';
import { enableAtomicBatches } from './leaf-publishing';
import { LogProofs } from './log-proofs';
import { checkExtendsSignedHead, readSignedHead, SignedHeadRecorder } from './signed-head-record';
import { skipReporter } from './skipped-messages';

export { MAX_ENTRY_BYTES } from '@omega/auditlog';
export { INDEX_HEADER, LEAF_SEQ_HEADER, LEAVES_HEADER, REQUEST_ID_HEADER } from './audit-stream';
export type { LogCheckpoint } from './audit-checkpoint';
export type {
  AppendedBundle,
  AppendOptions,
  AuditLogOptions,
  LeafMessages,
  RestoreReport,
} from './audit-log-options';

/** Longest request id: ids travel in every leaf message and the de-duplication index. */
export const MAX_REQUEST_ID_LENGTH = 256;

/**
 * The log, as trust's handlers see it: appends (AppendBatcher), proofs and entries of signed trees
 * (LogProofs), checkpoints in tree order (CheckpointChain), all over one LogTree.
 */
export class AuditLog {
  private closed = false;
  private recorder: SignedHeadRecorder | undefined;

  private constructor(
    private readonly opts: AuditLogOptions,
    private readonly leafMessages: LeafMessages,
    private readonly tree: LogTree,
    private readonly checkpoints: CheckpointChain,
    private readonly proofs: LogProofs,
    private readonly batcher: AppendBatcher,
    private restoredAs: RestoreReport,
  ) {}

  /**
   * Refuses a weakened AUDIT stream; loads the newest valid checkpoint from the stream (junk after
   * it skipped and reported) and the tree's right edge from tiles (no rehash), then re-verifies and appends the leaves published after it and signs a checkpoint for them.
   */
  static async open(opts: AuditLogOptions): Promise<AuditLog> {
    await requireAuditStreamIntact(opts.bus);
    const reportSkipped = skipReporter(opts.logger, opts.metrics);
    const recorded = opts.signedHeadFile
      ? await readSignedHead(opts.signedHeadFile, opts.policy)
      : undefined;
    const stored = await findRestoreCheckpoint(opts, recorded?.size, reportSkipped);
    let state = stored ? await restoreFromTiles(opts, stored) : undefined;
    const rebuiltFromEntries = stored !== undefined && state === undefined;
    const leafMessages = opts.leafMessages ?? 'packed';
    const tree = new LogTree(state, opts.leafHashIndexSize);
    const recorder = opts.signedHeadFile
      ? new SignedHeadRecorder(opts.signedHeadFile, opts.logger)
      : undefined;
    const checkpoints = new CheckpointChain(
      {
        ...opts,
        nowNs: opts.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n),
        ...(recorder ? { onSigned: (checkpoint) => recorder.record(checkpoint) } : {}),
      },
      state?.latest ?? {
        size: 0,
        rootHash: new CompactRange().root(),
        note: await signCheckpoint(
          { origin: opts.origin, size: 0, rootHash: new CompactRange().root() },
          opts.signers,
        ),
        timeNs: 0n,
      },
    );
    const proofs = new LogProofs(opts.tiles, checkpoints);
    if (opts.signedHeadFile && recorded) {
      // Before anything new is signed: the stream must extend what this trust signed before.
      const latest = checkpoints.latest;
      await checkExtendsSignedHead(
        recorded,
        stored?.size ?? 0,
        async (size) =>
          size === latest.size
            ? latest.rootHash
            : state
              ? proofs.rootAt(size)
              : // Tiles are missing: the tree is rebuilt from entries below and checked
                // against the stored checkpoint, which the size check already held to this one.
                recorded.rootHash,
        { origin: opts.origin, path: opts.signedHeadFile },
      );
    }
    const dedupe = new DedupeIndex();
    const batcher = new AppendBatcher(
      { ...opts, leafMessages },
      { tree, checkpoints, proofs, dedupe, leafSeq: state?.leafSeq ?? 0, reportSkipped },
    );
    const log = new AuditLog(opts, leafMessages, tree, checkpoints, proofs, batcher, {
      checkpointSize: 0,
      rebuiltFromEntries,
      replayedEntries: 0,
    });
    state = undefined;
    if (leafMessages === 'atomic') await enableAtomicBatches(opts.bus);
    // Packed messages and atomic batches carry no Nats-Msg-Id per leaf, so the log itself
    // recognises retries: it re-reads the ids of the window's leaves.
    if (leafMessages !== 'single' && stored) {
      await dedupe.rememberRecent(opts.bus, stored.leafSeq);
    }
    const replayed = await batcher.syncTail();
    if (replayed > 0) await batcher.issueCheckpoint();
    if (rebuiltFromEntries && stored) {
      // The tree was rehashed from entries: it must reproduce the checkpoint that was handed out.
      const root = stored.size <= log.size ? await proofs.rootAt(stored.size) : undefined;
      if (!root || Buffer.compare(root, stored.rootHash) !== 0) {
        throw new OmegaError(
          Code.DataLoss,
          `audit log ${opts.origin}: its entries do not reproduce its last checkpoint (size ${stored.size})`,
        );
      }
    }
    log.recorder = recorder;
    recorder?.record(checkpoints.latest);
    log.restoredAs = {
      checkpointSize: stored?.size ?? 0,
      rebuiltFromEntries,
      replayedEntries: replayed,
    };
    opts.logger.info(
      { origin: opts.origin, size: log.size, leafMessages, ...log.restored },
      'audit log opened',
    );
    return log;
  }

  get size(): number {
    return this.tree.size;
  }

  /** How this log came back at start-up. */
  get restored(): RestoreReport {
    return this.restoredAs;
  }

  get origin(): string {
    return this.opts.origin;
  }

  /** The newest signed checkpoint. */
  get latestCheckpoint(): LogCheckpoint {
    return this.checkpoints.latest;
  }

  /** A checkpoint this process signed or loaded at exactly `size`, if any. */
  checkpointAt(size: number): LogCheckpoint | undefined {
    return this.checkpoints.at(size);
  }

  /**
   * Appends `entry` and resolves once a signed checkpoint covers it, with its offline bundle.
   * A retry with the same requestId resolves with the first append's index.
   */
  append(entry: AuditEntry, options: AppendOptions = {}): Promise<AppendedBundle> {
    let prepared: PreparedAppend;
    try {
      prepared = this.prepare(entry, options);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.batcher.enqueue(prepared);
  }

  /**
   * Appends several entries, each as `append` would. All of them are checked before any is
   * queued: one that cannot be logged rejects the call, naming its position, and queues nothing.
   */
  appendAll(
    appends: ReadonlyArray<{ entry: AuditEntry; options?: AppendOptions }>,
  ): Promise<AppendedBundle[]> {
    let prepared: PreparedAppend[];
    try {
      prepared = appends.map(({ entry, options }, i) => {
        try {
          return this.prepare(entry, options ?? {});
        } catch (err) {
          throw new OmegaError(Code.InvalidArgument, `appends[${i}]: ${errorMessage(err)}`, {
            cause: err,
          });
        }
      });
    } catch (err) {
      return Promise.reject(err);
    }
    return Promise.all(prepared.map((p) => this.batcher.enqueue(p)));
  }

  /** The inclusion proof of `index` in the tree of `size` leaves (default: the latest checkpoint). */
  inclusionProof(index: number, size?: number): Promise<Uint8Array[]> {
    return this.proofs.inclusionProof(index, size);
  }

  /** The consistency proof from size1 to size2 (default: the latest checkpoint). */
  consistencyProof(size1: number, size2?: number): Promise<Uint8Array[]> {
    return this.proofs.consistencyProof(size1, size2);
  }

  /** Entries [start, start + count) as logged (encoded AuditEntry), clipped to the checkpoint. */
  readEntries(start: number, count: number): Promise<Uint8Array[]> {
    return this.proofs.readEntries(start, count);
  }

  /**
   * Like readEntries, each entry checked with its inclusion proof against the latest checkpoint's
   * signed root; DataLoss names the first entry that does not verify.
   */
  readVerifiedEntries(
    start: number,
    count: number,
  ): Promise<{ entries: Uint8Array[]; checkpoint: LogCheckpoint }> {
    return this.proofs.readVerifiedEntries(start, count);
  }

  /**
   * The index of a leaf seen by this process (appended or synced since start), among the newest
   * `leafHashIndexSize`: the index stays bounded however long trust runs.
   */
  indexOfLeafHash(leafHash: Uint8Array): number | undefined {
    return this.tree.indexOfLeafHash(leafHash);
  }

  /**
   * Catches up with leaves other replicas appended and signs a checkpoint for them; the trust
   * service calls it when another replica's checkpoint arrives.
   */
  refresh(leafSeq = Infinity): Promise<void> {
    if (leafSeq <= this.batcher.lastReadSeq) return Promise.resolve();
    return this.batcher.refresh();
  }

  /** Stops taking appends and waits for the batches already taken. */
  async close(): Promise<void> {
    this.closed = true;
    await this.batcher.close();
    await this.recorder?.flush();
  }

  /** The leaf an append logs, checked against the limits. */
  private prepare(entry: AuditEntry, options: AppendOptions): PreparedAppend {
    if (this.closed) throw new OmegaError(Code.Unavailable, 'audit log: closed');
    if ((options.requestId?.length ?? 0) > MAX_REQUEST_ID_LENGTH) {
      throw new OmegaError(
        Code.InvalidArgument,
        `audit log: request id is ${options.requestId!.length} characters, above the limit of ${MAX_REQUEST_ID_LENGTH}`,
      );
    }
    let leaf: Uint8Array = encodeMessage(AuditEntry, entry);
    let opening: CommitmentOpening | undefined;
    if (options.commit) {
      opening = { salt: new Uint8Array(randomBytes(32)), body: leaf };
      leaf = AuditEntry.encode(
        AuditEntry.fromPartial({
          kind: entry.kind,
          timeNs: entry.timeNs,
          payloadType: COMMITTED_ENTRY_TYPE,
          payload: Buffer.from(commitToEntry(opening)),
        }),
      ).finish();
    }
    if (leaf.byteLength > MAX_ENTRY_BYTES) {
      throw new OmegaError(
        Code.InvalidArgument,
        `audit log: entry is ${leaf.byteLength} bytes encoded, above the limit of ${MAX_ENTRY_BYTES}`,
      );
    }
    return {
      requestId: options.requestId || `auto-${randomUUID()}`,
      leaf,
      leafHash: hashLeaf(leaf),
      ...(opening ? { opening } : {}),
    };
  }
}
