// What an activity (a playbook action) is given and how it reports failure. One interface for
// every action, so the engine retries, times out and audits them all alike.
import { Code, OmegaError, errorMessage } from '@omega/runtime';

export interface ActivityContext {
  workflowId: string;
  stepId: string;
  /** 1-based attempt. */
  attempt: number;
  /**
   * The same for every attempt of this step of this workflow: a side effect keyed on it happens
   * once however often the step is retried or resumed on another worker.
   */
  idempotencyKey: string;
  /** Parameters with references resolved. */
  params: Readonly<Record<string, string>>;
  /** The workflow's inputs (the alert's fields for an alert-triggered workflow). */
  inputs: Readonly<Record<string, string>>;
  /** Evaluate, do not act. */
  dryRun: boolean;
  /** Aborted on timeout, cancellation or shutdown. */
  signal: AbortSignal;
  /** Tells the engine the activity is alive: resets its heartbeat timeout (the worker keeps the
   * task's lease alive on its own while the attempt runs). */
  heartbeat(): void;
}

/** Returns the step's outputs (referenced later as `${steps.<id>.<key>}`). */
export type Activity = (ctx: ActivityContext) => Promise<Record<string, string>>;

/** A failed attempt: `code` names the kind, `retryable` says whether trying again can help. */
export class ActivityError extends Error {
  override readonly name = 'ActivityError';
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Any thrown value as an ActivityError; OmegaError codes decide whether it is retryable. */
  static from(err: unknown): ActivityError {
    if (err instanceof ActivityError) return err;
    if (err instanceof OmegaError) {
      return new ActivityError(
        Code[err.code].toLowerCase(),
        err.message,
        RETRYABLE_CODES.has(err.code),
        { cause: err },
      );
    }
    return new ActivityError('unknown', errorMessage(err), true, { cause: err });
  }
}

/** Errors a later attempt may not see (the callee was down, slow or busy). */
const RETRYABLE_CODES = new Set<Code>([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.ResourceExhausted,
  Code.Aborted,
  Code.Internal,
  Code.Unknown,
]);
