// Reads alerts back from the ALERTS stream, the only place they are kept: pages newest first,
// lookups by id, and a live tail from a position for StreamAlerts.
import {
  DeliverPolicy,
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

export class AlertStore {
  constructor(private readonly bus: Bus) {}

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
        const stop = visit({ alert: Alert.decode(msg.data), seq: msg.seq });
        if (stop === true || msg.seq >= lastSeq) break;
      }
    } finally {
      await messages.close();
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

  /** A live tail over ALERTS through an ordered consumer; close() the messages to end it. */
  async tail(start: TailStart): Promise<ConsumerMessages> {
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
    return consumer.consume();
  }
}
