// The detection path: a durable consumer on TELEMETRY admits each batch through the signature gate,
// runs its events through the Sigma rules and the streaming detectors, correlates the alerts into
// incidents and publishes them to ALERTS, acking a batch only once its alerts are stored. A second
// durable consumer does the same for deception interactions on DECEPTION. Alert ids are
// deterministic and used as JetStream msg ids, so a batch redelivered after a crash re-publishes
// alerts JetStream has already stored and they are not duplicated.
//
// Partitioning: with `partitions` N > 1, replica i reads TELEMETRY through its own durable consumer
// and processes only the batches of the nodes that hash to i (acking the others unread), so every
// entity's detector state (a pod, its service account and its IPs live on one node) is in exactly
// one replica.
import { createHash } from 'node:crypto';
import { ack, consume, publish, reject, subjects, type Bus, type ConsumerHandle } from '@omega/bus';
import { locateEvidence, type DetectorSet } from '@omega/detect';
import { Alert, Event, EventBatch, EventClass, type BatchRef } from '@omega/proto';
import type { Logger } from 'pino';
import {
  alertFromFinding,
  alertFromSigmaMatch,
  severityName,
  type BuiltAlert,
  type EvidenceLocation,
} from './alert-builder';
import type { AlertSuppression } from './alert-suppression';
import { RECEIVED_BATCH, type BatchGate } from '@omega/service';
import { CoverageTracker } from './coverage-tracker';
import { correlationKeysOf, incidentIdOf, type IncidentCorrelator } from './incident-correlator';
import type { IntelligenceMetrics } from './intelligence-metrics';
import { alertFromModuleEvent, isModuleEvent } from './module-alert';
import type { RuleCatalog } from './rule-catalog';

export const TELEMETRY_DURABLE = 'intelligence';
export const DECEPTION_DURABLE = 'intelligence-deception';
/** BatchRef.sender_id prefix of evidence from the DECEPTION stream (then the subject). */
export const DECEPTION_SENDER_PREFIX = 'omega.deception.';

/** The rules to run now (a RuleRegistry swaps catalogs when operators change rules). */
export interface CatalogSource {
  readonly catalog: RuleCatalog;
}

export interface PartitionSpec {
  /** This replica's partition, 0 ≤ index < count. */
  readonly index: number;
  readonly count: number;
}

export interface TelemetryPipelineOptions {
  bus: Bus;
  /** Verifies each batch's signature before any event reaches the detectors. */
  gate: BatchGate;
  rules: CatalogSource;
  detectors: DetectorSet;
  suppression: AlertSuppression;
  incidents: IncidentCorrelator;
  metrics: IntelligenceMetrics;
  logger: Logger;
  /** Default: one partition (every replica shares the durable `intelligence`). */
  partition?: PartitionSpec;
  /** Also consume DECEPTION (default true). */
  deception?: boolean;
  /** Handler attempts before a batch is dead-lettered (default 5). */
  maxDeliver?: number;
  /** Redelivery delay after a failed publish (default: the bus's backoff). */
  retryDelayMs?: (deliveryCount: number) => number;
  /** Called after a message's alerts are all stored, before its ack (for tests and tracing). */
  onProcessed?: (stream: 'TELEMETRY' | 'DECEPTION', seq: number, alerts: readonly Alert[]) => void;
}

/** Batches whose alerts were computed but not yet all published, kept for their redelivery. */
const MAX_PENDING_BATCHES = 1024;

const KIND_OF_CLASS: Readonly<Record<number, string>> = {
  [EventClass.EVENT_CLASS_PROCESS_ACTIVITY]: 'process',
  [EventClass.EVENT_CLASS_FILE_ACTIVITY]: 'file',
  [EventClass.EVENT_CLASS_KERNEL_ACTIVITY]: 'kernel',
  [EventClass.EVENT_CLASS_KERNEL_EXTENSION_ACTIVITY]: 'kernel_extension',
  [EventClass.EVENT_CLASS_NETWORK_ACTIVITY]: 'network',
  [EventClass.EVENT_CLASS_DNS_ACTIVITY]: 'dns',
  [EventClass.EVENT_CLASS_DECEPTION_INTERACTION]: 'deception',
};

function kindOf(event: Event): string {
  return KIND_OF_CLASS[event.classUid] ?? 'other';
}

/** The durable consumer name of a partition. */
export function telemetryDurable(partition: PartitionSpec | undefined): string {
  if (!partition || partition.count <= 1) return TELEMETRY_DURABLE;
  return `${TELEMETRY_DURABLE}-p${partition.index}of${partition.count}`;
}

/** The partition of a node: the first 4 bytes of SHA-256(node) modulo the count. */
export function partitionOfNode(node: string, count: number): number {
  return createHash('sha256').update(node).digest().readUInt32BE(0) % count;
}

/** `omega.telemetry.<kind>.<node>` → node ('' for another shape). */
function nodeOfSubject(subject: string): string {
  const parts = subject.split('.');
  return parts.length === 4 ? parts[3]! : '';
}

export class TelemetryPipeline {
  /**
   * Alerts of a message (by stream and sequence) computed on an earlier delivery whose publish
   * failed: the redelivery publishes these instead of feeding the events to the stateful detectors
   * twice.
   */
  private readonly pending = new Map<string, BuiltAlert[]>();
  private readonly consumers: ConsumerHandle[] = [];
  private readonly coverage: CoverageTracker;

  constructor(private readonly options: TelemetryPipelineOptions) {
    this.coverage = new CoverageTracker(options.suppression.windowMs);
  }

  /** Starts the durable consumers on TELEMETRY (this partition's) and DECEPTION. */
  async start(): Promise<void> {
    const { bus, logger, partition } = this.options;
    const common = {
      maxDeliver: this.options.maxDeliver ?? 5,
      ...(this.options.retryDelayMs ? { retryDelayMs: this.options.retryDelayMs } : {}),
      logger,
    };
    this.consumers.push(
      await consume<Uint8Array>(bus, {
        stream: 'TELEMETRY',
        durable: telemetryDurable(partition),
        type: RECEIVED_BATCH,
        ...common,
        handler: async (bytes, delivery) => {
          if (partition && partition.count > 1) {
            const node = nodeOfSubject(delivery.subject);
            if (partitionOfNode(node, partition.count) !== partition.index) return ack();
          }
          const key = `T${delivery.seq}`;
          let alerts = this.pending.get(key);
          if (!alerts) {
            const admission = await this.options.gate.admit(bytes, delivery.seq);
            if (!admission.ok) return reject(`${admission.reason}: ${admission.detail}`);
            alerts = this.detect(admission.batch, delivery.seq);
            this.remember(key, alerts);
          }
          await this.publishAll(alerts);
          this.pending.delete(key);
          this.options.onProcessed?.(
            'TELEMETRY',
            delivery.seq,
            alerts.map((a) => a.alert),
          );
          return ack();
        },
      }),
    );
    if (this.options.deception === false) return;
    this.consumers.push(
      await consume<Event>(bus, {
        stream: 'DECEPTION',
        durable: DECEPTION_DURABLE,
        type: Event,
        ...common,
        handler: async (event, delivery) => {
          const key = `D${delivery.seq}`;
          let alerts = this.pending.get(key);
          if (!alerts) {
            alerts = this.detectEvents([event], {
              senderId: delivery.subject,
              sessionId: '',
              sequence: 0n,
              streamSequence: BigInt(delivery.seq),
            });
            this.remember(key, alerts);
          }
          await this.publishAll(alerts);
          this.pending.delete(key);
          this.options.onProcessed?.(
            'DECEPTION',
            delivery.seq,
            alerts.map((a) => a.alert),
          );
          return ack();
        },
      }),
    );
  }

  /** Stops pulling and waits for the messages in hand (alerts published, or redelivered later). */
  async stop(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
  }

  /**
   * Runs every event of a batch through the rules and detectors; returns the alerts to publish,
   * repeats within the suppression window (and within the batch) left out, each with its incident
   * and, when the sender reported lost events recently, a coverage note.
   */
  detect(batch: EventBatch, streamSequence: number): BuiltAlert[] {
    const senderId = batch.sender?.id ?? '';
    const note = this.coverage.observe({
      senderId,
      sessionId: batch.sessionId,
      createdTimeNs: batch.createdTimeNs,
      lostRecords: batch.lostRecords,
      droppedEvents: batch.droppedEvents,
    });
    const alerts = this.detectEvents(batch.events, {
      senderId,
      sessionId: batch.sessionId,
      sequence: batch.sequence,
      streamSequence: BigInt(streamSequence),
    });
    if (note) {
      for (const { alert } of alerts) {
        alert.explanation = `${alert.explanation} ${note}`;
        alert.labels['coverage'] = 'partial';
      }
    }
    return alerts;
  }

  private detectEvents(events: readonly Event[], batchRef: BatchRef): BuiltAlert[] {
    const { rules, detectors, suppression, incidents, metrics } = this.options;
    const catalog = rules.catalog;
    const windowMs = suppression.windowMs;
    const built: BuiltAlert[] = [];
    events.forEach((event, eventIndex) => {
      const source = { event, batch: batchRef, eventIndex };
      if (isModuleEvent(event)) {
        // A module's verdict repeats an event already seen as telemetry: alert, never re-detect.
        metrics.events.inc({ kind: 'module' });
        const alert = alertFromModuleEvent(source, windowMs);
        if (alert && catalog.isEnabled(alert.alert.ruleId)) {
          metrics.ruleMatches.inc({ rule_id: alert.alert.ruleId });
          built.push(alert);
        }
        return;
      }
      metrics.events.inc({ kind: kindOf(event) });
      // Where the event sits, so a finding's every evidence event can be read back later.
      locateEvidence(event, { batch: batchRef, eventIndex } satisfies EvidenceLocation);
      catalog.matcher.match(event, (rule) => {
        metrics.ruleMatches.inc({ rule_id: `sigma:${rule.rule.id}` });
        built.push(alertFromSigmaMatch(rule, rule.explain(event), source, windowMs));
      });
      built.push(...catalog.lua.observe(event, source, windowMs, (id) => catalog.isEnabled(id)));
      for (const finding of detectors.observe(event)) {
        // The detector still learns from the event; a disabled detector only raises no alert.
        if (!catalog.isEnabled(`detector:${finding.detectorId}`)) continue;
        metrics.ruleMatches.inc({ rule_id: `detector:${finding.detectorId}` });
        built.push(alertFromFinding(finding, source, windowMs));
      }
    });
    const seen = new Set<string>();
    return built.filter((b) => {
      const { alert, entityKey } = b;
      if (seen.has(alert.id)) return false;
      seen.add(alert.id);
      const kind = alert.labels['detector.kind'] ?? '';
      if (suppression.isRepeat(alert.ruleId, kind, entityKey, alert.timeNs)) {
        metrics.suppressed.inc();
        return false;
      }
      alert.incidentId = incidents.assign(
        correlationKeysOf(entityKey, alert),
        alert.id,
        alert.timeNs,
      );
      return true;
    });
  }

  private async publishAll(alerts: readonly BuiltAlert[]): Promise<void> {
    const { bus, rules, suppression, metrics } = this.options;
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
      // The alert that opens an incident names it (incidentIdOf its entity and its own id).
      if (alert.incidentId === incidentIdOf(entityKey, alert.id)) {
        metrics.incidents.inc({ severity: severityName(alert.severity) });
      }
      rules.catalog.countMatch(alert.ruleId);
    });
  }

  private remember(key: string, alerts: BuiltAlert[]): void {
    this.pending.set(key, alerts);
    if (this.pending.size > MAX_PENDING_BATCHES) {
      // A batch that was dead-lettered never comes back: forget the oldest.
      this.pending.delete(this.pending.keys().next().value!);
    }
  }
}
