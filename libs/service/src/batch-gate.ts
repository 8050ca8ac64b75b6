// Admits telemetry batches into detection: each batch's hybrid signature is verified against the
// key trust issued its sender (@omega/trust-client verifyEventBatch), and a signed batch seen before
// under another stream sequence (a replay) is refused. Every refusal is counted by reason.
import type { HybridVerifier } from '@omega/crypto';
import type { MessageType } from '@omega/bus';
import { EventBatch, type Identity } from '@omega/proto';
import { BATCH_REJECTIONS, verifyEventBatch, type BatchRejection } from '@omega/trust-client';
import type { Counter } from 'prom-client';
import type { SenderDirectory } from './sender-directory';

/**
 * TELEMETRY messages as received, for `consume`: the signature covers the exact bytes, so the gate
 * decodes them itself (a batch that does not decode is rejected by the gate, with the decoder's
 * error).
 */
export const RECEIVED_BATCH: MessageType<Uint8Array> = {
  $type: EventBatch.$type,
  encode: (bytes) => ({ finish: () => bytes }),
  decode: (bytes) => bytes,
};

/** `require`: only verified batches. `allow-unsigned`: also batches without any signature. */
export const SIGNATURE_POLICIES = ['require', 'allow-unsigned'] as const;
export type SignaturePolicy = (typeof SIGNATURE_POLICIES)[number];

export const GATE_REJECTIONS = [...BATCH_REJECTIONS, 'replayed'] as const;
export type GateRejection = BatchRejection | 'replayed';

export type Admission =
  | { readonly ok: true; readonly batch: EventBatch; readonly sender: Identity | undefined }
  | { readonly ok: false; readonly reason: GateRejection; readonly detail: string };

export interface BatchGateOptions {
  readonly policy: SignaturePolicy;
  readonly directory: SenderDirectory;
  readonly verifier: HybridVerifier;
  readonly maxAgeMs: number;
  readonly maxSkewMs: number;
  /**
   * Batches counted, by outcome: `verified`, `unsigned-admitted` (no signature, admitted by the
   * allow-unsigned policy) or the rejection (`unsigned` when the policy refused it).
   */
  readonly counter: Counter<'outcome'>;
  /** Signed batches remembered for replay detection (default 100 000). */
  readonly replayMemory?: number;
  readonly now?: () => number;
}

export class BatchGate {
  /** (sender, session, sequence) → the stream sequence that carried it. */
  private readonly seen = new Map<string, number>();
  private readonly replayMemory: number;
  private readonly now: () => number;

  constructor(private readonly options: BatchGateOptions) {
    this.replayMemory = options.replayMemory ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  async admit(bytes: Uint8Array, streamSequence: number): Promise<Admission> {
    const { policy, directory, verifier, maxAgeMs, maxSkewMs, counter } = this.options;
    const verdict = await verifyEventBatch(bytes, this.now(), {
      lookup: (keyId) => directory.identityOfKey(keyId),
      verifier,
      maxAgeMs,
      maxSkewMs,
    });
    if (!verdict.ok) {
      if (verdict.reason === 'unsigned' && policy === 'allow-unsigned' && verdict.batch) {
        counter.inc({ outcome: 'unsigned-admitted' });
        return { ok: true, batch: verdict.batch, sender: undefined };
      }
      counter.inc({ outcome: verdict.reason });
      return { ok: false, reason: verdict.reason, detail: verdict.detail };
    }
    const { batch } = verdict;
    const key = `${batch.sender!.id}\0${batch.sessionId}\0${batch.sequence}`;
    const first = this.seen.get(key);
    if (first !== undefined && first !== streamSequence) {
      counter.inc({ outcome: 'replayed' });
      return {
        ok: false,
        reason: 'replayed',
        detail: `event batch from ${batch.sender!.id} session ${batch.sessionId} seq ${batch.sequence}: already received as stream sequence ${first}`,
      };
    }
    if (first === undefined) {
      this.seen.set(key, streamSequence);
      if (this.seen.size > this.replayMemory) this.seen.delete(this.seen.keys().next().value!);
    }
    counter.inc({ outcome: 'verified' });
    return { ok: true, batch, sender: verdict.sender };
  }
}
