// The module host's Prometheus metrics (omega_sentinel_module_*), per module.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface ModuleMetrics {
  events: Counter<'module'>;
  verdicts: Counter<'module'>;
  faults: Counter<'module' | 'reason'>;
  dropped: Counter<'module'>;
  refused: Counter<'code'>;
  /** Mean time per event of each batch a module ran (seconds). */
  eventSeconds: Histogram<'module'>;
}

export function moduleMetrics(registry: Registry): ModuleMetrics {
  return {
    events: new Counter({
      name: 'omega_sentinel_module_events_total',
      help: 'Events a detection module ran on',
      labelNames: ['module'],
      registers: [registry],
    }),
    verdicts: new Counter({
      name: 'omega_sentinel_module_verdicts_total',
      help: 'Verdicts other than pass (labels, findings, block requests) a module answered',
      labelNames: ['module'],
      registers: [registry],
    }),
    faults: new Counter({
      name: 'omega_sentinel_module_faults_total',
      help: 'Module instances ended by a trap, the time budget or a crash',
      labelNames: ['module', 'reason'],
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'omega_sentinel_module_dropped_events_total',
      help: 'Events a module did not run on (its queue was full, or its instance faulted on them)',
      labelNames: ['module'],
      registers: [registry],
    }),
    refused: new Counter({
      name: 'omega_sentinel_modules_refused_total',
      help: 'Modules refused before they ran (verification, ABI, start), by gRPC code name',
      labelNames: ['code'],
      registers: [registry],
    }),
    eventSeconds: new Histogram({
      name: 'omega_sentinel_module_event_duration_seconds',
      help: 'Mean time per event inside a module, one observation per batch',
      labelNames: ['module'],
      buckets: [1e-7, 2.5e-7, 5e-7, 1e-6, 2.5e-6, 5e-6, 1e-5, 1e-4, 1e-3, 1e-2],
      registers: [registry],
    }),
  };
}
