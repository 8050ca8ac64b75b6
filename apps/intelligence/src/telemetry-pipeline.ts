// The detection path: a durable consumer on TELEMETRY runs each event through the Sigma rules and
// the streaming detectors and publishes the alerts to ALERTS, acking a batch only once its alerts
// are stored. Alert ids are deterministic and used as JetStream msg ids, so a batch redelivered
// after a crash re-publishes alerts JetStream has already stored and they are not duplicated.
import {
  ack,
  consume,
  publish,
  reject,
  subjects,
  type Bus,
  type ConsumerHandle,
  type MessageType,
} from '@omega/bus';
import type { DetectorSet } from '@omega/detect';
import { Alert, EventBatch, EventClass, type BatchRef, type Event } from '@omega/proto';
import type { Logger } from 'pino';
import {
  alertFromFinding,
  alertFromSigmaMatch,
  severityName,
  type BuiltAlert,
} from './alert-builder';
import type { AlertSuppression } from './alert-suppression';
import type { BatchGate } from './batch-gate';
import type { IntelligenceMetrics } from './intelligence-metrics';
import type { RuleCatalog } from './rule-catalog';

export const TELEMETRY_DURABLE = 'intelligence';

export interface TelemetryPipelineOptions {
  bus: Bus;
  /** Verifies each batch's signature before any event reaches the detectors. */
  gate: BatchGate;
  catalog: RuleCatalog;
  detectors: DetectorSet;
  suppression: AlertSuppression;
  metrics: IntelligenceMetrics;
  logger: Logger;
  /** Handler attempts before a batch is dead-lettered (default 5). */
  maxDeliver?: number;
  /** Redelivery delay after a failed publish (default: the bus's backoff). */
  retryDelayMs?: (deliveryCount: number) => number;
}

/** Batches whose alerts were computed but not yet all published, kept for their redelivery. */
const MAX_PENDING_BATCHES = 1024;

const KIND_OF_CLASS: Readonly<Record<number, string>> = {
  [EventClass.EVENT_CLASS_PROCESS_ACTIVITY]: 'process',
  [EventClass.EVENT_CLASS_NETWORK_ACTIVITY]: 'network',
  [EventClass.EVENT_CLASS_DNS_ACTIVITY]: 'dns',
  [EventClass.EVENT_CLASS_DECEPTION_INTERACTION]: 'deception',
};

function kindOf(event: Event): string {
  return KIND_OF_CLASS[event.classUid] ?? 'other';
}

/**
 * TELEMETRY messages as received: the signature covers the exact bytes, so the gate decodes them
 * itself (a batch that does not decode is rejected by the gate, with the decoder's error).
 */
const RECEIVED_BATCH: MessageType<Uint8Array> = {
  $type: EventBatch.$type,
  encode: (bytes) => ({ finish: () => bytes }),
  decode: (bytes) => bytes,
};

export class TelemetryPipeline {
  /**
   * Alerts of a batch (by stream sequence) computed on an earlier delivery whose publish failed:
   * the redelivery publishes these instead of feeding the events to the stateful detectors twice.
   */
  private readonly pending = new Map<number, BuiltAlert[]>();
  private consumer: ConsumerHandle | undefined;

  constructor(private readonly options: TelemetryPipelineOptions) {}

  /** Starts the durable consumer `intelligence` on TELEMETRY. */
  async start(): Promise<void> {
    const { bus, logger } = this.options;
    this.consumer = await consume<Uint8Array>(bus, {
      stream: 'TELEMETRY',
      durable: TELEMETRY_DURABLE,
      type: RECEIVED_BATCH,
      maxDeliver: this.options.maxDeliver ?? 5,
      ...(this.options.retryDelayMs ? { retryDelayMs: this.options.retryDelayMs } : {}),
      logger,
      handler: async (bytes, delivery) => {
        let alerts = this.pending.get(delivery.seq);
        if (!alerts) {
          const admission = await this.options.gate.admit(bytes, delivery.seq);
          if (!admission.ok) return reject(`${admission.reason}: ${admission.detail}`);
          alerts = this.detect(admission.batch, delivery.seq);
          this.remember(delivery.seq, alerts);
        }
        await this.publishAll(alerts);
        this.pending.delete(delivery.seq);
        return ack();
      },
    });
  }

  /** Stops pulling and waits for the batch in hand (its alerts published, or it is redelivered). */
  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  /**
   * Runs every event of a batch through the rules and detectors; returns the alerts to publish,
   * repeats within the suppression window (and within the batch) left out.
   */
  detect(batch: EventBatch, streamSequence: number): BuiltAlert[] {
    const { catalog, detectors, suppression, metrics } = this.options;
    const batchRef: BatchRef = {
      senderId: batch.sender?.id ?? '',
      sessionId: batch.sessionId,
      sequence: batch.sequence,
      streamSequence: BigInt(streamSequence),
    };
    const windowMs = suppression.windowMs;
    const built: BuiltAlert[] = [];
    batch.events.forEach((event, eventIndex) => {
      metrics.events.inc({ kind: kindOf(event) });
      const source = { event, batch: batchRef, eventIndex };
      catalog.matcher.match(event, (rule) => {
        built.push(alertFromSigmaMatch(rule, rule.explain(event), source, windowMs));
      });
      for (const finding of detectors.observe(event)) {
        built.push(alertFromFinding(finding, source, windowMs));
      }
    });
    const seen = new Set<string>();
    return built.filter(({ alert, entityKey }) => {
      if (seen.has(alert.id)) return false;
      seen.add(alert.id);
      const kind = alert.labels['detector.kind'] ?? '';
      if (suppression.isRepeat(alert.ruleId, kind, entityKey, alert.timeNs)) {
        metrics.suppressed.inc();
        return false;
      }
      return true;
    });
  }

  private async publishAll(alerts: readonly BuiltAlert[]): Promise<void> {
    const { bus, catalog, suppression, metrics } = this.options;
    const acks = await Promise.all(
      alerts.map(({ alert }) =>
        publish(bus, subjects.alerts(severityName(alert.severity)), Alert, alert, {
          msgId: alert.id,
        }),
      ),
    );
    alerts.forEach(({ alert, entityKey }, i) => {
      suppression.record(
        alert.ruleId,
        alert.labels['detector.kind'] ?? '',
        entityKey,
        alert.timeNs,
      );
      if (acks[i]!.duplicate) return;
      metrics.alerts.inc({ severity: severityName(alert.severity) });
      catalog.countMatch(alert.ruleId);
    });
  }

  private remember(streamSequence: number, alerts: BuiltAlert[]): void {
    this.pending.set(streamSequence, alerts);
    if (this.pending.size > MAX_PENDING_BATCHES) {
      // A batch that was dead-lettered never comes back: forget the oldest.
      this.pending.delete(this.pending.keys().next().value!);
    }
  }
}
