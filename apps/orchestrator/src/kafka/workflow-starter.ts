// What Kafka ingestion needs from the workflow engine: start a workflow durably, idempotently on
// its id. The engine (libs/workflow) provides it; the ingest depends on nothing more.
import type { StartPlaybookRequest, Trigger } from '@omega/proto';

export interface WorkflowStartResult {
  workflowId: string;
  /** False when a workflow with this id already existed: nothing new was started. */
  created: boolean;
}

export interface WorkflowStarter {
  /**
   * Resolves once the start is durable (its WORKFLOW_STARTED event stored); starting an id that
   * exists resolves with created = false. Rejects with an OmegaError: InvalidArgument, NotFound or
   * FailedPrecondition when the request can never start (dead-lettered), anything else when it
   * may start on a later try (retried).
   */
  startWorkflow(request: StartPlaybookRequest, trigger: Trigger): Promise<WorkflowStartResult>;
}
