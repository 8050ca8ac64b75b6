// One process's share of the engine: the history store (and its cache) shared by a client and a
// worker, and the operation counter they both report to.
import type { Bus } from '@omega/bus';
import type { Activity } from './activity';
import { HistoryStore } from './history-store';
import { JetStreamOps, type OpKind } from './jetstream-ops';
import { requireWorkflowBus } from './server-requirements';
import { WorkflowClient } from './workflow-client';
import { WorkflowWorker, type WorkflowWorkerOptions } from './workflow-worker';

export interface WorkflowEngineOptions extends Omit<
  WorkflowWorkerOptions,
  'store' | 'ops' | 'activities'
> {
  bus: Bus;
  activities: ReadonlyMap<string, Activity>;
  /** Run a worker in this process (default true); false gives a client only. */
  runWorker?: boolean;
  onOperation?: (kind: OpKind) => void;
}

export class WorkflowEngine {
  readonly ops: JetStreamOps;
  readonly store: HistoryStore;
  readonly client: WorkflowClient;
  readonly worker: WorkflowWorker | undefined;

  constructor(options: WorkflowEngineOptions) {
    requireWorkflowBus(options.bus);
    this.ops = new JetStreamOps(options.onOperation);
    this.store = new HistoryStore(options.bus, this.ops);
    this.client = new WorkflowClient(options.bus, this.store, this.ops);
    this.worker =
      options.runWorker === false
        ? undefined
        : new WorkflowWorker({ ...options, store: this.store, ops: this.ops });
  }

  async start(): Promise<void> {
    await this.worker?.start();
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
  }
}
