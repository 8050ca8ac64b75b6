// The Merkle audit log: one total order in JetStream, batched appends, tiles, signed checkpoints.
import { randomBytes, randomUUID } from 'node:crypto';
import { DeliverPolicy } from '@nats-io/jetstream';
import {
  BatchInclusionPlan,
  buildConsistencyProof,
  buildInclusionProof,
  COMMITTED_ENTRY_TYPE,
  commitToEntry,
  CompactRange,
  compactRangeNodes,
  consistencyProofPlan,
  decodeEntryBundle,
  encodeEntryBundle,
  entryBundlePath,
  hashLeaf,
  inclusionProofPlan,
  signCheckpoint,
  TILE_WIDTH,
  TileBuilder,
  TileHashReader,
  TileNodeCache,
  type AuditBundle,
  type CheckpointPolicy,
  type CommitmentOpening,
  type NodeId,
  type NoteSigner,
  type Tile,
} from '@omega/auditlog';
import { subjects, type Bus } from '@omega/bus';
import { AuditEntry, encodeMessage, type HybridPublicKey } from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { AuditLogMetrics } from '../trust-metrics';
import {
  lastStoredCheckpoint,
  signAndPublishCheckpoint,
  type LogCheckpoint,
} from './audit-checkpoint';
import { restoreFromTiles } from './audit-restore';
import { indexAtSeq, lastSeqOn, leavesOfMessage, STREAM, type StoredLeaf } from './audit-stream';
import { DedupeIndex } from './dedupe-index';
import {
  enableAtomicBatches,
  isConflict,
  publishAtomicBatches,
  publishLeaves,
  publishPackedLeaves,
  type LeafTip,
} from './leaf-publishing';
import { tilesHolding, type EntryBundle, type TileStore } from './tile-store';

export { INDEX_HEADER, LEAF_SEQ_HEADER, LEAVES_HEADER, REQUEST_ID_HEADER } from './audit-stream';
export type { LogCheckpoint } from './audit-checkpoint';

/** Largest encoded entry: 256 of them must fit one entry bundle in a 1 MiB KV value. */
export const MAX_ENTRY_BYTES = 4000;
const MAX_ATTEMPTS = 20;
/** Batches placed in the tree but still waiting for their checkpoint before the next is cut. */
const MAX_CERTIFYING = 1;

const PUBLISHERS = {
  packed: publishPackedLeaves,
  atomic: publishAtomicBatches,
  single: publishLeaves,
} as const;

export interface AuditLogOptions {
  bus: Bus;
  /** Checkpoint origin line, also the note key name, e.g. `omega.local/audit`. */
  origin: string;
  /** Ed25519 then ML-DSA-65 note signers of the `log` key (see logNoteSigners). */
  signers: readonly NoteSigner[];
  /** The same key's verification policy: restart checks the stored checkpoint with it. */
  policy: CheckpointPolicy;
  /** The `log` key's public half: its key id goes into checkpoint messages. */
  publicKey: HybridPublicKey;
  tiles: TileStore;
  logger: Logger;
  /** Flush a batch at this many entries (default 1024). */
  maxBatchEntries?: number;
  /** Or this long after the first entry of a batch arrived (default 2 ms). */
  flushDelayMs?: number;
  /** Wall clock in nanoseconds, for checkpoint times. */
  nowNs?: () => bigint;
  /**
   * How a batch's leaves go into AUDIT: `packed` (default) as few messages as possible, each
   * holding consecutive leaves; `atomic` as JetStream atomic batches of one message per leaf
   * (nats-server 2.12+, enables `allow_atomic` on AUDIT); `single` as one acknowledged publish
   * per leaf with Nats-Msg-Id. Every writer reads all three, so replicas may differ.
   */
  leafMessages?: LeafMessages;
  /** Appends, batch sizes and checkpoint durations (trust-metrics.ts). */
  metrics?: AuditLogMetrics;
  /**
   * Leaf hashes this process remembers for `indexOfLeafHash` (GetInclusionProof by leaf hash),
   * newest first (default 1,000,000, ~100 MB); older leaves are found by index.
   */
  leafHashIndexSize?: number;
}

export type LeafMessages = 'packed' | 'atomic' | 'single';

const DEFAULT_LEAF_HASH_INDEX_SIZE = 1_000_000;

/** Longest request id: ids travel in every leaf message and the de-duplication index. */
export const MAX_REQUEST_ID_LENGTH = 256;

export interface AppendOptions {
  /** De-duplication id (JetStream Nats-Msg-Id): a retry returns the first append's index. */
  requestId?: string;
  /** Log a salted commitment instead of the entry; the bundle carries the opening. */
  commit?: boolean;
}

/** How the log came back at start-up. */
export interface RestoreReport {
  /** Size of the last checkpoint found in the stream (0 for a new log). */
  readonly checkpointSize: number;
  /** True when tiles were missing or wrong and the tree was rehashed from every entry. */
  readonly rebuiltFromEntries: boolean;
  /** Entries after that checkpoint, re-verified and appended before the first new checkpoint. */
  readonly replayedEntries: number;
}

/**
 * An append's bundle, with what the log already knows so callers need not work it out again: the
 * leaf hash, and the size of the tree whose checkpoint the bundle carries.
 */
export interface AppendedBundle extends AuditBundle {
  readonly leafHash: Uint8Array;
  readonly checkpointSize: number;
}

/** An append checked and encoded, not queued yet. */
interface Prepared {
  readonly requestId: string;
  readonly leaf: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly opening?: CommitmentOpening;
}

interface PendingAppend extends Prepared {
  index?: number;
  duplicate?: boolean;
  readonly followers: PendingAppend[];
  resolve(bundle: AppendedBundle): void;
  reject(err: unknown): void;
}

/**
 * The log. Leaves are JetStream messages on omega.audit.leaves (packed: consecutive leaves per
 * message) published with the expected last subject sequence, so concurrent writers (trust
 * replicas) agree on one order: a writer that loses the race re-reads the tail, advances its tree
 * with the other writer's leaves and retries. Appends wait in a batch; a batch is published, the
 * compact range and tiles advance, and one checkpoint is signed for the whole batch before any
 * append in it resolves. With packed messages or atomic batches they are pipelined: batch N+1 is published (from the tree batch N left) while batch N's
 * checkpoint is signed and published and its proofs built; checkpoints still go out in tree order.
 */
export class AuditLog {
  private readonly range: CompactRange;
  private readonly tileBuilder: TileBuilder;
  private readonly nodeCache = new TileNodeCache();
  private partialEntries: Uint8Array[];
  private leafSeq: number;
  private readonly touchedTiles = new Map<string, Tile>();
  private readonly touchedBundles = new Map<number, EntryBundle>();
  private readonly dedupe = new DedupeIndex();
  private readonly indexByLeafHash = new Map<string, number>();
  private readonly checkpoints = new Map<number, LogCheckpoint>();
  private latest: LogCheckpoint;
  /** The newest checkpoint issued (signed and published, or on its way), and its size. */
  private issued: Promise<LogCheckpoint>;
  private issuedSize: number;
  private checkpointFailures = 0;
  /** Batches placed in the tree whose appends are waiting for their checkpoint. */
  private readonly certifying = new Set<Promise<void>>();
  private queue: PendingAppend[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly maxBatch: number;
  private readonly flushDelayMs: number;
  private readonly nowNs: () => bigint;
  private readonly leafMessages: LeafMessages;
  /** What the leaf publishers see of this log: where the next leaf goes, and how it grows. */
  private readonly tip: LeafTip;

  private constructor(
    private readonly opts: AuditLogOptions,
    state: {
      range: CompactRange;
      tiles: TileBuilder;
      partialEntries: Uint8Array[];
      leafSeq: number;
      latest: LogCheckpoint;
    },
    private restoredAs: RestoreReport,
  ) {
    this.range = state.range;
    this.tileBuilder = state.tiles;
    this.partialEntries = state.partialEntries;
    this.leafSeq = state.leafSeq;
    this.latest = state.latest;
    this.observe(state.latest);
    this.issued = Promise.resolve(state.latest);
    this.issuedSize = state.latest.size;
    this.checkpoints.set(state.latest.size, state.latest);
    this.maxBatch = opts.maxBatchEntries ?? 1024;
    this.flushDelayMs = opts.flushDelayMs ?? 2;
    this.leafMessages = opts.leafMessages ?? 'packed';
    this.nowNs = opts.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.tip = {
      size: () => this.size,
      leafSeq: () => this.leafSeq,
      advance: (leaves) => this.advance(leaves),
    };
  }

  /**
   * Loads the last checkpoint from the stream and the tree's right edge from tiles (no rehash),
   * then re-verifies and appends the leaves published after it and signs a checkpoint for them.
   */
  static async open(opts: AuditLogOptions): Promise<AuditLog> {
    const stored = await lastStoredCheckpoint(opts);
    let state = stored ? await restoreFromTiles(opts, stored) : undefined;
    const rebuiltFromEntries = stored !== undefined && state === undefined;
    const log = new AuditLog(
      opts,
      state ?? {
        range: new CompactRange(),
        tiles: new TileBuilder(),
        partialEntries: [],
        leafSeq: 0,
        latest: {
          size: 0,
          rootHash: new CompactRange().root(),
          note: await signCheckpoint(
            { origin: opts.origin, size: 0, rootHash: new CompactRange().root() },
            opts.signers,
          ),
          timeNs: 0n,
        },
      },
      { checkpointSize: 0, rebuiltFromEntries, replayedEntries: 0 },
    );
    state = undefined;
    if (log.leafMessages === 'atomic') await enableAtomicBatches(opts.bus);
    // Packed messages and atomic batches carry no Nats-Msg-Id per leaf, so the log itself
    // recognises retries: it re-reads the ids of the window's leaves.
    if (log.leafMessages !== 'single' && stored) {
      await log.dedupe.rememberRecent(opts.bus, stored.leafSeq);
    }
    const replayed = await log.syncTail();
    if (replayed > 0) await log.issueCheckpoint();
    if (rebuiltFromEntries && stored) {
      // The tree was rehashed from entries: it must reproduce the checkpoint that was handed out.
      const root = stored.size <= log.size ? await log.rootAt(stored.size) : undefined;
      if (!root || Buffer.compare(root, stored.rootHash) !== 0) {
        throw new OmegaError(
          Code.DataLoss,
          `audit log ${opts.origin}: its entries do not reproduce its last checkpoint (size ${stored.size})`,
        );
      }
    }
    log.restoredAs = {
      checkpointSize: stored?.size ?? 0,
      rebuiltFromEntries,
      replayedEntries: replayed,
    };
    opts.logger.info(
      { origin: opts.origin, size: log.size, leafMessages: log.leafMessages, ...log.restored },
      'audit log opened',
    );
    return log;
  }

  get size(): number {
    return this.range.size;
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
    return this.latest;
  }

  /** A checkpoint this process signed or loaded at exactly `size`, if any. */
  checkpointAt(size: number): LogCheckpoint | undefined {
    return this.checkpoints.get(size);
  }

  /**
   * Appends `entry` and resolves once a signed checkpoint covers it, with its offline bundle.
   * A retry with the same requestId resolves with the first append's index.
   */
  append(entry: AuditEntry, options: AppendOptions = {}): Promise<AppendedBundle> {
    let prepared: Prepared;
    try {
      prepared = this.prepare(entry, options);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueue(prepared);
  }

  /**
   * Appends several entries, each as `append` would. All of them are checked before any is
   * queued: one that cannot be logged rejects the call, naming its position, and queues nothing.
   */
  appendAll(
    appends: ReadonlyArray<{ entry: AuditEntry; options?: AppendOptions }>,
  ): Promise<AppendedBundle[]> {
    let prepared: Prepared[];
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
    return Promise.all(prepared.map((p) => this.enqueue(p)));
  }

  /** The leaf an append logs, checked against the limits. */
  private prepare(entry: AuditEntry, options: AppendOptions): Prepared {
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

  private enqueue(prepared: Prepared): Promise<AppendedBundle> {
    return new Promise<AppendedBundle>((resolve, reject) => {
      this.queue.push({ ...prepared, followers: [], resolve, reject });
      this.scheduleFlush();
    });
  }

  /** The inclusion proof of `index` in the tree of `size` leaves (default: the latest checkpoint). */
  async inclusionProof(index: number, size = this.latest.size): Promise<Uint8Array[]> {
    this.checkSize(size);
    const plan = inclusionProofPlan(index, size);
    const reader = await this.readerFor(size, plan.nodes);
    return buildInclusionProof(reader, index, size);
  }

  /** The consistency proof from size1 to size2 (default: the latest checkpoint). */
  async consistencyProof(size1: number, size2 = this.latest.size): Promise<Uint8Array[]> {
    this.checkSize(size2);
    if (size1 === 0) return [];
    const plan = consistencyProofPlan(size1, size2);
    const reader = await this.readerFor(size2, plan.nodes);
    return buildConsistencyProof(reader, size1, size2);
  }

  /** Entries [start, start + count) as logged (encoded AuditEntry), clipped to the checkpoint. */
  async readEntries(start: number, count: number): Promise<Uint8Array[]> {
    const end = Math.min(start + count, this.latest.size);
    const entries: Uint8Array[] = [];
    for (let index = start; index < end;) {
      const bundle = Math.floor(index / TILE_WIDTH);
      const width = Math.min(TILE_WIDTH, this.latest.size - bundle * TILE_WIDTH);
      const bytes = await this.opts.tiles.get(entryBundlePath({ index: bundle, width }));
      const decoded = decodeEntryBundle(bytes, width);
      for (; index < end && index < (bundle + 1) * TILE_WIDTH; index++) {
        entries.push(decoded[index % TILE_WIDTH]!);
      }
    }
    return entries;
  }

  /**
   * The index of a leaf seen by this process (appended or synced since start), among the newest
   * `leafHashIndexSize`: the index stays bounded however long trust runs.
   */
  indexOfLeafHash(leafHash: Uint8Array): number | undefined {
    return this.indexByLeafHash.get(leafHashKey(leafHash));
  }

  /**
   * Catches up with leaves other replicas appended and signs a checkpoint for them; the trust
   * service calls it when another replica's checkpoint arrives.
   */
  refresh(leafSeq = Infinity): Promise<void> {
    if (leafSeq <= this.leafSeq) return Promise.resolve();
    return this.exclusive(async () => {
      if ((await this.syncTail()) > 0) await this.issueCheckpoint();
    });
  }

  /** Stops taking appends and waits for the batches already taken. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.exclusive(() => this.drainQueue());
    await Promise.all(this.certifying);
  }

  private checkSize(size: number): void {
    if (size > this.latest.size) {
      throw new OmegaError(
        Code.OutOfRange,
        `audit log: tree size ${size} is beyond the latest checkpoint (${this.latest.size})`,
      );
    }
  }

  private async readerFor(size: number, nodes: readonly NodeId[]): Promise<TileHashReader> {
    await this.opts.tiles.load(tilesHolding(nodes, size));
    return new TileHashReader(size, this.opts.tiles.source, this.nodeCache);
  }

  private async rootAt(size: number): Promise<Uint8Array> {
    const nodes = compactRangeNodes(size);
    const hashes = (await this.readerFor(size, nodes)).readHashes(nodes);
    return new CompactRange(size, hashes).root();
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
    let unplaced = leaders.filter((p) => p.index === undefined);
    for (let attempt = 1; unplaced.length > 0; attempt++) {
      const outcome = await PUBLISHERS[this.leafMessages](this.opts.bus, this.tip, unplaced);
      if (outcome.clean && this.leafMessages === 'single') {
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
            pending.duplicate = this.indexOfLeafHash(pending.leafHash) !== index;
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
    const beyond = leaders.filter((p) => p.index! >= this.size);
    if (beyond.length > 0) await this.syncTail();
    // The tree now holds the batch: the next batch may be published while this one is certified.
    const certified = this.certifyBatch(leaders, this.issueCheckpoint()).finally(() => {
      this.certifying.delete(certified);
    });
    this.certifying.add(certified);
    // Not one publish per leaf: those leaves chain expected sequences (first.seq + i), which
    // assumes nothing else lands in AUDIT between them, and a checkpoint published meanwhile
    // would (a later leaf would then pass with an index one too high).
    if (this.leafMessages === 'single') await certified;
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
      proofs = await this.inclusionProofs(
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
        this.readEntries(pending.index!, 1).then(
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

  /**
   * Inclusion proofs of many leaves in the tree `checkpoint` signed, in the order of `indexes`:
   * one walk down the tree for all of them (BatchInclusionPlan), each tile loaded once, and the
   * walk's root checked against the checkpoint's. `leafHashes` are leaf hashes this process put
   * in the tree itself (a batch's own): they need no tile read, and the root check covers them.
   */
  private async inclusionProofs(
    indexes: readonly number[],
    checkpoint: LogCheckpoint,
    leafHashes: ReadonlyMap<number, Uint8Array> = new Map(),
  ): Promise<Uint8Array[][]> {
    this.checkSize(checkpoint.size);
    const plan = new BatchInclusionPlan(indexes, checkpoint.size);
    const stored = plan.nodes.filter((node) => node.level > 0 || !leafHashes.has(node.index));
    const read = (await this.readerFor(checkpoint.size, stored)).readHashes(stored);
    let next = 0;
    const hashes = plan.nodes.map((node) =>
      node.level === 0 && leafHashes.has(node.index) ? leafHashes.get(node.index)! : read[next++]!,
    );
    const proofs = plan.assemble(hashes, checkpoint.rootHash);
    const position = new Map(plan.indexes.map((index, i) => [index, i]));
    return indexes.map((index) => proofs[position.get(index)!]!);
  }

  /** Reads every leaf after the last one this process knows, checks its index and appends it. */
  private async syncTail(): Promise<number> {
    const last = await lastSeqOn(this.opts.bus, subjects.auditLeaves);
    if (last <= this.leafSeq) return 0;
    const consumer = await this.opts.bus.js.consumers.get(STREAM, {
      filter_subjects: [subjects.auditLeaves],
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.leafSeq + 1,
    });
    const messages = await consumer.consume({ max_messages: 4096 });
    let chunk: StoredLeaf[] = [];
    let count = 0;
    try {
      for await (const message of messages) {
        const { firstIndex, leaves, requestIds } = leavesOfMessage(message);
        const expected = this.size + chunk.length;
        if (firstIndex !== expected) {
          throw new OmegaError(
            Code.DataLoss,
            `audit log: leaf message at stream ${STREAM} seq ${message.seq} claims index ${firstIndex}, want ${expected}`,
          );
        }
        leaves.forEach((leaf, i) =>
          chunk.push({
            leaf,
            leafHash: hashLeaf(leaf),
            requestId: requestIds[i],
            seq: message.seq,
          }),
        );
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
    return count;
  }

  /** Appends stored leaves to the tree, tiles and entry bundles (in memory until the checkpoint). */
  private advance(leaves: readonly StoredLeaf[]): void {
    if (leaves.length === 0) return;
    const start = this.size;
    const result = this.range.appendBatch(leaves.map((l) => l.leafHash));
    for (const tile of this.tileBuilder.add(result.completed)) {
      this.touchedTiles.set(`${tile.id.level}/${tile.id.index}`, tile);
    }
    const nowMs = Date.now();
    leaves.forEach((leaf, i) => {
      const index = start + i;
      this.partialEntries.push(leaf.leaf);
      if (this.partialEntries.length === TILE_WIDTH) this.flushBundle(index);
      if (leaf.requestId !== undefined) this.dedupe.remember(leaf.requestId, index, nowMs);
      this.indexByLeafHash.set(leafHashKey(leaf.leafHash), index);
    });
    const keep = this.opts.leafHashIndexSize ?? DEFAULT_LEAF_HASH_INDEX_SIZE;
    if (this.indexByLeafHash.size > keep) {
      // Maps iterate in insertion order: the first keys are the oldest leaves.
      let excess = this.indexByLeafHash.size - keep;
      for (const key of this.indexByLeafHash.keys()) {
        if (excess-- <= 0) break;
        this.indexByLeafHash.delete(key);
      }
    }
    if (this.partialEntries.length > 0) this.flushBundle(this.size - 1);
    this.leafSeq = leaves[leaves.length - 1]!.seq;
  }

  private flushBundle(lastIndex: number): void {
    const bundleIndex = Math.floor(lastIndex / TILE_WIDTH);
    this.touchedBundles.set(bundleIndex, {
      id: { index: bundleIndex, width: this.partialEntries.length },
      bytes: encodeEntryBundle(this.partialEntries),
    });
    if (this.partialEntries.length === TILE_WIDTH) this.partialEntries = [];
  }

  /**
   * Takes the tree as it is now, then (after the checkpoints issued before it) persists its
   * touched tiles and bundles and signs and publishes its checkpoint. Snapshotting synchronously
   * lets the next batch advance the tree while this checkpoint is on its way.
   */
  private issueCheckpoint(): Promise<LogCheckpoint> {
    if (this.issuedSize === this.size && this.touchedTiles.size === 0) return this.issued;
    const tiles = [...this.touchedTiles.values()];
    const bundles = [...this.touchedBundles.values()];
    this.touchedTiles.clear();
    this.touchedBundles.clear();
    const head = { size: this.size, rootHash: this.range.root(), leafSeq: this.leafSeq };
    const previous = this.issued;
    const failuresBefore = this.checkpointFailures;
    this.issuedSize = head.size;
    this.issued = (async () => {
      // In tree order: a later checkpoint never goes out before an earlier one.
      await previous.catch(() => undefined);
      const endTimer = this.opts.metrics?.checkpointSeconds.startTimer();
      let checkpoint: LogCheckpoint;
      try {
        if (this.checkpointFailures !== failuresBefore) {
          // An earlier checkpoint failed after this snapshot: this one lacks its tiles.
          throw new OmegaError(
            Code.Unavailable,
            `audit log: checkpoint at size ${head.size} dropped: an earlier checkpoint failed`,
          );
        }
        await this.opts.tiles.write(tiles, bundles);
        checkpoint = await signAndPublishCheckpoint(this.opts, { ...head, timeNs: this.nowNs() });
      } catch (err) {
        this.checkpointFailures++;
        this.retouch(tiles, bundles);
        if (this.issuedSize === head.size) this.issuedSize = -1;
        throw err;
      }
      this.latest = checkpoint;
      endTimer?.();
      this.observe(checkpoint);
      this.checkpoints.set(checkpoint.size, checkpoint);
      if (this.checkpoints.size > 100_000) {
        this.checkpoints.delete(this.checkpoints.keys().next().value!);
      }
      return checkpoint;
    })();
    return this.issued;
  }

  private observe(checkpoint: LogCheckpoint): void {
    this.opts.metrics?.entries.set(checkpoint.size);
    this.opts.metrics?.checkpointTimestamp.set(Number(checkpoint.timeNs / 1_000_000n) / 1000);
  }

  /** A checkpoint failed: its tiles and bundles go out with the next one unless newer ones did. */
  private retouch(tiles: readonly Tile[], bundles: readonly EntryBundle[]): void {
    for (const tile of tiles) {
      const key = `${tile.id.level}/${tile.id.index}`;
      if (!this.touchedTiles.has(key)) this.touchedTiles.set(key, tile);
    }
    for (const bundle of bundles) {
      if (!this.touchedBundles.has(bundle.id.index))
        this.touchedBundles.set(bundle.id.index, bundle);
    }
  }
}

/**
 * A leaf hash as a map key: 32 latin1 characters (half the memory and work of hex); hashLeaf
 * already gives Buffers, so most need no copy.
 */
function leafHashKey(leafHash: Uint8Array): string {
  return (Buffer.isBuffer(leafHash) ? leafHash : Buffer.from(leafHash)).toString('latin1');
}
