// Appends every alert on ALERTS to trust's audit log. A durable consumer of its own reads the
// stream, so detection never waits for trust: while trust is down alerts are still published, and
// the consumer retries with backoff until trust takes them (JetStream keeps the position across
// restarts and shares the work between replicas). Appends run concurrently; trust folds concurrent
// appends into one atomic batch per checkpoint. The request id `alert:<id>` makes a retried append
// return the first entry instead of logging the alert twice.
import { ack, consume, reject, type Bus, type ConsumerHandle } from '@omega/bus';
import { MAX_ENTRY_BYTES } from '@omega/auditlog';
import { Alert, AuditEntry, AuditEntryKind, type AuditRef } from '@omega/proto';
import { isPermanent } from '@omega/runtime';
import type { AuditClient } from '@omega/trust-client';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { createHash } from 'node:crypto';
import { withActor, type AuditActor } from './trust-audit';

export const AUDIT_DURABLE = 'intelligence-audit';

export interface AlertAuditOptions {
  bus: Bus;
  /** Trust's audit log (trustAuditClient: its per-call deadline is the append's). */
  audit: AuditClient;
  /** Appends by outcome: `appended`, `retried` (trust unavailable or failing), `refused`. */
  counter: Counter<'outcome'>;
  logger: Logger;
  /** Appends in flight at once (default 32). */
  concurrency?: number;
  /** Redelivery delay after a failed append (default: the bus's, 1 s doubling to 60 s). */
  retryDelayMs?: (deliveryCount: number) => number;
  /** Audit refs remembered for the alert RPCs (default 100 000; the oldest are forgotten). */
  maxRefs?: number;
  /** Names this service (its enrolled identity) as each entry's actor. */
  actor?: AuditActor;
}

/** Attempts before an alert is given up on (dead-lettered): about two weeks at the 60 s cap. */
const MAX_ATTEMPTS = 20_000;

export class AlertAudit {
  private readonly refs = new Map<string, AuditRef>();
  private consumer: ConsumerHandle | undefined;

  constructor(private readonly options: AlertAuditOptions) {}

  async start(): Promise<void> {
    const { bus, logger, counter } = this.options;
    this.consumer = await consume<Alert>(bus, {
      stream: 'ALERTS',
      durable: AUDIT_DURABLE,
      type: Alert,
      concurrency: this.options.concurrency ?? 32,
      maxDeliver: MAX_ATTEMPTS,
      ...(this.options.retryDelayMs ? { retryDelayMs: this.options.retryDelayMs } : {}),
      logger,
      handler: async (alert, delivery) => {
        let ref: AuditRef;
        try {
          ref = await this.append(alert);
        } catch (err) {
          if (isPermanent(err)) {
            counter.inc({ outcome: 'refused' });
            return reject(`trust refused the audit entry for alert ${alert.id}: ${err.message}`);
          }
          counter.inc({ outcome: 'retried' });
          if (delivery.deliveryCount === 1) {
            logger.warn({ err, alert: alert.id }, `audit append deferred: ${String(err)}`);
          }
          throw err;
        }
        this.remember(alert.id, ref);
        counter.inc({ outcome: 'appended' });
        return ack();
      },
    });
  }

  /** The alert's entry in the audit log, when this replica appended it since it started. */
  refOf(alertId: string): AuditRef | undefined {
    return this.refs.get(alertId);
  }

  /** The alert as the RPCs return it: with its audit ref when known. */
  annotate(alert: Alert): Alert {
    const audit = this.refs.get(alert.id);
    return audit && !alert.audit ? { ...alert, audit } : alert;
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  private append(alert: Alert): Promise<AuditRef> {
    return this.options.audit.append(auditEntryOf(alert, this.options.actor), {
      requestId: `alert:${alert.id}`,
    });
  }

  private remember(alertId: string, ref: AuditRef): void {
    this.refs.set(alertId, ref);
    if (this.refs.size > (this.options.maxRefs ?? 100_000)) {
      this.refs.delete(this.refs.keys().next().value!);
    }
  }
}

/** Label holding the SHA-256 (hex) of the alert as published, when the entry carries a shortened copy. */
export const FULL_ALERT_SHA256_LABEL = 'audit.full_alert_sha256';

/**
 * The audit entry of an alert: its payload is the alert exactly as published when the entry fits
 * trust's limit; otherwise a shortened copy (explanation cut, reasons and all but the first
 * evidence and entities dropped) labelled with the SHA-256 of the alert as published, so the full
 * alert read from ALERTS can still be checked against the log.
 */
export function auditEntryOf(alert: Alert, actor?: AuditActor): AuditEntry {
  const entryOf = (payload: Uint8Array): AuditEntry =>
    withActor(
      AuditEntry.fromPartial({
        kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
        timeNs: alert.timeNs,
        subject: alert.id,
        summary: alert.title.slice(0, 200),
        payloadType: Alert.$type,
        payload: Buffer.from(payload),
      }),
      actor,
    );
  const full = Alert.encode(alert).finish();
  const entry = entryOf(full);
  if (AuditEntry.encode(entry).finish().byteLength <= MAX_ENTRY_BYTES) return entry;
  const sha256 = createHash('sha256').update(full).digest('hex');
  const short: Alert = {
    ...alert,
    explanation: `${alert.explanation.slice(0, 600)}…`,
    reasons: [],
    evidence: alert.evidence.slice(0, 1),
    entities: alert.entities.slice(0, 4),
    labels: { ...alert.labels, [FULL_ALERT_SHA256_LABEL]: sha256 },
  };
  return entryOf(Alert.encode(short).finish());
}
