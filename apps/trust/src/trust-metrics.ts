// Prometheus metrics of the trust service (audit log and identities), on the service's registry.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface AuditLogMetrics {
  /** Appends answered with a bundle (a retried append counts again). */
  readonly appends: Counter;
  /** Appends taken into one batch (one publish round and one checkpoint). */
  readonly batchSize: Histogram;
  /** Writing a batch's tiles, signing its checkpoint and publishing it. */
  readonly checkpointSeconds: Histogram;
  /** Tree size of the latest signed checkpoint. */
  readonly entries: Gauge;
  /** When the latest checkpoint was signed (Unix seconds): its age is `time() - this`. */
  readonly checkpointTimestamp: Gauge;
  /** Junk messages in AUDIT stepped over (never part of the tree), by reason (skipped-messages.ts). */
  readonly skippedMessages: Counter<'reason'>;
}

export interface IdentityMetrics {
  /** Credentials issued at enrollment, by subject kind (service, sentinel, gateway, …). */
  readonly issued: Counter<'kind'>;
}

export interface TrustMetrics {
  readonly audit: AuditLogMetrics;
  readonly identities: IdentityMetrics;
}

export function trustMetrics(registry: Registry): TrustMetrics {
  return {
    audit: {
      appends: new Counter({
        name: 'omega_trust_audit_appends_total',
        help: 'Audit log appends answered with an offline bundle (retries count again)',
        registers: [registry],
      }),
      batchSize: new Histogram({
        name: 'omega_trust_audit_batch_size',
        help: 'Appends taken into one audit log batch (one publish round, one signed checkpoint)',
        buckets: [1, 4, 16, 64, 256, 512, 1024, 2048, 4096],
        registers: [registry],
      }),
      checkpointSeconds: new Histogram({
        name: 'omega_trust_audit_checkpoint_duration_seconds',
        help: "Writing a batch's tiles and entry bundles, signing its checkpoint (Ed25519 + ML-DSA-65) and publishing it",
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      }),
      entries: new Gauge({
        name: 'omega_trust_audit_log_entries',
        help: "Entries in the audit log: the latest signed checkpoint's tree size",
        registers: [registry],
      }),
      checkpointTimestamp: new Gauge({
        name: 'omega_trust_audit_checkpoint_timestamp_seconds',
        help: 'When the latest audit log checkpoint was signed, Unix seconds',
        registers: [registry],
      }),
      skippedMessages: new Counter({
        name: 'omega_trust_audit_skipped_messages_total',
        help: 'Messages in the AUDIT stream that are not part of the log (junk, forged or replayed checkpoints, leaves with a wrong index), skipped and logged, by reason',
        labelNames: ['reason'],
        registers: [registry],
      }),
    },
    identities: {
      issued: new Counter({
        name: 'omega_trust_identities_issued_total',
        help: 'Credentials issued at enrollment (IssueIdentity), by subject kind',
        labelNames: ['kind'],
        registers: [registry],
      }),
    },
  };
}
