// Prometheus metrics of the deception service, on the service's registry.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface DeceptionMetrics {
  /** Methods of DeceptionService that answer UNIMPLEMENTED: falls to 0 as the service is built. */
  unimplementedMethods: Gauge;
  /** Interactions the ignore list dropped, by reason (source, port, client). */
  interactionsIgnored: Counter<'reason'>;
  /** Interactions appended to trust's audit log, one by one (`entry`) or in a summary (`summarized`). */
  interactionsAudited: Counter<'how'>;
  /** Audit appends that failed (the interactions stay on DECEPTION). */
  interactionAuditFailures: Counter;
}

export function deceptionMetrics(registry: Registry): DeceptionMetrics {
  return {
    unimplementedMethods: new Gauge({
      name: 'omega_deception_grpc_methods_unimplemented',
      help: 'Methods of DeceptionService that answer UNIMPLEMENTED because they are not built yet',
      registers: [registry],
    }),
    interactionsIgnored: new Counter({
      name: 'omega_deception_interactions_ignored_total',
      help: 'Decoy interactions not published because deception.ignore names them, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    interactionsAudited: new Counter({
      name: 'omega_deception_interactions_audited_total',
      help: 'Alert-capable interactions in the audit log, appended one by one (entry) or counted in a per-minute summary (summarized)',
      labelNames: ['how'],
      registers: [registry],
    }),
    interactionAuditFailures: new Counter({
      name: 'omega_deception_interaction_audit_failures_total',
      help: 'Audit appends of interactions that failed',
      registers: [registry],
    }),
  };
}
