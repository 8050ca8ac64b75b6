// Counters of every alert output, by output name: sent, failed attempts, dropped (with why), and
// the queue's current length.
import { Counter, Gauge, type Registry } from 'prom-client';

/** Why an alert was not delivered to an output. */
export type DropReason = 'queue_full' | 'retries_exhausted' | 'rejected' | 'stale' | 'shutdown';

export interface OutputMetrics {
  /** Alerts the destination accepted. */
  sent: Counter<'output'>;
  /** Send attempts that failed (each retry counts). */
  failed: Counter<'output'>;
  /** Alerts never delivered, by reason. */
  dropped: Counter<'output' | 'reason'>;
  /** Alerts waiting in the output's queue. */
  queued: Gauge<'output'>;
}

export function outputMetrics(registry: Registry): OutputMetrics {
  return {
    sent: new Counter({
      name: 'omega_intelligence_output_sent_total',
      help: 'Alerts an output delivered (the destination accepted them), by output',
      labelNames: ['output'],
      registers: [registry],
    }),
    failed: new Counter({
      name: 'omega_intelligence_output_failed_total',
      help: 'Failed send attempts of an output (every retry counts), by output',
      labelNames: ['output'],
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'omega_intelligence_output_dropped_total',
      help: 'Alerts an output never delivered, by output and reason: queue_full (oldest dropped), retries_exhausted, rejected (the destination refused it for good), stale (older than maxAlertAgeMs when read), shutdown',
      labelNames: ['output', 'reason'],
      registers: [registry],
    }),
    queued: new Gauge({
      name: 'omega_intelligence_output_queued_alerts',
      help: 'Alerts waiting in an output queue, by output',
      labelNames: ['output'],
      registers: [registry],
    }),
  };
}
