// What an audit log is opened with, and what its appends and its start-up answer.
import type { AuditBundle, CheckpointPolicy, NoteSigner } from '@omega/auditlog';
import type { Bus } from '@omega/bus';
import type { HybridPublicKey } from '@omega/proto';
import type { Logger } from '@omega/runtime';
import type { AuditLogMetrics } from '../trust-metrics';
import type { TileStore } from './tile-store';

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
  /**
   * Where this trust records the newest checkpoint it signed (beside its keys, not in the stream):
   * a start on a stream that does not extend it (shortened, deleted or replaced) is refused.
   */
  signedHeadFile?: string;
}

export type LeafMessages = 'packed' | 'atomic' | 'single';

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
