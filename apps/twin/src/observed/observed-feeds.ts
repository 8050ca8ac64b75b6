// The bus side of what the twin observes: a durable consumer on TELEMETRY (flows) and one on
// ALERTS (alerted vertices), their state read back from omega_twin at start and written there
// every flush interval and at shutdown, so a restart keeps it.
import { ack, consume, term, type Bus, type ConsumerHandle, type KV } from '@omega/bus';
import { Alert } from '@omega/proto';
import { RECEIVED_BATCH, type BatchGate } from '@omega/service';
import { errorMessage, type Logger } from '@omega/runtime';
import type { TwinMetrics } from '../twin-metrics';
import type { AlertedVertices } from './alerted-vertices';
import type { AddressResolver, ObservedFlows } from './observed-flows';

/** Durable consumer names (kept across restarts; replicas share them). */
export const FLOWS_DURABLE = 'twin-flows';
export const ALERTS_DURABLE = 'twin-alerts';

export interface ObservedFeedsOptions {
  readonly bus: Bus;
  readonly kv: KV;
  readonly flows: ObservedFlows;
  readonly alerts: AlertedVertices;
  readonly resolve: AddressResolver;
  /** Admits TELEMETRY batches by their signature (and refuses replays). */
  readonly gate: BatchGate;
  readonly logger: Logger;
  readonly metrics: TwinMetrics;
  readonly flushIntervalMs: number;
  /** Alerts older than this stop marking their vertices. */
  readonly alertTtlMs: number;
}

export class ObservedFeeds {
  private readonly consumers: ConsumerHandle[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: ObservedFeedsOptions) {}

  async start(): Promise<void> {
    const { bus, kv, flows, alerts, resolve, gate, logger, metrics } = this.options;
    await flows.records.load(kv, logger);
    await alerts.records.load(kv, logger);
    this.report();
    logger.info(
      { flows: flows.records.size, alerts: alerts.records.size },
      `twin: ${flows.records.size} observed flows and ${alerts.records.size} open alerts read back`,
    );
    this.consumers.push(
      await consume(bus, {
        stream: 'TELEMETRY',
        durable: FLOWS_DURABLE,
        type: RECEIVED_BATCH,
        deadLetter: false,
        logger,
        handler: async (bytes, delivery) => {
          const admission = await gate.admit(bytes, delivery.seq);
          // Refused batches are counted (omega_twin_batches_total) and dropped; intelligence, which
          // reads the same stream, dead-letters them for inspection.
          if (!admission.ok) return term(`${admission.reason}: ${admission.detail}`);
          const { batch } = admission;
          const recorded = flows.recordBatch(batch, resolve);
          metrics.flowEvents.inc({ outcome: 'recorded' }, recorded);
          metrics.flowEvents.inc({ outcome: 'not_a_flow' }, batch.events.length - recorded);
          return ack();
        },
      }),
      await consume(bus, {
        stream: 'ALERTS',
        durable: ALERTS_DURABLE,
        type: Alert,
        deadLetter: false,
        logger,
        handler: async (alert) => {
          alerts.take(alert, resolve);
          return ack();
        },
      }),
    );
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes changed records to omega_twin (one flush at a time). */
  flush(): Promise<void> {
    const { kv, flows, alerts, logger, alertTtlMs } = this.options;
    this.flushing = this.flushing.then(async () => {
      alerts.expire(BigInt(Date.now() - alertTtlMs) * 1_000_000n);
      this.report();
      try {
        await flows.records.flush(kv);
        await alerts.records.flush(kv);
      } catch (err) {
        logger.warn(
          { err: errorMessage(err) },
          `twin: writing omega_twin failed (retried at the next flush): ${errorMessage(err)}`,
        );
      }
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const consumer of this.consumers) await consumer.stop();
    await this.flush();
  }

  private report(): void {
    this.options.metrics.observedFlows.set(this.options.flows.records.size);
    this.options.metrics.alertedNodes.set(this.options.alerts.alerted().size);
  }
}
