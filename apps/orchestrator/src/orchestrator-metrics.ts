// Prometheus metrics of the orchestrator, on the service's registry.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface OrchestratorMetrics {
  /** Activity attempts, by action and outcome (completed, failed, timed_out). */
  stepDuration: Histogram<'action' | 'outcome'>;
  workflowsStarted: Counter<'playbook' | 'trigger'>;
  workflowsClosed: Counter<'status'>;
  /** JetStream operations the engine performed, by kind (append, read, task_publish, ack, ...). */
  jetstreamOps: Counter<'kind'>;
  /** Alerts consumed, by outcome (started, duplicate, unmatched). */
  alerts: Counter<'outcome'>;
}

export function orchestratorMetrics(registry: Registry): OrchestratorMetrics {
  return {
    stepDuration: new Histogram({
      name: 'omega_orchestrator_step_duration_seconds',
      help: 'Duration of workflow step attempts (activity calls), by action and outcome',
      labelNames: ['action', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
    workflowsStarted: new Counter({
      name: 'omega_orchestrator_workflows_started_total',
      help: 'Workflows started (not counting starts of an existing id), by playbook and trigger',
      labelNames: ['playbook', 'trigger'],
      registers: [registry],
    }),
    workflowsClosed: new Counter({
      name: 'omega_orchestrator_workflows_closed_total',
      help: 'Workflows closed by this replica, by final status',
      labelNames: ['status'],
      registers: [registry],
    }),
    jetstreamOps: new Counter({
      name: 'omega_orchestrator_jetstream_operations_total',
      help: 'JetStream operations of the workflow engine, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    alerts: new Counter({
      name: 'omega_orchestrator_alerts_total',
      help: 'Alerts consumed from ALERTS, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
