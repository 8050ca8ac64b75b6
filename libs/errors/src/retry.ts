// The one rule for whether a failed attempt is worth repeating, and the one reading of an HTTP
// status as a Code, shared by every caller that retries (workflow activities, gRPC and HTTP calls).
import { Code, OmegaError } from './errors';

// A later attempt with the same request may succeed. Omega retries at the level of a whole
// attempt (a playbook step, a consumer delivery) under a bounded policy and with an idempotency
// key, like Temporal's activities and Google's client libraries' application-level defaults (the
// Pub/Sub publisher retries exactly these seven), not a transport repeating one RPC (AIP-194 allows
// only UNAVAILABLE there, and honours CANCELLED and DEADLINE_EXCEEDED as the caller's decision).
const RETRYABLE: ReadonlySet<Code> = new Set([
  // The callee was down or unreachable: gRPC's "retry just the failing call".
  Code.Unavailable,
  // The callee was slow; the next attempt gets its own deadline.
  Code.DeadlineExceeded,
  // Busy or rate limited (HTTP 429): backoff gives it room.
  Code.ResourceExhausted,
  // A concurrency conflict: gRPC's "retry at a higher level", and a new attempt is that level.
  Code.Aborted,
  // The attempt was cut off (its timeout, a worker shutting down, the callee going away), not
  // refused: nothing judged the request.
  Code.Canceled,
  // The callee broke an invariant, most often a passing one (a restarting dependency).
  Code.Internal,
  // Nothing says the request was wrong (a dropped socket, an error that carries no code).
  Code.Unknown,
]);
// Not retried, because the same request gets the same answer until someone changes something:
// InvalidArgument, OutOfRange (the request), NotFound, AlreadyExists, FailedPrecondition (the
// state: gRPC's "do not retry until the system state has been explicitly fixed"),
// PermissionDenied, Unauthenticated (the credentials), Unimplemented (the callee), DataLoss
// (unrecoverable, to be surfaced at once).

/** Whether an attempt that failed with `code` may succeed if simply made again. */
export function isRetryableCode(code: Code): boolean {
  return RETRYABLE.has(code);
}

/**
 * Whether trying again can help: an OmegaError by its code; any other thrown value carries no code
 * to judge it by, so it counts as Unknown (retried, within the caller's attempts).
 */
export function isRetryable(err: unknown): boolean {
  return isRetryableCode(err instanceof OmegaError ? err.code : Code.Unknown);
}

// The same request can never succeed, whoever asks again and however long they wait: a durable
// consumer (an alert's audit append, a Kafka task request) gives up on these and dead-letters the
// message, and keeps retrying every other code, because dropping a message costs more than
// waiting. Unauthenticated (a credential being renewed), AlreadyExists (only the call site knows
// whether that means done) and DataLoss (to be surfaced and repaired, not dropped) stay retried.
const PERMANENT: ReadonlySet<Code> = new Set([
  Code.InvalidArgument,
  Code.OutOfRange,
  Code.NotFound,
  Code.FailedPrecondition,
  Code.PermissionDenied,
  Code.Unimplemented,
]);

/**
 * Whether no later attempt of the same request can succeed: for consumers that retry until
 * something succeeds or is certain never to (a thrown value without a code is never certain).
 */
export function isPermanent(err: unknown): err is OmegaError {
  return err instanceof OmegaError && PERMANENT.has(err.code);
}

/**
 * The Code an HTTP error answer stands for, for REST calls (the Kubernetes API, webhooks): the HTTP
 * mapping of google.rpc.Code read backwards, and RFC 9110 for the statuses it does not name.
 * Where google.rpc gives one status to several codes, the one chosen is what the status means to
 * a client repeating an idempotent request:
 * - 400 is InvalidArgument (FailedPrecondition and OutOfRange share it; none is retried);
 * - 409 is Aborted, retried: a conflict with the resource's current state. Kubernetes answers it to
 *   a write against a stale resourceVersion (client-go's RetryOnConflict repeats the read-modify-
 *   write), and a receiver of an Idempotency-Key answers it while the first request with that key
 *   is still being processed. A create that finds its object already there (AlreadyExists, also
 *   409) is done, not failed, and only its call site can tell: it tolerates 409 itself;
 * - 500 is Internal (Unknown and DataLoss share it), retried like any server fault.
 */
export function codeForHttpStatus(status: number): Code {
  const code = HTTP_STATUS_CODES.get(status);
  if (code !== undefined) return code;
  // A redirect that was not followed: the URL, not the moment, is wrong.
  if (status >= 300 && status < 400) return Code.FailedPrecondition;
  // Any other client error: the request as sent will not be accepted (RFC 9110 §15.5).
  if (status >= 400 && status < 500) return Code.InvalidArgument;
  // Any other server error (RFC 9110 §15.6): the server failed a request it may well serve later.
  if (status >= 500 && status < 600) return Code.Internal;
  return Code.Unknown;
}

const HTTP_STATUS_CODES: ReadonlyMap<number, Code> = new Map([
  [400, Code.InvalidArgument],
  [401, Code.Unauthenticated],
  [403, Code.PermissionDenied],
  [404, Code.NotFound],
  // Request Timeout: the server gave up waiting for the request; RFC 9110 lets the client repeat it.
  [408, Code.DeadlineExceeded],
  [409, Code.Aborted],
  // Gone, "likely to be permanent" (RFC 9110 §15.5.11).
  [410, Code.NotFound],
  [412, Code.FailedPrecondition],
  [429, Code.ResourceExhausted],
  // Client Closed Request (google.rpc's CANCELLED).
  [499, Code.Canceled],
  [500, Code.Internal],
  // The server does not support the method at all (RFC 9110 §15.6.2): repeating cannot help.
  [501, Code.Unimplemented],
  [502, Code.Unavailable],
  [503, Code.Unavailable],
  [504, Code.DeadlineExceeded],
]);
