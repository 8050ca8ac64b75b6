// A worker: pulls WorkflowTasks from TASKS and advances each workflow until it closes or has to
// wait. While it works, the unacknowledged task is its lease (kept alive with working()); it ends
// the task with ack (closed, or another holder continues), or nak(delay) (a durable timer, retry
// backoff or approval deadline). A worker that dies leaves its task to come back after the ack
// wait, and the next holder finds the step it was running in the history and resumes from there.
// Over 400 lines on purpose: one class whose steps (lease, drive, settle, dead-letter) share the task message and its heartbeat.
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import {
  deadLetterErrorOffset,
  publishDeadLetter,
  subjects,
  type Bus,
  type DeadLetter,
} from '@omega/bus';
import { StepStatus, WorkflowEventType, WorkflowTask } from '@omega/proto';
import { errorMessage } from '@omega/errors';
import type { Logger } from 'pino';
import { ActivityError, type Activity } from './activity';
import { attemptEnded, decide, type EventDraft } from './decide';
import type { History, HistoryStore } from './history-store';
import type { JetStreamOps } from './jetstream-ops';
import { DEFAULT_WORKER_DURABLE, TASKS_STREAM, ensureWorkerConsumer } from './task-queue';
import { ATTR } from './workflow-state';

/** How one activity attempt ended, for metrics. */
export interface StepOutcome {
  workflowId: string;
  stepId: string;
  action: string;
  attempt: number;
  outcome: 'completed' | 'failed' | 'timed_out';
  durationMs: number;
}

export interface WorkflowWorkerOptions {
  bus: Bus;
  store: HistoryStore;
  ops: JetStreamOps;
  activities: ReadonlyMap<string, Activity>;
  /** Names this worker in leases and logs (e.g. the pod name). */
  workerId: string;
  logger: Logger;
  durable?: string;
  /** The lease: a task not acked, nak'd or heartbeaten within this comes back to another worker. */
  ackWaitMs?: number;
  /** Workflows advanced at once. */
  concurrency?: number;
  /** Default omega.tasks.> (every queue). */
  filterSubject?: string;
  onStepFinished?: (outcome: StepOutcome) => void;
  onWorkflowClosed?: (workflowId: string, status: WorkflowEventType) => void;
}

/**
 * The consumer's max_ack_pending. A workflow waiting on a timer, a retry backoff or an approval
 * keeps its task nak'd with a delay, which stays pending on the consumer: this many workflows can
 * wait at once (how many run at once is `concurrency`, the pull size).
 */
export const MAX_PARKED_TASKS = 100_000;

/** Waits at most this long in-process for a due time instead of handing the task back. */
const INLINE_WAIT_MS = 50;

export class WorkflowWorker {
  private readonly ackWaitMs: number;
  private readonly concurrency: number;
  private readonly durable: string;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Per-workflow chains: tasks of one workflow run one after another in this process. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly aborts = new Set<AbortController>();

  constructor(private readonly options: WorkflowWorkerOptions) {
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.concurrency = options.concurrency ?? 64;
    this.durable = options.durable ?? DEFAULT_WORKER_DURABLE;
  }

  async start(): Promise<void> {
    await ensureWorkerConsumer(
      this.options.bus,
      this.durable,
      this.ackWaitMs,
      this.options.filterSubject ?? 'omega.tasks.>',
      MAX_PARKED_TASKS,
    );
    this.loop = this.run();
  }

  /** Stops pulling and waits for running workflows to reach a point where they hand back. */
  async stop(): Promise<void> {
    this.stopping = true;
    void this.messages?.close();
    await this.loop;
    for (const abort of this.aborts) abort.abort(new Error('worker stopping'));
    await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    const { bus, logger } = this.options;
    for (let failures = 0; !this.stopping;) {
      try {
        const consumer = await bus.js.consumers.get(TASKS_STREAM, this.durable);
        const messages = await consumer.consume({ max_messages: this.concurrency });
        this.messages = messages;
        if (this.stopping) void messages.close();
        for await (const msg of messages) {
          if (this.stopping) {
            msg.nak();
            this.options.ops.count('nak');
            continue;
          }
          while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
          const running = this.handle(msg).finally(() => this.inFlight.delete(running));
          this.inFlight.add(running);
        }
        if (this.stopping) break;
        failures++;
      } catch (err) {
        if (this.stopping) break;
        failures++;
        logger.error({ err }, `workflow worker: cannot pull tasks: ${errorMessage(err)}`);
      }
      await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
    }
  }

  /** Runs a task after any earlier task of the same workflow in this process. */
  private handle(msg: JsMsg): Promise<void> {
    let task: WorkflowTask;
    try {
      task = WorkflowTask.decode(msg.data);
      // A task must name a workflow whose history subject exists; junk that happens to decode
      // would otherwise fail every delivery and come back forever.
      subjects.workflow(task.workflowId);
    } catch (err) {
      const error = `not a WorkflowTask: ${errorMessage(err)}`;
      const offset = deadLetterErrorOffset(error);
      return this.deadLetter(msg, {
        reason: 'decode',
        error,
        ...(offset !== undefined ? { errorOffset: offset } : {}),
      });
    }
    const id = task.workflowId;
    const previous = this.chains.get(id) ?? Promise.resolve();
    const next = previous.then(() => this.advance(msg, task));
    this.chains.set(id, next);
    void next.finally(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
    return next;
  }

  private async advance(msg: JsMsg, task: WorkflowTask): Promise<void> {
    const { ops, store, logger } = this.options;
    const workflowId = task.workflowId;
    // The lease is the task message, whoever holds it: a redelivery of the same message means the
    // previous holder stopped heartbeating, so its running step is ours to time out and retry.
    const lease = `task/${msg.seq}`;
    const keepAlive = setInterval(
      () => {
        msg.working();
        ops.count('heartbeat');
      },
      Math.max(100, Math.floor(this.ackWaitMs / 3)),
    );
    const running = new Map<string, RunningAttempt>();
    try {
      // A workflow this process has just started needs no read: its one event is in the cache, and
      // anything appended since makes the first append's sequence check fail and re-read.
      const cached = store.cached(workflowId);
      const justStarted =
        task.reason === 'start' && msg.info.deliveryCount === 1 && cached.events.length === 1;
      const history = justStarted ? cached : await store.load(workflowId);
      if (!history.state) {
        // Tasks are queued only after WORKFLOW_STARTED is stored, so this is a foreign task.
        await this.deadLetter(msg, {
          reason: 'rejected',
          error: `task for workflow ${workflowId}, which has no history`,
        });
        return;
      }
      await this.drive(msg, history, lease, running);
    } catch (err) {
      logger.error(
        { err, workflowId },
        `workflow ${workflowId}: ${errorMessage(err)}; handing the task back`,
      );
      for (const attempt of running.values()) attempt.abort.abort(err);
      this.settle(msg, 'nak', 1000);
    } finally {
      clearInterval(keepAlive);
      for (const attempt of running.values()) this.aborts.delete(attempt.abort);
    }
  }

  private async drive(
    msg: JsMsg,
    history: History,
    lease: string,
    running: Map<string, RunningAttempt>,
  ): Promise<void> {
    const { store } = this.options;
    for (;;) {
      const state = history.state;
      if (!state) return;
      const decision = decide(state, {
        nowMs: Date.now(),
        lease,
        running: new Set(running.keys()),
      });
      switch (decision.kind) {
        case 'closed':
          for (const attempt of running.values())
            attempt.abort.abort(new Error(`workflow ${state.workflowId} closed`));
          this.settle(msg, 'ack');
          return;
        case 'append': {
          const appended = await store.append(history, decision.event);
          if (appended && isClose(decision.event.type))
            this.options.onWorkflowClosed?.(state.workflowId, decision.event.type);
          continue;
        }
        case 'start': {
          const attributes: Record<string, string> = {
            [ATTR.lease]: lease,
            [ATTR.worker]: this.options.workerId,
          };
          for (const [key, value] of Object.entries(decision.params))
            attributes[ATTR.paramPrefix + key] = value;
          const started = await store.append(history, {
            type: WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_STARTED,
            stepId: decision.stepId,
            attempt: decision.attempt,
            attributes,
          });
          if (started)
            running.set(
              decision.stepId,
              this.runAttempt(history, decision.stepId, decision.attempt, decision.params),
            );
          continue;
        }
        case 'wait': {
          if (decision.localRunning) {
            const finished = await Promise.race([...running.values()].map((r) => r.done));
            running.delete(finished.stepId);
            this.aborts.delete(finished.abort);
            await this.finishAttempt(history, lease, finished);
            continue;
          }
          if (decision.foreign) {
            this.settle(msg, 'ack');
            return;
          }
          if (decision.wakeAtMs === undefined) {
            this.settle(msg, 'ack');
            return;
          }
          const delayMs = decision.wakeAtMs - Date.now();
          if (delayMs <= INLINE_WAIT_MS) {
            await sleep(Math.max(0, delayMs));
            continue;
          }
          this.settle(msg, 'nak', delayMs);
          return;
        }
      }
    }
  }

  /** Appends the attempt's end unless the history says it is no longer ours to end. */
  private async finishAttempt(
    history: History,
    lease: string,
    finished: FinishedAttempt,
  ): Promise<void> {
    const { store, logger } = this.options;
    for (;;) {
      const run = history.state?.steps.get(finished.stepId);
      if (
        !run ||
        run.status !== StepStatus.STEP_STATUS_RUNNING ||
        run.lease !== lease ||
        run.attempt !== finished.attempt
      ) {
        logger.warn(
          { workflowId: history.workflowId, stepId: finished.stepId, attempt: finished.attempt },
          `workflow ${history.workflowId} step ${finished.stepId} attempt ${finished.attempt}: result dropped, the history moved on (lease lost or workflow closed)`,
        );
        return;
      }
      const draft = finished.toEvent(run);
      if (await store.append(history, draft)) {
        this.options.onStepFinished?.({
          workflowId: history.workflowId,
          stepId: finished.stepId,
          action: run.step.action ?? run.step.kind,
          attempt: finished.attempt,
          outcome:
            draft.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_COMPLETED
              ? 'completed'
              : draft.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT
                ? 'timed_out'
                : 'failed',
          durationMs: finished.durationMs,
        });
        return;
      }
    }
  }

  private runAttempt(
    history: History,
    stepId: string,
    attempt: number,
    params: Record<string, string>,
  ): RunningAttempt {
    const state = history.state!;
    const run = state.steps.get(stepId)!;
    const step = run.step;
    const abort = new AbortController();
    this.aborts.add(abort);
    const startedAt = Date.now();
    let lastBeat = startedAt;
    const done = (async (): Promise<FinishedAttempt> => {
      const finish = (toEvent: FinishedAttempt['toEvent']): FinishedAttempt => ({
        stepId,
        attempt,
        abort,
        durationMs: Date.now() - startedAt,
        toEvent,
      });
      const activity = step.action ? this.options.activities.get(step.action) : undefined;
      if (!activity) {
        const detail = `no activity named '${step.action}' is registered on worker ${this.options.workerId}`;
        return finish((r) =>
          attemptEnded(
            r,
            WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_FAILED,
            detail,
            'unknown_action',
            false,
            Date.now(),
          ),
        );
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        const check = (): void => {
          const now = Date.now();
          if (now - startedAt >= step.timeoutMs) return resolve('timeout');
          if (step.heartbeatTimeoutMs > 0 && now - lastBeat >= step.heartbeatTimeoutMs)
            return resolve('timeout');
          const next = Math.min(
            startedAt + step.timeoutMs,
            step.heartbeatTimeoutMs > 0 ? lastBeat + step.heartbeatTimeoutMs : Infinity,
          );
          timer = setTimeout(check, Math.max(1, next - now));
        };
        timer = setTimeout(
          check,
          Math.max(1, Math.min(step.timeoutMs, step.heartbeatTimeoutMs || Infinity)),
        );
      });
      const call = activity({
        workflowId: state.workflowId,
        stepId,
        attempt,
        idempotencyKey: `${state.workflowId}/${stepId}`,
        params,
        inputs: state.inputs,
        dryRun: state.dryRun,
        signal: abort.signal,
        heartbeat: () => {
          lastBeat = Date.now();
        },
      }).then(
        (outputs) => ({ outputs }),
        (err: unknown) => ({ error: ActivityError.from(err) }),
      );
      const result = await Promise.race([call, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        const heartbeatLate =
          step.heartbeatTimeoutMs > 0 && Date.now() - lastBeat >= step.heartbeatTimeoutMs;
        abort.abort(new Error('activity timed out'));
        const detail = heartbeatLate
          ? `attempt ${attempt} sent no heartbeat within ${step.heartbeatTimeoutMs} ms`
          : `attempt ${attempt} did not finish within its timeout of ${step.timeoutMs} ms`;
        return finish((r) =>
          attemptEnded(
            r,
            WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT,
            detail,
            heartbeatLate ? 'heartbeat_timeout' : 'timeout',
            true,
            Date.now(),
          ),
        );
      }
      if ('outputs' in result) {
        const outputs = result.outputs;
        return finish(() => ({
          type: WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_COMPLETED,
          stepId,
          attempt,
          attributes: outputs,
        }));
      }
      const error = result.error;
      return finish((r) =>
        attemptEnded(
          r,
          WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_FAILED,
          error.message,
          error.codeName,
          error.retryable,
          Date.now(),
        ),
      );
    })();
    return { stepId, attempt, abort, done };
  }

  /**
   * A task this worker cannot use goes, bytes unchanged, to the DLQ stream with the reason
   * (omega.dlq.TASKS.<durable>), then leaves TASKS; if the dead letter cannot be written it stays
   * in TASKS and comes back later.
   */
  private async deadLetter(msg: JsMsg, letter: DeadLetter): Promise<void> {
    const { bus, logger } = this.options;
    const fields = { seq: msg.seq, subject: msg.subject, reason: letter.reason };
    try {
      await publishDeadLetter(
        bus,
        msg,
        { stream: TASKS_STREAM, consumer: this.durable, expectedType: WorkflowTask.$type },
        letter,
      );
    } catch (err) {
      logger.error(
        { ...fields, err },
        `workflow task ${msg.seq}: cannot dead-letter (${letter.error}): ${errorMessage(err)}; it stays in ${TASKS_STREAM}`,
      );
      this.settle(msg, 'nak', 5000);
      return;
    }
    logger.warn(
      fields,
      `workflow task ${msg.seq} on ${msg.subject} dead-lettered (${letter.reason}): ${letter.error}`,
    );
    msg.term(`dead-lettered: ${letter.reason}`);
  }

  private settle(msg: JsMsg, how: 'ack' | 'nak', delayMs?: number): void {
    if (how === 'ack') {
      msg.ack();
      this.options.ops.count('ack');
    } else {
      msg.nak(delayMs);
      this.options.ops.count('nak');
    }
  }
}

interface FinishedAttempt {
  stepId: string;
  attempt: number;
  abort: AbortController;
  durationMs: number;
  /** The event that ends the attempt, built against the step as the history has it then. */
  toEvent: (run: import('./workflow-state').StepRun) => EventDraft;
}

interface RunningAttempt {
  stepId: string;
  attempt: number;
  abort: AbortController;
  done: Promise<FinishedAttempt>;
}

function isClose(type: WorkflowEventType): boolean {
  return (
    type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_COMPLETED ||
    type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_FAILED ||
    type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_CANCELLED ||
    type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_TIMED_OUT
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
