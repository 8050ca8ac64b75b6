// Prometheus metrics of the honeytokens and the canary URL listener, on the service's registry.
import { Counter, type Registry } from 'prom-client';

export interface HoneytokenMetrics {
  /** Canary listener requests by outcome: use (a canary path), unknown (404), refused (404). */
  canaryRequests: Counter<'outcome'>;
  canaryEventsPublished: Counter;
  canaryEventsDropped: Counter;
  /** Records of omega_tokens that did not decode (their use is not recognized). */
  unreadableRecords: Counter;
}

export function honeytokenMetrics(registry: Registry): HoneytokenMetrics {
  return {
    canaryRequests: new Counter({
      name: 'omega_deception_canary_requests_total',
      help: 'Requests to the canary URL listener by outcome (use, unknown, refused)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    canaryEventsPublished: new Counter({
      name: 'omega_deception_canary_events_published_total',
      help: 'Canary URL uses published to DECEPTION as TOKEN_USE interactions',
      registers: [registry],
    }),
    canaryEventsDropped: new Counter({
      name: 'omega_deception_canary_events_dropped_total',
      help: 'Canary URL uses that could not be published (queue full or publish failed)',
      registers: [registry],
    }),
    unreadableRecords: new Counter({
      name: 'omega_deception_honeytoken_records_unreadable_total',
      help: 'Records of omega_tokens that did not decode; their use is not recognized',
      registers: [registry],
    }),
  };
}
