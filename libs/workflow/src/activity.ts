// What an activity (a playbook action) is given and how it reports failure. One interface for
// every action, so the engine retries, times out and audits them all alike.
import {
  Code,
  OmegaError,
  codeForHttpStatus,
  codeName,
  errorMessage,
  isRetryable,
  isRetryableCode,
} from '@omega/errors';

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

/** What a failed attempt may carry besides its code and message. */
export interface ActivityErrorOptions {
  cause?: unknown;
}

/**
 * A failed attempt: `code` names the kind, `retryable` says whether trying again can help. Made by
 * name, as Temporal's ApplicationFailure is: `permanent` and `transient` when the action knows,
 * `from` and `fromHttpStatus` when the one retry rule (`isRetryable`) decides.
 */
export class ActivityError extends Error {
  override readonly name = 'ActivityError';
  /**
   * The code as the workflow history records it and a playbook's `retry.non_retryable` lists it:
   * gRPC's name ('invalid_argument', 'unavailable'), or `http_<status>` for an HTTP answer, the
   * spelling histories already hold.
   */
  readonly codeName: string;

  private constructor(
    readonly code: Code,
    message: string,
    readonly retryable: boolean,
    options?: ActivityErrorOptions,
    /** The HTTP status of the answer this error stands for, when it is one. */
    readonly httpStatus?: number,
  ) {
    super(message, options);
    this.codeName = httpStatus === undefined ? codeName(code) : `http_${httpStatus}`;
  }

  /** Trying again cannot help until something changes (a parameter, the callee, a permission). */
  static permanent(code: Code, message: string, options?: ActivityErrorOptions): ActivityError {
    return new ActivityError(code, message, false, options);
  }

  /** Trying again may help (the callee was down, slow or busy); the step's retry policy decides when. */
  static transient(code: Code, message: string, options?: ActivityErrorOptions): ActivityError {
    return new ActivityError(code, message, true, options);
  }

  /** An HTTP error answer, read through the one HTTP-status table. */
  static fromHttpStatus(
    status: number,
    message: string,
    options?: ActivityErrorOptions,
  ): ActivityError {
    const code = codeForHttpStatus(status);
    return new ActivityError(code, message, isRetryableCode(code), options, status);
  }

  /** Any thrown value as an ActivityError: an OmegaError keeps its code; others count as Unknown. */
  static from(err: unknown): ActivityError {
    if (err instanceof ActivityError) return err;
    const code = err instanceof OmegaError ? err.code : Code.Unknown;
    return new ActivityError(code, errorMessage(err), isRetryable(err), { cause: err });
  }
}
