// Omega's error codes and its one error type, on the ground floor: this file imports nothing, so
// pure code (detectors, Merkle proofs, rule parsing) can throw without loading a server stack.

/** Error codes; the numbers are gRPC's, so mapping to a status at the edge is the identity. */
export enum Code {
  Canceled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
  Unauthenticated = 16,
}

// gRPC's canonical names (statuscodes.md), which grpc-js's `status` enum and every gRPC tool print;
// note gRPC's spelling CANCELLED beside this enum's Canceled.
const CODE_NAMES: Readonly<Record<Code, string>> = {
  [Code.Canceled]: 'cancelled',
  [Code.Unknown]: 'unknown',
  [Code.InvalidArgument]: 'invalid_argument',
  [Code.DeadlineExceeded]: 'deadline_exceeded',
  [Code.NotFound]: 'not_found',
  [Code.AlreadyExists]: 'already_exists',
  [Code.PermissionDenied]: 'permission_denied',
  [Code.ResourceExhausted]: 'resource_exhausted',
  [Code.FailedPrecondition]: 'failed_precondition',
  [Code.Aborted]: 'aborted',
  [Code.OutOfRange]: 'out_of_range',
  [Code.Unimplemented]: 'unimplemented',
  [Code.Internal]: 'internal',
  [Code.Unavailable]: 'unavailable',
  [Code.DataLoss]: 'data_loss',
  [Code.Unauthenticated]: 'unauthenticated',
};

/**
 * `code` as gRPC names it, lower case: 'invalid_argument', 'cancelled'. Stable text for logs,
 * workflow histories and the codes a playbook lists; a number gRPC may add later reads 'code_17'.
 */
export function codeName(code: Code): string {
  return CODE_NAMES[code] ?? `code_${code as number}`;
}

export class OmegaError extends Error {
  override readonly name = 'OmegaError';

  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The gRPC status code to answer with when this error reaches a gRPC edge (the same number). */
  get grpcStatus(): number {
    return this.code;
  }

  /** Wraps any thrown value with context, keeping an OmegaError's code. */
  static wrap(err: unknown, context: string, fallback: Code = Code.Internal): OmegaError {
    const code = err instanceof OmegaError ? err.code : fallback;
    return new OmegaError(code, `${context}: ${errorMessage(err)}`, { cause: err });
  }
}

/** The message of any thrown value, for logs and wrapped errors. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  // Errors from another realm (vm contexts, jest) fail instanceof but still carry a message.
  if (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { message?: unknown }).message === 'string'
  ) {
    return (err as { message: string }).message;
  }
  return String(err);
}
