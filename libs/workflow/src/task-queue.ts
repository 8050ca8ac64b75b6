// Ready work on the TASKS work-queue stream: one WorkflowTask per workflow that needs a worker,
// on omega.tasks.<queue>. Every replica pulls from one durable consumer, so each task goes to one
// of them; the task stays unacknowledged while its worker advances the workflow, which makes it
// the worker's lease (ack wait) and its durable timer (a nak with a delay).
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { publish, subjects, type Bus } from '@omega/bus';
import { WorkflowTask } from '@omega/proto';
import { Code, OmegaError } from '@omega/errors';
import type { JetStreamOps } from './jetstream-ops';

export const TASKS_STREAM = 'TASKS';
export const DEFAULT_WORKER_DURABLE = 'orchestrator-workflows';

/** Queues `workflowId` for a worker; `msgId` de-duplicates within JetStream's window. */
export async function publishTask(
  bus: Bus,
  ops: JetStreamOps,
  queue: string,
  workflowId: string,
  reason: string,
  msgId: string,
): Promise<void> {
  ops.count('task_publish');
  await publish(
    bus,
    subjects.tasks(queue),
    WorkflowTask,
    { workflowId, reason, enqueueTimeNs: BigInt(Date.now()) * 1_000_000n },
    { msgId },
  );
}

/** Creates the workers' durable consumer on TASKS, or updates its ack wait and filter. */
export async function ensureWorkerConsumer(
  bus: Bus,
  durable: string,
  ackWaitMs: number,
  filterSubject: string,
  maxAckPending: number,
): Promise<void> {
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: ackWaitMs * 1_000_000,
    // Durable timers are naks with a delay: a task may come back any number of times.
    max_deliver: -1,
    filter_subject: filterSubject,
    max_ack_pending: maxAckPending,
  };
  try {
    await bus.jsm.consumers.info(TASKS_STREAM, durable);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) {
      try {
        await bus.jsm.consumers.add(TASKS_STREAM, config);
        return;
      } catch (addErr) {
        // Another replica created it in between: fall through to the update.
        if (!(addErr instanceof JetStreamApiError)) throw addErr;
      }
    } else {
      throw OmegaError.wrap(
        err,
        `reading consumer ${durable} on ${TASKS_STREAM}`,
        Code.Unavailable,
      );
    }
  }
  await bus.jsm.consumers.update(TASKS_STREAM, durable, {
    ack_wait: config.ack_wait,
    max_ack_pending: maxAckPending,
    filter_subject: filterSubject,
  });
}
