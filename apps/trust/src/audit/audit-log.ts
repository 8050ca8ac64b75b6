// The Merkle audit log: one total order in JetStream, batched appends, tiles, signed checkpoints.
import { randomBytes, randomUUID } from 'node:crypto';
import { headers } from '@nats-io/transport-node';
import { DeliverPolicy, type PubAck } from '@nats-io/jetstream';
import {
  buildConsistencyProof,
  buildInclusionProof,
  checkpointNoteOf,
  checkpointToMessage,
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
  partialEntryBundle,
  partialTiles,
  signCheckpoint,
  TILE_HEIGHT,
  TILE_WIDTH,
  tileAt,
  TileBuilder,
  TileHashReader,
  TileNodeCache,
  verifyCheckpoint,
  type AuditBundle,
  type CheckpointPolicy,
  type CommitmentOpening,
  type NodeId,
  type NoteSigner,
  type Tile,
  type TileId,
} from '@omega/auditlog';
import { publish, subjects, type Bus, type MessageType } from '@omega/bus';
import { AuditEntry, Checkpoint as CheckpointMessage, type HybridPublicKey } from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { AuditLogMetrics } from '../trust-metrics';
import { type EntryBundle, type TileStore } from './tile-store';

const STREAM = 'AUDIT';
/** Header on every leaf message: its leaf index, made true by the expected-sequence check. */
export const INDEX_HEADER = 'Omega-Audit-Index';
/** Header on every leaf message: the append's de-duplication id. */
export const REQUEST_ID_HEADER = 'Omega-Audit-Request-Id';
/** Header on every checkpoint message: the stream sequence of the last leaf it covers. */
export const LEAF_SEQ_HEADER = 'Omega-Audit-Leaf-Seq';
/** Largest encoded entry: 256 of them must fit one entry bundle in a 1 MiB KV value. */
export const MAX_ENTRY_BYTES = 4000;
const MAX_ATTEMPTS = 20;
/** Request ids kept at least (the newest), and at most even when younger than the window. */
const REMEMBERED_IDS = 1_000_000;
const MAX_REMEMBERED_IDS = 5_000_000;
/** nats-server's limit on messages in one atomic batch (jetstream.limits.batch.max_msgs). */
const MAX_ATOMIC_BATCH = 1000;
/** Atomic batch publish (allow_atomic) needs this server. */
const ATOMIC_BATCH_VERSION = [2, 12] as const;
/** How far back a restart re-reads request ids: the stream's Nats-Msg-Id window, as before. */
const DEDUPE_WINDOW_MS = 120_000;

/** Leaves are published as the exact bytes that are hashed. */
const LEAF: MessageType<Uint8Array> = {
  $type: AuditEntry.$type,
  encode: (bytes) => ({ finish: () => bytes }),
  decode: (bytes) => bytes,
};

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
   * Publish each batch as JetStream atomic batches (nats-server 2.12+, enables `allow_atomic` on
   * AUDIT) instead of one acknowledged publish per leaf. Default: when the server has it.
   */
  atomicBatches?: boolean;
  /** Appends, batch sizes and checkpoint durations (trust-metrics.ts). */
  metrics?: AuditLogMetrics;
}

export interface AppendOptions {
  /** De-duplication id (JetStream Nats-Msg-Id): a retry returns the first append's index. */
  requestId?: string;
  /** Log a salted commitment instead of the entry; the bundle carries the opening. */
  commit?: boolean;
}

/** A signed checkpoint as the log keeps it. */
export interface LogCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The C2SP signed note. */
  readonly note: string;
  readonly timeNs: bigint;
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

interface PendingAppend {
  readonly requestId: string;
  readonly leaf: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly opening?: CommitmentOpening;
  index?: number;
  duplicate?: boolean;
  readonly followers: PendingAppend[];
  resolve(bundle: AuditBundle): void;
  reject(err: unknown): void;
}

/** How publishing a batch's leaves went: `clean` when every leaf landed where it was expected. */
interface PublishOutcome {
  clean: boolean;
  acks: PubAck[];
  /** Leaves JetStream reported as Nats-Msg-Id duplicates, with the stored copy's sequence. */
  duplicates: Array<[PendingAppend, number]>;
  error?: unknown;
}

interface StoredLeaf {
  readonly leaf: Uint8Array;
  readonly leafHash: Uint8Array;
  readonly requestId: string | undefined;
  readonly seq: number;
}

/**
 * The log. Every leaf is a JetStream message on omega.audit.leaves published with the expected
 * last subject sequence, so concurrent writers (trust replicas) agree on one order: a writer that
 * loses the race re-reads the tail, advances its tree with the other writer's leaves and retries.
 * Appends wait in a batch; a batch is published, the compact range and tiles advance, and one
 * checkpoint is signed for the whole batch before any append in it resolves.
 */
export class AuditLog {
  private readonly range: CompactRange;
  private readonly tileBuilder: TileBuilder;
  private readonly nodeCache = new TileNodeCache();
  private partialEntries: Uint8Array[];
  private leafSeq: number;
  private readonly touchedTiles = new Map<string, Tile>();
  private readonly touchedBundles = new Map<number, EntryBundle>();
  /** Request id → leaf index and when it was remembered (ms), oldest first. */
  private readonly indexById = new Map<string, { index: number; atMs: number }>();
  private readonly indexByLeafHash = new Map<string, number>();
  private readonly checkpoints = new Map<number, LogCheckpoint>();
  private latest: LogCheckpoint;
  private queue: PendingAppend[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly maxBatch: number;
  private readonly flushDelayMs: number;
  private readonly nowNs: () => bigint;
  private atomic = false;

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
    this.checkpoints.set(state.latest.size, state.latest);
    this.maxBatch = opts.maxBatchEntries ?? 1024;
    this.flushDelayMs = opts.flushDelayMs ?? 2;
    this.nowNs = opts.nowNs ?? (() => BigInt(Date.now()) * 1_000_000n);
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
    log.atomic = await useAtomicBatches(opts);
    // Atomic batches carry no Nats-Msg-Id (the server does not de-duplicate inside them), so
    // the log itself recognises retries: it re-reads the ids of the window's leaves.
    if (log.atomic && stored) await log.rememberRecentIds(stored.leafSeq);
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
      { origin: opts.origin, size: log.size, atomicBatches: log.atomic, ...log.restored },
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
  append(entry: AuditEntry, options: AppendOptions = {}): Promise<AuditBundle> {
    if (this.closed) {
      return Promise.reject(new OmegaError(Code.Unavailable, 'audit log: closed'));
    }
    let leaf = AuditEntry.encode(entry).finish();
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
      return Promise.reject(
        new OmegaError(
          Code.InvalidArgument,
          `audit log: entry is ${leaf.byteLength} bytes encoded, above the limit of ${MAX_ENTRY_BYTES}`,
        ),
      );
    }
    return new Promise<AuditBundle>((resolve, reject) => {
      this.queue.push({
        requestId: options.requestId || `auto-${randomUUID()}`,
        leaf,
        leafHash: hashLeaf(leaf),
        ...(opening ? { opening } : {}),
        followers: [],
        resolve,
        reject,
      });
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

  /** The index of a leaf seen by this process (appended or synced since start). */
  indexOfLeafHash(leafHash: Uint8Array): number | undefined {
    return this.indexByLeafHash.get(Buffer.from(leafHash).toString('hex'));
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
    const ids = new Map<string, TileId>();
    for (const node of nodes) {
      const below = node.level % TILE_HEIGHT;
      const id = tileAt(node.level - below, node.index * 2 ** below, size);
      ids.set(`${id.level}/${id.index}/${id.width}`, id);
    }
    await this.opts.tiles.load([...ids.values()]);
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
      const known = this.indexById.get(pending.requestId)?.index;
      if (known !== undefined) {
        pending.index = known;
        pending.duplicate = true;
      }
    }
    let unplaced = leaders.filter((p) => p.index === undefined);
    for (let attempt = 1; unplaced.length > 0; attempt++) {
      const outcome = this.atomic
        ? await this.publishAtomicBatches(unplaced)
        : await this.publishLeaves(unplaced);
      if (outcome.clean && !this.atomic) {
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
            this.indexById.get(pending.requestId)?.index ?? (await this.indexAtSeq(seq));
          pending.duplicate = true;
        }
      }
      for (const pending of unplaced) {
        if (pending.index === undefined) {
          const index = this.indexById.get(pending.requestId)?.index;
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
    const checkpoint = await this.issueCheckpoint();
    let proofs: Uint8Array[][];
    try {
      proofs = await this.inclusionProofs(
        leaders.map((p) => p.index!),
        checkpoint.size,
      );
    } catch (err) {
      for (const pending of leaders) {
        pending.reject(err);
        for (const follower of pending.followers) follower.reject(err);
      }
      return;
    }
    await Promise.all(
      leaders.map(async (pending, i) => {
        const index = pending.index!;
        const waiting = [pending, ...pending.followers];
        try {
          const entry = pending.duplicate ? (await this.readEntries(index, 1))[0]! : pending.leaf;
          this.opts.metrics?.appends.inc(waiting.length);
          for (const each of waiting) {
            each.resolve({
              origin: this.opts.origin,
              index,
              entry,
              inclusionProof: proofs[i]!,
              checkpoint: checkpoint.note,
              ...(each.opening && !pending.duplicate ? { opening: each.opening } : {}),
            });
          }
        } catch (err) {
          for (const each of waiting) each.reject(err);
        }
      }),
    );
  }

  /**
   * Inclusion proofs of many leaves in one tree. One read for all of them: each tile (the partial
   * ones at the right edge change every batch) is loaded and expanded once, not once per proof.
   */
  private async inclusionProofs(indexes: readonly number[], size: number): Promise<Uint8Array[][]> {
    this.checkSize(size);
    const plans = indexes.map((index) => inclusionProofPlan(index, size));
    const nodes = plans.flatMap((plan) => plan.nodes);
    const hashes = (await this.readerFor(size, nodes)).readHashes(nodes);
    let at = 0;
    return plans.map((plan) => plan.assemble(hashes.slice(at, (at += plan.nodes.length))));
  }

  /**
   * Publishes leaves in order: the first expects the last leaf this process knows, each next one
   * the sequence its predecessor got. Stops at the first refusal.
   */
  private async publishLeaves(pending: readonly PendingAppend[]): Promise<PublishOutcome> {
    const acks: PubAck[] = [];
    const duplicates: Array<[PendingAppend, number]> = [];
    const send = (p: PendingAppend, index: number, expectedSeq: number) =>
      publish(this.opts.bus, subjects.auditLeaves, LEAF, p.leaf, {
        msgId: p.requestId,
        expectedLastSubjectSeq: expectedSeq,
        headers: { [INDEX_HEADER]: String(index), [REQUEST_ID_HEADER]: p.requestId },
      });
    let first: PubAck;
    try {
      first = await send(pending[0]!, this.size, this.leafSeq);
    } catch (error) {
      return { clean: false, acks, duplicates, error };
    }
    if (first.duplicate) {
      duplicates.push([pending[0]!, first.seq]);
      return { clean: false, acks, duplicates };
    }
    acks.push(first);
    const rest = await Promise.allSettled(
      pending.slice(1).map((p, i) => send(p, this.size + i + 1, first.seq + i)),
    );
    let error: unknown;
    rest.forEach((result, i) => {
      if (result.status === 'rejected') error ??= result.reason;
      else if (result.value.duplicate) duplicates.push([pending[i + 1]!, result.value.seq]);
      else acks.push(result.value);
    });
    const clean = error === undefined && duplicates.length === 0 && acks.length === pending.length;
    return { clean, acks, duplicates, ...(error !== undefined ? { error } : {}) };
  }

  /**
   * Publishes leaves as atomic batches of up to 1000: the first message of each expects the last
   * leaf this process knows, so a batch lands whole right after it or not at all. The tree
   * advances after each committed batch; stops at the first refusal.
   */
  private async publishAtomicBatches(pending: readonly PendingAppend[]): Promise<PublishOutcome> {
    const acks: PubAck[] = [];
    // Even chunks: 1,024 leaves go as 512 + 512, not 1,000 + a 24-leaf batch with its own round trips.
    const chunkSize = Math.ceil(pending.length / Math.ceil(pending.length / MAX_ATOMIC_BATCH));
    for (let start = 0; start < pending.length; start += chunkSize) {
      const chunk = pending.slice(start, start + chunkSize);
      const options = (p: PendingAppend, i: number) => {
        const h = headers();
        h.set(INDEX_HEADER, String(this.size + i));
        h.set(REQUEST_ID_HEADER, p.requestId);
        return { headers: h };
      };
      let ack: PubAck;
      try {
        const first = { ...options(chunk[0]!, 0), expect: { lastSubjectSequence: this.leafSeq } };
        if (chunk.length === 1) {
          // A batch needs a commit message of its own: one leaf is a plain publish.
          ack = await this.opts.bus.js.publish(subjects.auditLeaves, chunk[0]!.leaf, first);
        } else {
          const batch = await this.opts.bus.js.startBatch(
            subjects.auditLeaves,
            chunk[0]!.leaf,
            first,
          );
          for (let i = 1; i < chunk.length - 1; i++) {
            batch.add(subjects.auditLeaves, chunk[i]!.leaf, options(chunk[i]!, i));
          }
          const last = chunk.length - 1;
          ack = await batch.commit(
            subjects.auditLeaves,
            chunk[last]!.leaf,
            options(chunk[last]!, last),
          );
        }
      } catch (error) {
        return { clean: false, acks, duplicates: [], error };
      }
      const firstSeq = ack.seq - chunk.length + 1;
      this.advance(
        chunk.map((p, i) => ({
          leaf: p.leaf,
          leafHash: p.leafHash,
          requestId: p.requestId,
          seq: firstSeq + i,
        })),
      );
      acks.push(ack);
    }
    return { clean: true, acks, duplicates: [] };
  }

  /**
   * Re-reads the request ids of the leaves published in the last DEDUPE_WINDOW_MS up to
   * `untilSeq` (headers only; the tree already holds them), so a retry after a restart answers
   * with its first index.
   */
  private async rememberRecentIds(untilSeq: number): Promise<void> {
    let from: number;
    try {
      const first = await this.opts.bus.jsm.direct.getMessage(STREAM, {
        start_time: new Date(Date.now() - DEDUPE_WINDOW_MS),
      });
      if (!first) return;
      from = first.seq;
    } catch (err) {
      if (/no message found/i.test(errorMessage(err))) return;
      throw OmegaError.wrap(err, 'audit log: finding the de-duplication window', Code.Unavailable);
    }
    if (from > untilSeq) return;
    const consumer = await this.opts.bus.js.consumers.get(STREAM, {
      filter_subjects: [subjects.auditLeaves],
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
      headers_only: true,
    });
    const messages = await consumer.consume({ max_messages: 8192 });
    try {
      for await (const message of messages) {
        if (message.seq > untilSeq) break;
        const index = Number(message.headers?.get(INDEX_HEADER));
        const requestId =
          message.headers?.get(REQUEST_ID_HEADER) || message.headers?.get('Nats-Msg-Id');
        if (requestId && Number.isSafeInteger(index)) this.rememberId(requestId, index);
        if (message.seq >= untilSeq) break;
      }
    } finally {
      await messages.close();
    }
  }

  private async indexAtSeq(seq: number): Promise<number> {
    const message = await this.opts.bus.jsm.streams.getMessage(STREAM, { seq });
    const index = Number(message?.header.get(INDEX_HEADER));
    if (!message || !Number.isSafeInteger(index)) {
      throw new OmegaError(
        Code.DataLoss,
        `audit log: stream ${STREAM} seq ${seq} has no leaf index`,
      );
    }
    return index;
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
        const claimed = Number(message.headers?.get(INDEX_HEADER));
        const expected = this.size + chunk.length;
        if (claimed !== expected) {
          throw new OmegaError(
            Code.DataLoss,
            `audit log: leaf at stream ${STREAM} seq ${message.seq} claims index ${claimed}, want ${expected}`,
          );
        }
        chunk.push({
          leaf: message.data,
          leafHash: hashLeaf(message.data),
          requestId:
            message.headers?.get(REQUEST_ID_HEADER) ||
            message.headers?.get('Nats-Msg-Id') ||
            undefined,
          seq: message.seq,
        });
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
    leaves.forEach((leaf, i) => {
      const index = start + i;
      this.partialEntries.push(leaf.leaf);
      if (this.partialEntries.length === TILE_WIDTH) this.flushBundle(index);
      if (leaf.requestId !== undefined) this.rememberId(leaf.requestId, index);
      this.indexByLeafHash.set(Buffer.from(leaf.leafHash).toString('hex'), index);
    });
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
   * Keeps every id of the de-duplication window (as Nats-Msg-Id did), and at least the newest
   * REMEMBERED_IDS; MAX_REMEMBERED_IDS bounds memory (120 s at 40,000 appends/s).
   */
  private rememberId(requestId: string, index: number): void {
    const nowMs = Date.now();
    this.indexById.delete(requestId);
    this.indexById.set(requestId, { index, atMs: nowMs });
    while (this.indexById.size > REMEMBERED_IDS) {
      const [oldestId, oldest] = this.indexById.entries().next().value!;
      if (this.indexById.size <= MAX_REMEMBERED_IDS && nowMs - oldest.atMs < DEDUPE_WINDOW_MS)
        break;
      this.indexById.delete(oldestId);
    }
  }

  /** Persists touched tiles and bundles, then signs and publishes a checkpoint of the tree. */
  private async issueCheckpoint(): Promise<LogCheckpoint> {
    if (this.latest.size === this.size && this.touchedTiles.size === 0) return this.latest;
    const endTimer = this.opts.metrics?.checkpointSeconds.startTimer();
    const tiles = [...this.touchedTiles.values()];
    const bundles = [...this.touchedBundles.values()];
    this.touchedTiles.clear();
    this.touchedBundles.clear();
    await this.opts.tiles.write(tiles, bundles);
    const rootHash = this.range.root();
    const timeNs = this.nowNs();
    const size = this.size;
    const note = await signCheckpoint(
      { origin: this.opts.origin, size, rootHash },
      this.opts.signers,
    );
    const checkpoint: LogCheckpoint = { size, rootHash, note, timeNs };
    await publish(
      this.opts.bus,
      subjects.auditCheckpoints,
      CheckpointMessage,
      checkpointToMessage(note, this.opts.publicKey.keyId, timeNs),
      { headers: { [LEAF_SEQ_HEADER]: String(this.leafSeq) } },
    );
    this.latest = checkpoint;
    endTimer?.();
    this.checkpoints.set(size, checkpoint);
    if (this.checkpoints.size > 100_000) {
      this.checkpoints.delete(this.checkpoints.keys().next().value!);
    }
    return checkpoint;
  }
}

/**
 * Whether to publish atomic batches: asked for, or by default when the server is 2.12+; then
 * AUDIT gets `allow_atomic` (libs/bus provision leaves undeclared fields as they are).
 */
async function useAtomicBatches(opts: AuditLogOptions): Promise<boolean> {
  const version = opts.bus.nc.info?.version ?? '0.0.0';
  const [major = 0, minor = 0] = (/^v?(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  const [needMajor, needMinor] = ATOMIC_BATCH_VERSION;
  const supported = major > needMajor || (major === needMajor && minor >= needMinor);
  if (opts.atomicBatches === false) return false;
  if (!supported) {
    if (opts.atomicBatches) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `audit log: atomic batch publish needs nats-server ${needMajor}.${needMinor}.0 or later, this is ${version}`,
      );
    }
    return false;
  }
  const info = await opts.bus.jsm.streams.info(STREAM);
  if (!info.config.allow_atomic) {
    try {
      await opts.bus.jsm.streams.update(STREAM, { allow_atomic: true });
    } catch (err) {
      throw OmegaError.wrap(err, `audit log: enabling allow_atomic on stream ${STREAM}`);
    }
  }
  return true;
}

/** The error publish() gives when the expected last subject sequence did not match. */
function isConflict(err: unknown): boolean {
  return err instanceof OmegaError && err.code === Code.Aborted;
}

async function lastSeqOn(bus: Bus, subject: string): Promise<number> {
  const message = await lastMessageOn(bus, subject);
  return message?.seq ?? 0;
}

async function lastMessageOn(bus: Bus, subject: string) {
  try {
    return (await bus.jsm.streams.getMessage(STREAM, { last_by_subj: subject })) ?? undefined;
  } catch (err) {
    if (/no message found/i.test(errorMessage(err))) return undefined;
    throw OmegaError.wrap(
      err,
      `audit log: reading the last message on ${subject}`,
      Code.Unavailable,
    );
  }
}

interface StoredCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly note: string;
  readonly timeNs: bigint;
  readonly leafSeq: number;
}

async function lastStoredCheckpoint(opts: AuditLogOptions): Promise<StoredCheckpoint | undefined> {
  const message = await lastMessageOn(opts.bus, subjects.auditCheckpoints);
  if (!message) return undefined;
  const decoded = CheckpointMessage.decode(message.data);
  const where = `audit log: checkpoint at stream ${STREAM} seq ${message.seq}`;
  let verified;
  try {
    verified = await verifyCheckpoint(checkpointNoteOf(decoded, opts.publicKey), opts.policy);
  } catch (err) {
    throw OmegaError.wrap(err, `${where} does not verify with the log key`, Code.DataLoss);
  }
  const leafSeq = Number(message.header.get(LEAF_SEQ_HEADER));
  if (!Number.isSafeInteger(leafSeq)) {
    throw new OmegaError(Code.DataLoss, `${where} has no ${LEAF_SEQ_HEADER} header`);
  }
  return {
    size: verified.checkpoint.size,
    rootHash: verified.checkpoint.rootHash,
    note: checkpointNoteOf(decoded, opts.publicKey),
    timeNs: decoded.timeNs,
    leafSeq,
  };
}

/** The right edge, partial tiles and partial entry bundle of `stored`'s tree, read from tiles. */
async function restoreFromTiles(opts: AuditLogOptions, stored: StoredCheckpoint) {
  try {
    const size = stored.size;
    const nodes = compactRangeNodes(size);
    const partials = partialTiles(size);
    const ids = new Map<string, TileId>();
    for (const node of nodes) {
      const below = node.level % TILE_HEIGHT;
      const id = tileAt(node.level - below, node.index * 2 ** below, size);
      ids.set(`${id.level}/${id.index}/${id.width}`, id);
    }
    for (const id of partials) ids.set(`${id.level}/${id.index}/${id.width}`, id);
    await opts.tiles.load([...ids.values()]);
    const range = new CompactRange(
      size,
      new TileHashReader(size, opts.tiles.source).readHashes(nodes),
    );
    if (Buffer.compare(range.root(), stored.rootHash) !== 0) {
      throw new OmegaError(Code.DataLoss, `tiles give another root at size ${size}`);
    }
    const tiles = new TileBuilder(
      size,
      partials.map((id) => ({ id, hashes: opts.tiles.source.readTile(id) })),
    );
    const bundleId = partialEntryBundle(size);
    const partialEntries = bundleId
      ? decodeEntryBundle(await opts.tiles.get(entryBundlePath(bundleId)), bundleId.width)
      : [];
    return {
      range,
      tiles,
      partialEntries,
      leafSeq: stored.leafSeq,
      latest: {
        size,
        rootHash: stored.rootHash,
        note: stored.note,
        timeNs: stored.timeNs,
      },
    };
  } catch (err) {
    opts.logger.warn(
      { err, size: stored.size },
      `audit log: tiles cannot restore size ${stored.size} (${errorMessage(err)}); rehashing every entry`,
    );
    return undefined;
  }
}
