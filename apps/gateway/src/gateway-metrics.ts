// Prometheus metrics of the gateway service, on the service's registry.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { GrpcCallLabels } from '@omega/runtime';

export interface GatewayMetrics {
  /** Methods of GatewayService that answer UNIMPLEMENTED: falls to 0 as the service is built. */
  unimplementedMethods: Gauge;
  /** Calls refused by authentication or the role table, by method and status code. */
  callsDenied: Counter<keyof GrpcCallLabels>;
  /** Refusals of state-changing calls not written to the audit log (one per window is). */
  denialsNotAudited: Counter;
  /** Token records in omega_gateway_tokens that did not decode (their tokens are refused). */
  unreadableTokenRecords: Counter;
}

export function gatewayMetrics(registry: Registry): GatewayMetrics {
  return {
    unimplementedMethods: new Gauge({
      name: 'omega_gateway_grpc_methods_unimplemented',
      help: 'Methods of GatewayService that answer UNIMPLEMENTED because they are not built yet',
      registers: [registry],
    }),
    callsDenied: new Counter({
      name: 'omega_gateway_calls_denied_total',
      help: 'Calls the gateway refused (no or bad credential, or a role that does not grant the method), by method and status code',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_code'],
      registers: [registry],
    }),
    denialsNotAudited: new Counter({
      name: 'omega_gateway_denials_not_audited_total',
      help: 'Refused state-changing calls not logged to the audit log because the same principal and method was logged within gateway.tokens.denialAuditWindowSeconds',
      registers: [registry],
    }),
    unreadableTokenRecords: new Counter({
      name: 'omega_gateway_unreadable_token_records_total',
      help: 'Records in omega_gateway_tokens that did not decode (their tokens are refused)',
      registers: [registry],
    }),
  };
}
