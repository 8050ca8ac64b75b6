// Prometheus metrics of the honeytokens and their channels (canary URLs, Kubernetes webhooks, DNS).
import { Counter, type Registry } from 'prom-client';

export interface HoneytokenMetrics {
  /** Canary listener requests by outcome: use (a canary path), unknown (404), refused (404). */
  canaryRequests: Counter<'outcome'>;
  canaryEventsPublished: Counter;
  canaryEventsDropped: Counter;
  /** Records of omega_tokens that did not decode (their use is not recognized). */
  unreadableRecords: Counter;
  /** Requests to the Kubernetes webhook listener by path and outcome. */
  kubeWebhookRequests: Counter<'path' | 'outcome'>;
  /** Secret reads in audit batches: honeytoken, other, ignored (ignoreUsers), repeated. */
  kubeSecretReads: Counter<'outcome'>;
  /** TokenReviews answered, by whether the token was a honeytoken. */
  kubeTokenReviews: Counter<'honeytoken'>;
  /** DNS queries by transport and answer (canary, apex, nxdomain, refused, formerr, ...). */
  dnsQueries: Counter<'transport' | 'outcome'>;
  /** Honeytoken uses of the Kubernetes and DNS channels published to DECEPTION, by channel. */
  channelEventsPublished: Counter<'channel'>;
  /** Those that could not be published (queue full or publish failed), by channel. */
  channelEventsDropped: Counter<'channel'>;
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
    kubeWebhookRequests: new Counter({
      name: 'omega_deception_kube_webhook_requests_total',
      help: 'Requests to the Kubernetes webhook listener by path and outcome (ok, refused, forbidden, not-found, too-large, error)',
      labelNames: ['path', 'outcome'],
      registers: [registry],
    }),
    kubeSecretReads: new Counter({
      name: 'omega_deception_kube_secret_reads_total',
      help: 'Secret reads in Kubernetes audit batches by outcome (honeytoken, other, ignored, repeated)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    kubeTokenReviews: new Counter({
      name: 'omega_deception_kube_token_reviews_total',
      help: 'TokenReviews answered (always not authenticated), by whether the token was a honeytoken',
      labelNames: ['honeytoken'],
      registers: [registry],
    }),
    dnsQueries: new Counter({
      name: 'omega_deception_dns_queries_total',
      help: 'DNS queries to the canary responder by transport (udp, tcp) and outcome',
      labelNames: ['transport', 'outcome'],
      registers: [registry],
    }),
    channelEventsPublished: new Counter({
      name: 'omega_deception_honeytoken_events_published_total',
      help: 'Honeytoken uses seen by the Kubernetes and DNS channels published to DECEPTION, by channel',
      labelNames: ['channel'],
      registers: [registry],
    }),
    channelEventsDropped: new Counter({
      name: 'omega_deception_honeytoken_events_dropped_total',
      help: 'Honeytoken uses seen by the Kubernetes and DNS channels not published (queue full or publish failed), by channel',
      labelNames: ['channel'],
      registers: [registry],
    }),
  };
}
