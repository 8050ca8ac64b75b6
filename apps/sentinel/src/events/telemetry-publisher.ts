// Batches events per kind into EventBatches (sequence numbers, loss counters), signs each and
// publishes it to TELEMETRY with bounded memory: when JetStream is slow or down, events past the
// limit are counted as dropped, never buffered without bound.
import { publish, subjects, type Bus, type MessageType } from '@omega/bus';
import { Event, EventBatch } from '@omega/proto';
import type { BatchSigning } from './batch-signing-key';
import {
  EVENTS_FIELD_KEY,
  envelopeAllowanceBytes,
  signedEventBatchBytes,
} from './event-batch-bytes';
import { ProtoWriter } from '@omega/proto';
import type { Logger } from '@omega/runtime';
import { errorMessage } from '@omega/runtime';
import type { SentinelMetrics } from '../sentinel-metrics';

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
  /** Batches sent to JetStream before the oldest is acknowledged (default 4). */
  maxInFlightBatches?: number;
  now?: () => bigint;
  /** Sees each accepted event's bytes (a view, valid during the call only): the modules. */
  onEvent?: (kind: string, eventBytes: Uint8Array) => void;
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

/** Writes one event into the batch; false when there is nothing to add (nothing may be written then). */
export type EventEncoder = (w: ProtoWriter) => boolean;

/** A batch's events as the bytes of their EventBatch.events entries, in order. */
interface OpenBatch {
  writer: ProtoWriter;
  /** End offset of each event entry in writer's bytes. */
  ends: number[];
  oldestMs: number;
}

interface SealedBatch {
  kind: string;
  entries: Uint8Array;
  ends: number[];
  oldestMs: number;
  /** Set on the first attempt to publish, and reused by every retry (same bytes, same msg id). */
  signed?: { bytes: Uint8Array; sequence: bigint; msgId: string; headers: Record<string, string> };
  /** The publish under way: resolves with its error, or undefined once acknowledged. */
  attempt?: Promise<unknown>;
}

export class TelemetryPublisher {
  private readonly open = new Map<string, OpenBatch>();
  private readonly sealed: SealedBatch[] = [];
  private buffered = 0;
  private sequence = 0n;
  private lostRecords = 0n;
  private droppedEvents = 0n;
  private eventsAccepted = 0n;
  private batchesPublished = 0n;
  private lastPublishedSequence = 0n;
  /** Per-kind counts not yet added to the metrics (added on each flush, not per event). */
  private readonly acceptedByKind = new Map<string, number>();
  private readonly droppedByKind = new Map<string, number>();
  /** Bytes each kind's last batch reached: the next one's buffer starts at that size. */
  private readonly lastBatchBytes = new Map<string, number>();
  private pumping: Promise<void> | undefined;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatchEvents: number;
  private readonly maxBatchBytes: number;
  /** Bytes of event entries a batch may hold: maxBatchBytes less the envelope and signature. */
  private readonly maxEntryBytes: number;
  private readonly maxBufferedEvents: number;
  private readonly now: () => bigint;

  constructor(private readonly options: TelemetryPublisherOptions) {
    this.maxBatchEvents = options.maxBatchEvents ?? 2_048;
    this.maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    this.maxEntryBytes =
      this.maxBatchBytes - envelopeAllowanceBytes(options.signing.senderId, options.sessionId);
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

  /** Adds an Event object (encoded with ts-proto). */
  add(kind: string, event: Event): void {
    this.addEncoded(kind, (w) => {
      w.raw(Event.encode(event).finish());
      return true;
    });
  }

  /**
   * Adds the event `encode` writes (a hand-written encoder, event-encoders.ts). Returns false when
   * the event was dropped (buffer full, closed, or too large for a batch) or `encode` had nothing
   * to add; a throw from `encode` leaves the batch as it was.
   */
  addEncoded(kind: string, encode: EventEncoder): boolean {
    if (this.closed || this.buffered >= this.maxBufferedEvents) {
      this.countDropped(kind);
      return false;
    }
    let open = this.openBatch(kind);
    const w = open.writer;
    const start = w.pos;
    w.uint32(EVENTS_FIELD_KEY).fork();
    const bodyStart = w.pos;
    let added: boolean;
    try {
      added = encode(w);
    } catch (err) {
      w.truncate(start);
      throw err;
    }
    if (!added) {
      w.truncate(start);
      return false;
    }
    const bodyBytes = w.pos - bodyStart;
    w.join();
    this.options.onEvent?.(kind, w.buf.subarray(w.pos - bodyBytes, w.pos));
    if (w.pos > this.maxEntryBytes) {
      const entry = Buffer.from(w.buf.subarray(start, w.pos));
      w.truncate(start);
      if (entry.length > this.maxEntryBytes) {
        // frames are at most 64 KiB, so never one from the kernel
        this.countDropped(kind);
        this.options.logger.error(
          { kind, bytes: entry.length },
          `a ${kind} event alone makes a batch over ${this.maxBatchBytes} bytes (${entry.length} bytes of event): dropped`,
        );
        return false;
      }
      this.seal(kind); // full: the event opens the next batch
      open = this.openBatch(kind);
      open.writer.raw(entry);
    }
    open.ends.push(open.writer.pos);
    this.buffered++;
    this.eventsAccepted++;
    this.acceptedByKind.set(kind, (this.acceptedByKind.get(kind) ?? 0) + 1);
    if (open.ends.length >= this.maxBatchEvents) this.seal(kind);
    return true;
  }

  /** Seals every open batch and starts publishing. */
  flush(): void {
    for (const kind of [...this.open.keys()]) this.seal(kind);
    this.flushMetrics();
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
    this.flushMetrics();
  }

  private countDropped(kind: string): void {
    this.droppedEvents++;
    this.droppedByKind.set(kind, (this.droppedByKind.get(kind) ?? 0) + 1);
  }

  private flushMetrics(): void {
    const metrics = this.options.metrics;
    for (const [kind, n] of this.acceptedByKind) metrics?.events.inc({ kind }, n);
    for (const [kind, n] of this.droppedByKind) metrics?.bufferDropped.inc({ kind }, n);
    this.acceptedByKind.clear();
    this.droppedByKind.clear();
  }

  private openBatch(kind: string): OpenBatch {
    let open = this.open.get(kind);
    if (!open) {
      // sized as the kind's last batch, so that the buffer rarely has to grow
      const bytes = Math.min(this.lastBatchBytes.get(kind) ?? 64 * 1024, this.maxBatchBytes);
      open = { writer: new ProtoWriter(bytes), ends: [], oldestMs: Date.now() };
      this.open.set(kind, open);
    }
    return open;
  }

  private seal(kind: string): void {
    const open = this.open.get(kind);
    if (!open) return;
    this.open.delete(kind);
    if (open.ends.length === 0) return;
    this.lastBatchBytes.set(kind, open.writer.pos + 1024);
    this.sealed.push({
      kind,
      entries: open.writer.bytes(),
      ends: open.ends,
      oldestMs: open.oldestMs,
    });
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  /**
   * Numbers and signs the batch at the head of the queue, once: the loss counts are those at its
   * first attempt. A batch whose signed bytes exceed maxBatchBytes is split in two first.
   */
  private prepare(at: number): NonNullable<SealedBatch['signed']> | undefined {
    const next = this.sealed[at] as SealedBatch;
    if (next.signed) return next.signed;
    const signer = this.options.signing.signer();
    const sequence = this.sequence + 1n;
    const bytes = signedEventBatchBytes(
      signer,
      {
        senderId: this.options.signing.senderId,
        keyId: signer.keyId,
        sessionId: this.options.sessionId,
        sequence,
        createdTimeNs: this.now(),
        lostRecords: this.lostRecords,
        droppedEvents: this.droppedEvents,
      },
      next.entries,
    );
    // Verifiers split the received bytes at field 15: they are published exactly as signed.
    if (bytes.length > this.maxBatchBytes) {
      // the envelope allowance is an upper bound, so this is a safety net, not the usual path
      const count = next.ends.length;
      const half = Math.ceil(count / 2);
      const cut = next.ends[half - 1] as number;
      if (count > 1) {
        this.sealed.splice(
          at,
          1,
          { ...next, entries: next.entries.subarray(0, cut), ends: next.ends.slice(0, half) },
          {
            ...next,
            entries: next.entries.subarray(cut),
            ends: next.ends.slice(half).map((end) => end - cut),
          },
        );
      } else {
        this.sealed.splice(at, 1);
        this.buffered--;
        this.countDropped(next.kind);
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

  /**
   * Publishes the sealed batches in order, up to maxInFlight at once (JetStream acknowledges a
   * ~0.5 MB batch in a few ms; waiting for each before sending the next left the sentinel idle).
   * A batch leaves the queue only once acknowledged. When one fails, the ones sent after it are
   * let finish and everything from it on is sent again, in order, with the same message ids (so
   * JetStream stores each once).
   */
  private async pump(): Promise<void> {
    const { logger } = this.options;
    const maxInFlight = this.options.maxInFlightBatches ?? 4;
    while (this.sealed.length > 0) {
      // send: the in-flight batches are always a prefix of the queue
      let sent = 0;
      while (sent < this.sealed.length && sent < maxInFlight) {
        const batch = this.sealed[sent] as SealedBatch;
        if (!batch.attempt) {
          const signed = this.prepare(sent);
          if (!signed) continue; // split (or an oversized event dropped): prepare that slot again
          batch.attempt = this.send(batch.kind, signed);
        }
        sent++;
      }
      const head = this.sealed[0];
      if (!head) return; // the only batch held one oversized event, now dropped
      const failure = await head.attempt;
      if (failure === undefined) {
        this.sealed.shift();
        this.buffered -= head.ends.length;
        this.batchesPublished++;
        this.lastPublishedSequence = head.signed!.sequence;
        this.options.metrics?.batches.inc({ kind: head.kind });
        continue;
      }
      logger.warn(
        { err: failure, sequence: head.signed!.sequence.toString(), buffered: this.buffered },
        `publishing telemetry batch ${head.signed!.sequence} failed, retrying: ${errorMessage(failure)}`,
      );
      const inFlight = this.sealed.filter((b) => b.attempt !== undefined);
      await Promise.all(inFlight.map((b) => b.attempt));
      for (const b of inFlight) b.attempt = undefined;
      if (this.closed) return;
      await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 500));
    }
  }

  /** One publish; resolves with its error instead of rejecting. */
  private async send(kind: string, signed: NonNullable<SealedBatch['signed']>): Promise<unknown> {
    try {
      await publish(
        this.options.bus,
        subjects.telemetry(kind, this.options.node),
        signedBytesOf(signed.bytes),
        EMPTY_BATCH,
        { msgId: signed.msgId, headers: signed.headers },
      );
      return undefined;
    } catch (err) {
      return err ?? new Error('publish failed');
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
