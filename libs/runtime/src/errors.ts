// The one error type Omega code throws across a boundary, with codes aligned to gRPC status codes.
import { status as GrpcStatus } from '@grpc/grpc-js';

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

export class OmegaError extends Error {
  override readonly name = 'OmegaError';

  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The gRPC status code to answer with when this error reaches a gRPC edge. */
  get grpcStatus(): GrpcStatus {
    return this.code as number as GrpcStatus;
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
