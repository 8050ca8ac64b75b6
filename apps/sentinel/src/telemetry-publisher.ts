// Batches events per kind into EventBatches (sequence numbers, loss counters), signs each and
// publishes it to TELEMETRY with bounded memory: when JetStream is slow or down, events past the
// limit are counted as dropped, never buffered without bound.
import { publish, subjects, type Bus, type MessageType } from '@omega/bus';
import { EventBatch, type Event } from '@omega/proto';
import { signEventBatch } from '@omega/trust-client';
import type { BatchSigning } from './batch-signing-key';
import type { Logger } from '@omega/runtime';
import { errorMessage } from '@omega/runtime';
import type { SentinelMetrics } from './sentinel-metrics';

/**
 * Headers with the sender's cumulative loss counts, from before EventBatch had `lost_records` and
 * `dropped_events`. Deprecated: still sent for one release so that consumers reading them keep
 * working while they move to the batch fields (which, unlike headers, the signature covers); remove
 * them in the release after.
 */
export const LOST_RECORDS_HEADER = 'Omega-Sentinel-Lost-Records';
export const DROPPED_EVENTS_HEADER = 'Omega-Sentinel-Dropped-Events';

export interface TelemetryPublisherOptions {
  bus: Bus;
  node: string;
  /** Who signs the batches; its sender id goes into each. */
  signing: BatchSigning;
  sessionId: string;
  logger: Logger;
  metrics?: SentinelMetrics;
  maxBatchEvents?: number;
  /** A signed batch larger than this is split in two (JetStream refuses messages over its limit). */
  maxBatchBytes?: number;
  flushIntervalMs?: number;
  /** Events held (open and sealed batches together) before new ones are dropped and counted. */
  maxBufferedEvents?: number;
  retryDelayMs?: number;
  now?: () => bigint;
}

export interface PublisherStats {
  sessionId: string;
  /** Sequence of the last batch numbered (signed for publishing). */
  sequence: bigint;
  /** Sequence of the last batch JetStream acknowledged. */
  lastPublishedSequence: bigint;
  buffered: number;
  /** Sealed batches waiting for the bus. */
  pendingBatches: number;
  eventsAccepted: bigint;
  batchesPublished: bigint;
  droppedEvents: bigint;
}

interface SealedBatch {
  kind: string;
  events: Event[];
  oldestMs: number;
  /** Set on the first attempt to publish, and reused by every retry (same bytes, same msg id). */
  signed?: { bytes: Uint8Array; sequence: bigint; msgId: string; headers: Record<string, string> };
}
export class TelemetryPublisher {
  private readonly open = new Map<string, { events: Event[]; oldestMs: number }>();
  private readonly sealed: SealedBatch[] = [];
  private buffered = 0;
  private sequence = 0n;
  private lostRecords = 0n;
  private droppedEvents = 0n;
  private eventsAccepted = 0n;
  private batchesPublished = 0n;
  private lastPublishedSequence = 0n;
  private pumping: Promise<void> | undefined;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatchEvents: number;
  private readonly maxBatchBytes: number;
  private readonly maxBufferedEvents: number;
  private readonly now: () => bigint;

  constructor(private readonly options: TelemetryPublisherOptions) {
    this.maxBatchEvents = options.maxBatchEvents ?? 2_048;
    this.maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    this.maxBufferedEvents = options.maxBufferedEvents ?? 100_000;
    this.now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 100);
    this.timer.unref();
  }

  /** Cumulative kernel ring-buffer losses, reported with every later batch. */
  setLostRecords(total: bigint): void {
    this.lostRecords = total;
  }

  get stats(): PublisherStats {
    return {
      sessionId: this.options.sessionId,
      sequence: this.sequence,
      lastPublishedSequence: this.lastPublishedSequence,
      buffered: this.buffered,
      pendingBatches: this.sealed.length,
      eventsAccepted: this.eventsAccepted,
      batchesPublished: this.batchesPublished,
      droppedEvents: this.droppedEvents,
    };
  }

  add(kind: string, event: Event): void {
    if (this.closed || this.buffered >= this.maxBufferedEvents) {
      this.droppedEvents++;
      this.options.metrics?.bufferDropped.inc({ kind });
      return;
    }
    let open = this.open.get(kind);
    if (!open) this.open.set(kind, (open = { events: [], oldestMs: Date.now() }));
    open.events.push(event);
    this.buffered++;
    this.eventsAccepted++;
    this.options.metrics?.events.inc({ kind });
    if (open.events.length >= this.maxBatchEvents) this.seal(kind);
  }

  /** Seals every open batch and starts publishing. */
  flush(): void {
    for (const kind of [...this.open.keys()]) this.seal(kind);
    const oldest = this.sealed[0];
    this.options.metrics?.publishLag.set(oldest ? (Date.now() - oldest.oldestMs) / 1000 : 0);
    this.options.metrics?.bufferedEvents.set(this.buffered);
  }

  /** Publishes what is buffered (waiting at most `timeoutMs`) and stops. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.flush();
    this.closed = true;
    clearInterval(this.timer);
    const deadline = Date.now() + timeoutMs;
    while (this.sealed.length > 0 && Date.now() < deadline) {
      await (this.pumping ?? new Promise((r) => setTimeout(r, 20)));
    }
  }

  private seal(kind: string): void {
    const open = this.open.get(kind);
    if (!open || open.events.length === 0) return;
    this.open.delete(kind);
    this.sealed.push({ kind, oldestMs: open.oldestMs, events: open.events });
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  /**
   * Numbers and signs the batch at the head of the queue, once: the loss counts are those at its
   * first attempt. A batch whose signed bytes exceed maxBatchBytes is split in two first.
   */
  private prepare(next: SealedBatch): NonNullable<SealedBatch['signed']> | undefined {
    if (next.signed) return next.signed;
    const signer = this.options.signing.signer();
    const sequence = this.sequence + 1n;
    // the events are complete Event messages already: only the envelope needs defaults
    // (fromPartial would deep-copy all of them again)
    const batch: EventBatch = {
      ...EventBatch.fromPartial({
        sender: { id: this.options.signing.senderId, keyId: signer.keyId },
        sessionId: this.options.sessionId,
        sequence,
        createdTimeNs: this.now(),
        lostRecords: this.lostRecords,
        droppedEvents: this.droppedEvents,
      }),
      events: next.events,
    };
    // Verifiers split the received bytes at field 15: they are published exactly as signed.
    const bytes = signEventBatch(signer, batch);
    if (bytes.length > this.maxBatchBytes) {
      const half = Math.ceil(next.events.length / 2);
      if (next.events.length > 1) {
        this.sealed.splice(
          0,
          1,
          { ...next, events: next.events.slice(0, half) },
          { ...next, events: next.events.slice(half) },
        );
      } else {
        // one event past the limit (frames are at most 64 KiB, so not from the kernel): counted
        this.sealed.shift();
        this.buffered--;
        this.droppedEvents++;
        this.options.metrics?.bufferDropped.inc({ kind: next.kind });
        this.options.logger.error(
          { kind: next.kind, bytes: bytes.length },
          `a ${next.kind} event alone makes a ${bytes.length}-byte batch, over ${this.maxBatchBytes}: dropped`,
        );
      }
      return undefined;
    }
    this.sequence = sequence;
    next.signed = {
      bytes,
      sequence,
      // (sender, session, sequence): a retried batch is stored once
      msgId: `${this.options.signing.senderId}:${this.options.sessionId}:${sequence}`,
      // Deprecated headers, kept for one release (see LOST_RECORDS_HEADER).
      headers: {
        [LOST_RECORDS_HEADER]: this.lostRecords.toString(),
        [DROPPED_EVENTS_HEADER]: this.droppedEvents.toString(),
      },
    };
    return next.signed;
  }

  private async pump(): Promise<void> {
    const { bus, node, logger } = this.options;
    while (this.sealed.length > 0) {
      const next = this.sealed[0] as SealedBatch;
      const signed = this.prepare(next);
      if (!signed) continue; // split (or an oversized event dropped): prepare the new head
      try {
        await publish(
          bus,
          subjects.telemetry(next.kind, node),
          signedBytesOf(signed.bytes),
          EMPTY_BATCH,
          {
            msgId: signed.msgId,
            headers: signed.headers,
          },
        );
        this.sealed.shift();
        this.buffered -= next.events.length;
        this.batchesPublished++;
        this.lastPublishedSequence = signed.sequence;
        this.options.metrics?.batches.inc({ kind: next.kind });
      } catch (err) {
        logger.warn(
          { err, sequence: signed.sequence.toString(), buffered: this.buffered },
          `publishing telemetry batch ${signed.sequence} failed, retrying: ${errorMessage(err)}`,
        );
        if (this.closed) return;
        await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 500));
      }
    }
  }
}

/** Under the TELEMETRY stream's 1 MiB message limit, with room for headers. */
export const DEFAULT_MAX_BATCH_BYTES = 900 * 1024;
/** publish() encodes through the MessageType below, never this value. */
const EMPTY_BATCH = EventBatch.fromPartial({});

/** A MessageType whose encoding is the signed bytes as produced (never a re-encoding). */
function signedBytesOf(signed: Uint8Array): MessageType<EventBatch> {
  return {
    $type: EventBatch.$type,
    encode: () => ({ finish: () => signed }),
    decode: EventBatch.decode,
  };
}
