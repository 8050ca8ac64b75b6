// The sentinel's Prometheus metrics (omega_sentinel_<thing>_<unit>).
import { Counter, Gauge, type LabelValues, type Registry } from 'prom-client';

export interface SentinelMetrics {
  events: Counter<'kind'>;
  batches: Counter<'kind'>;
  ringbufLost: TotalsCounter<'kind'>;
  bufferDropped: Counter<'kind'>;
  xdpDropped: TotalsCounter<never>;
  stealthDropped: TotalsCounter<'reason'>;
  undecodedDns: Counter;
  /** omega_policy block entries the policy watch skipped because they are malformed. */
  policyEntriesRejected: Counter;
  /** omega_policy file watch entries skipped (malformed, or past the kernel map's size). */
  fileWatchesRejected: Counter;
  /** TOKEN_USE interactions of honeytoken files, published to DECEPTION or dropped. */
  tokenUses: Counter<'outcome'>;
  publishLag: Gauge;
  bufferedEvents: Gauge;
}

export function sentinelMetrics(registry: Registry): SentinelMetrics {
  return {
    policyEntriesRejected: new Counter({
      name: 'omega_sentinel_policy_entries_rejected_total',
      help: 'omega_policy block entries skipped because they are malformed (not a SourceBlock, or a CIDR that is not the one the key names)',
      registers: [registry],
    }),
    fileWatchesRejected: new Counter({
      name: 'omega_sentinel_file_watches_rejected_total',
      help: 'omega_policy file watch entries skipped (not a FileWatch, a path that may not be watched, or more than the kernel map holds)',
      registers: [registry],
    }),
    tokenUses: new Counter({
      name: 'omega_sentinel_honeytoken_file_opens_total',
      help: 'Opens of honeytoken files reported to deception as TOKEN_USE interactions, by outcome (published, dropped)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    events: new Counter({
      name: 'omega_sentinel_events_total',
      help: 'Events accepted for publishing, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    batches: new Counter({
      name: 'omega_sentinel_batches_total',
      help: 'EventBatches acknowledged by JetStream, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    ringbufLost: new TotalsCounter(
      new Counter({
        name: 'omega_sentinel_ringbuf_lost_records_total',
        help: 'Records the kernel ring buffer had no room for, by kind',
        labelNames: ['kind'],
        registers: [registry],
      }),
    ),
    bufferDropped: new Counter({
      name: 'omega_sentinel_buffer_dropped_events_total',
      help: 'Events dropped because the publish buffer was full (NATS slow or down), by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    xdpDropped: new TotalsCounter(
      new Counter({
        name: 'omega_sentinel_xdp_dropped_packets_total',
        help: 'Packets dropped by the XDP block list',
        registers: [registry],
      }),
    ),
    stealthDropped: new TotalsCounter(
      new Counter({
        name: 'omega_sentinel_stealth_dropped_packets_total',
        help: 'Packets to protected UDP ports dropped silently, by reason',
        labelNames: ['reason'],
        registers: [registry],
      }),
    ),
    undecodedDns: new Counter({
      name: 'omega_sentinel_dns_undecoded_total',
      help: 'UDP port 53 packets that did not decode as DNS (their flows still count them)',
      registers: [registry],
    }),
    publishLag: new Gauge({
      name: 'omega_sentinel_publish_lag_seconds',
      help: 'Age of the oldest event waiting to be published',
      registers: [registry],
    }),
    bufferedEvents: new Gauge({
      name: 'omega_sentinel_buffered_events',
      help: 'Events held for publishing (bounded by sentinel.maxBufferedEvents)',
      registers: [registry],
    }),
  };
}

/**
 * A counter fed with the loader's running totals (counted in the kernel since the loader started):
 * each total adds what it grew by. A total below the last one means a new loader counting from
 * zero, so all of it is new; the counter itself never goes down, as Prometheus expects of one.
 */
export class TotalsCounter<L extends string> {
  private readonly last = new Map<string, number>();

  constructor(readonly counter: Counter<L>) {}

  /** Takes the running total for the series `labels` names. */
  record(total: number, labels: LabelValues<L> = {}): void {
    const key = JSON.stringify(labels);
    const previous = this.last.get(key) ?? 0;
    this.last.set(key, total);
    this.counter.inc(labels, total >= previous ? total - previous : total);
  }
}
