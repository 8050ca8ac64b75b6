// Prometheus metrics of the twin service, on the service's registry.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface TwinMetrics {
  /** Methods of TwinService that answer UNIMPLEMENTED: falls to 0 as the service is built. */
  unimplementedMethods: Gauge;
  kubeObjects: Gauge<'kind'>;
  kubeEvents: Counter<'kind' | 'type'>;
  kubeRefused: Counter<'kind' | 'reason'>;
  kubeWatchErrors: Counter<'kind'>;
  kubeRelists: Counter<'kind'>;
  kubeApiReachable: Gauge;
  observedFlows: Gauge;
  flowEvents: Counter<'outcome'>;
  /** TELEMETRY batches by outcome: verified, unsigned-admitted (by policy) or why refused. */
  batches: Counter<'outcome'>;
  alertedNodes: Gauge;
}

export function twinMetrics(registry: Registry): TwinMetrics {
  const registers = [registry];
  return {
    unimplementedMethods: new Gauge({
      name: 'omega_twin_grpc_methods_unimplemented',
      help: 'Methods of TwinService that answer UNIMPLEMENTED because they are not built yet',
      registers,
    }),
    kubeObjects: new Gauge({
      name: 'omega_twin_kube_objects',
      help: 'Kubernetes objects the twin holds, by kind',
      labelNames: ['kind'],
      registers,
    }),
    kubeEvents: new Counter({
      name: 'omega_twin_kube_watch_events_total',
      help: 'Watch events taken, by kind and type (added, modified, deleted)',
      labelNames: ['kind', 'type'],
      registers,
    }),
    kubeRefused: new Counter({
      name: 'omega_twin_kube_refused_objects_total',
      help: 'Kubernetes objects refused (malformed, or past maxObjects), by kind and error code',
      labelNames: ['kind', 'reason'],
      registers,
    }),
    kubeWatchErrors: new Counter({
      name: 'omega_twin_kube_watch_errors_total',
      help: 'Failed lists and watches (API server unreachable, refused, answer too large), by kind',
      labelNames: ['kind'],
      registers,
    }),
    kubeRelists: new Counter({
      name: 'omega_twin_kube_relists_total',
      help: 'Lists made again because the API server no longer had the version watched from (410 Gone)',
      labelNames: ['kind'],
      registers,
    }),
    kubeApiReachable: new Gauge({
      name: 'omega_twin_kube_api_reachable',
      help: '1 while every watch is healthy, 0 while one is failing (the last good graph is kept)',
      registers,
    }),
    observedFlows: new Gauge({
      name: 'omega_twin_observed_flows',
      help: 'NETWORK_OBSERVED edges the twin holds',
      registers,
    }),
    flowEvents: new Counter({
      name: 'omega_twin_flow_events_total',
      help: 'Network events read from TELEMETRY, by outcome (recorded, not_a_flow)',
      labelNames: ['outcome'],
      registers,
    }),
    batches: new Counter({
      name: 'omega_twin_batches_total',
      help: 'TELEMETRY batches by outcome: verified, unsigned-admitted (by twin.observed.signatures: allow-unsigned) or the reason they were refused (unsigned, forged, stale, ...)',
      labelNames: ['outcome'],
      registers,
    }),
    alertedNodes: new Gauge({
      name: 'omega_twin_alerted_nodes',
      help: 'Graph vertices an open alert names',
      registers,
    }),
  };
}
