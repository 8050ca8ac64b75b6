// Reads alerts back from the ALERTS stream, the only place they are kept: pages newest first,
// lookups by id, and a live tail from a position for StreamAlerts. A message that does not decode
// is skipped and reported, never thrown: the stream keeps it for its retention, and one junk
// message must not break every read until then. Each read's consumer is deleted when it ends.
import {
  DeliverPolicy,
  type Consumer,
  type ConsumerMessages,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import type { Bus } from '@omega/bus';
import { Alert, type AlertFilter } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { alertMatchesFilter } from './alert-filter';

const STREAM = 'ALERTS';
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface StoredAlert {
  alert: Alert;
  /** ALERTS stream sequence: the cursor and page token. */
  seq: number;
}

export interface AlertPage {
  alerts: StoredAlert[];
  /** Stream sequence to pass as `beforeSeq` for the next (older) page; 0 when there is none. */
  nextBeforeSeq: number;
}

/** Where a live tail starts: after a cursor, at a time, or with the next new alert. */
export type TailStart = { afterSeq: number } | { startTimeNs: bigint } | { newOnly: true };

/** A stored message that is not an Alert: where it is and why it did not decode. */
export interface UnreadableAlert {
  seq: number;
  subject: string;
  reason: string;
}

export interface AlertStoreOptions {
  /** Called once per unreadable message a read skips (each read that meets it reports it). */
  onUnreadable?: (unreadable: UnreadableAlert) => void;
}

/** Largest message decoded as an alert; ALERTS' own max_msg_size bounds what is stored. */
const MAX_ALERT_BYTES = 1024 * 1024;

/** Decodes one ALERTS message, or says why it is not an alert. */
export function decodeStoredAlert(
  data: Uint8Array,
): { alert: Alert; reason?: undefined } | { alert?: undefined; reason: string } {
  if (data.length > MAX_ALERT_BYTES) {
    return { reason: `${data.length} bytes, more than an alert's ${MAX_ALERT_BYTES}` };
  }
  let alert: Alert;
  try {
    alert = Alert.decode(data);
  } catch (err) {
    return { reason: `not an omega.v1.Alert: ${err instanceof Error ? err.message : String(err)}` };
  }
  // Protobuf decodes many byte strings without error; an alert without an id is none of ours.
  if (!alert.id) return { reason: 'not an omega.v1.Alert: no id' };
  return { alert };
}

export class AlertStore {
  private readonly onUnreadable: (unreadable: UnreadableAlert) => void;

  constructor(
    private readonly bus: Bus,
    options: AlertStoreOptions = {},
  ) {
    this.onUnreadable = options.onUnreadable ?? (() => undefined);
  }

  /** The alert in a message read from ALERTS, or undefined (reported) when it is not one. */
  decode(msg: { data: Uint8Array; seq: number; subject: string }): Alert | undefined {
    const decoded = decodeStoredAlert(msg.data);
    if (decoded.alert) return decoded.alert;
    this.onUnreadable({ seq: msg.seq, subject: msg.subject, reason: decoded.reason });
    return undefined;
  }

  /**
   * Visits every retained alert up to the stream's last sequence at call time, oldest first.
   * A scan: O(alerts retained) per call, which is fine for this first slice (see docs).
   */
  private async scan(visit: (stored: StoredAlert) => boolean | void): Promise<void> {
    const info = await this.bus.jsm.streams.info(STREAM);
    const lastSeq = info.state.last_seq;
    if (info.state.messages === 0 || lastSeq === 0) return;
    const consumer = await this.bus.js.consumers.get(STREAM, {
      deliver_policy: DeliverPolicy.All,
    } satisfies Partial<OrderedConsumerOptions>);
    const messages = await consumer.consume();
    try {
      for await (const msg of messages) {
        const alert = this.decode(msg);
        const stop = alert ? visit({ alert, seq: msg.seq }) : false;
        if (stop === true || msg.seq >= lastSeq) break;
      }
    } finally {
      await messages.close();
      await deleteConsumer(consumer);
    }
  }

  /** Alerts passing `filter`, newest first, `pageSize` at most, older than `beforeSeq` when set. */
  async list(filter: AlertFilter | undefined, pageSize: number, beforeSeq = 0): Promise<AlertPage> {
    const size = Math.min(pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    // The newest size + 1 matches: one more than the page tells whether an older page exists.
    const window: StoredAlert[] = [];
    await this.scan((stored) => {
      if (beforeSeq > 0 && stored.seq >= beforeSeq) return true;
      if (!alertMatchesFilter(stored.alert, filter)) return;
      window.push(stored);
      if (window.length > size + 1) window.shift();
    });
    const more = window.length > size;
    const page = window.slice(more ? 1 : 0).reverse();
    return { alerts: page, nextBeforeSeq: more ? page[page.length - 1]!.seq : 0 };
  }

  /** Every retained alert passing `filter`, oldest first. */
  async all(filter: AlertFilter | undefined): Promise<Alert[]> {
    const alerts: Alert[] = [];
    await this.scan((stored) => {
      if (alertMatchesFilter(stored.alert, filter)) alerts.push(stored.alert);
    });
    return alerts;
  }

  /** The alert with this id; NotFound when it is not (or no longer) retained. */
  async get(alertId: string): Promise<StoredAlert> {
    let found: StoredAlert | undefined;
    await this.scan((stored) => {
      if (stored.alert.id !== alertId) return false;
      found = stored;
      return true;
    });
    if (!found) {
      throw new OmegaError(
        Code.NotFound,
        `alert ${alertId}: not in the ALERTS stream (unknown or past retention)`,
      );
    }
    return found;
  }

  /**
   * A live tail over ALERTS through an ordered consumer, alerts only (unreadable messages are
   * skipped and reported). close() ends it and deletes the consumer, which the server would
   * otherwise keep for 5 minutes after every call.
   */
  async tail(start: TailStart): Promise<AlertTail> {
    const options: Partial<OrderedConsumerOptions> =
      'afterSeq' in start
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start.afterSeq + 1 }
        : 'startTimeNs' in start
          ? {
              deliver_policy: DeliverPolicy.StartTime,
              opt_start_time: new Date(Number(start.startTimeNs / 1_000_000n)).toISOString(),
            }
          : { deliver_policy: DeliverPolicy.New };
    const consumer = await this.bus.js.consumers.get(STREAM, options);
    const messages = await consumer.consume();
    return new AlertTail(this, consumer, messages);
  }
}

/** The alerts of a live tail, in stream order; close() ends the iteration. */
export class AlertTail implements AsyncIterable<StoredAlert> {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly store: AlertStore,
    private readonly consumer: Consumer,
    private readonly messages: ConsumerMessages,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<StoredAlert> {
    for await (const msg of this.messages) {
      const alert = this.store.decode(msg);
      if (alert) yield { alert, seq: msg.seq };
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // messages.close() stops the pulls at once but settles only once the iterator has drained,
      // which never happens when nobody iterated (a StreamAlerts call cancelled while its tail was
      // being set up): waiting for it before the delete left that call's consumer on the server.
      this.messages.close().catch(() => {
        // An iterator that ended with an error is closed all the same.
      });
      await deleteConsumer(this.consumer);
    })();
    return this.closing;
  }
}

/**
 * Deletes an ordered consumer's current server-side consumer. Best effort: when the connection
 * is gone the server's inactivity threshold removes it anyway.
 */
async function deleteConsumer(consumer: Consumer): Promise<void> {
  try {
    await consumer.delete();
  } catch {
    // Already gone (deleted, expired or never created): nothing to clean up.
  }
}
