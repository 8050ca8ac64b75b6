// What the observer has seen so far, with helpers to wait for a condition on it (polling, so a
// wait can say what it is waiting for and give up at a deadline or when the demo is stopped).
import { Code, OmegaError } from '@omega/runtime';
import { WorkflowEventType, type Alert, type WorkflowEvent } from '@omega/proto';
import type { BlockObservation, Observed, TelemetryObservation } from './demo-observer';

export class DemoState {
  readonly alerts: Observed<Alert>[] = [];
  readonly workflowEvents: Observed<WorkflowEvent>[] = [];
  readonly blocks: Observed<BlockObservation>[] = [];
  readonly problems: string[] = [];
  readonly telemetryEvents = new Map<string, number>();
  /** Listeners for each telemetry batch (the recorder). */
  readonly telemetryListeners: ((batch: Observed<TelemetryObservation>) => void)[] = [];

  addTelemetry(batch: Observed<TelemetryObservation>): void {
    const kind = batch.value.kind;
    this.telemetryEvents.set(
      kind,
      (this.telemetryEvents.get(kind) ?? 0) + batch.value.events.length,
    );
    for (const listener of this.telemetryListeners) listener(batch);
  }

  telemetrySummary(): string {
    return ['process', 'network', 'dns']
      .map((kind) => `${kind} ${this.telemetryEvents.get(kind) ?? 0}`)
      .join(', ');
  }

  /** Workflow ids in the order they started. */
  workflowIds(): string[] {
    const ids: string[] = [];
    for (const { value } of this.workflowEvents) {
      if (!ids.includes(value.workflowId)) ids.push(value.workflowId);
    }
    return ids;
  }

  workflowFinished(id: string): Observed<WorkflowEvent> | undefined {
    return this.workflowEvents.find(
      ({ value }) =>
        value.workflowId === id &&
        [
          WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_COMPLETED,
          WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_FAILED,
          WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_CANCELLED,
          WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_TIMED_OUT,
        ].includes(value.type),
    );
  }
}

/**
 * Resolves with `probe()`'s first defined result, checked every `everyMs`; undefined at the
 * deadline. Rejects with Aborted when `signal` fires (Ctrl-C).
 */
export async function waitFor<T>(
  probe: () => T | undefined,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  everyMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new OmegaError(Code.Aborted, 'demo stopped');
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() >= deadline) return undefined;
    await sleep(everyMs, signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** `work`, or an Aborted error as soon as `signal` fires (the work itself is stopped by cleanup). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new OmegaError(Code.Aborted, 'demo stopped'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new OmegaError(Code.Aborted, 'demo stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
