// When the next attempt of a failed activity runs, if at all. Pure and deterministic (no jitter):
// every worker replaying the history must reach the same answer.
import type { RetryPolicy } from './plan';

/** Delay before attempt `failedAttempt + 1`, or undefined when the step has no attempts left. */
export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempt: number,
  retryable: boolean,
  code: string,
): number | undefined {
  if (!retryable || policy.nonRetryableCodes.includes(code)) return undefined;
  if (failedAttempt >= policy.maxAttempts) return undefined;
  const delay = policy.initialBackoffMs * policy.backoffCoefficient ** (failedAttempt - 1);
  return Math.min(policy.maxBackoffMs, Math.round(delay));
}
