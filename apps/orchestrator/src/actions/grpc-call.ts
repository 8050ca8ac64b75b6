// A call through a promise client (createPromiseClient) as an activity: its failure, which names
// the service, method and address, becomes an ActivityError; UNIMPLEMENTED and INVALID_ARGUMENT
// are not worth retrying.
import * as grpc from '@grpc/grpc-js';
import { OmegaError } from '@omega/runtime';
import { ActivityError } from '@omega/workflow';

const PERMANENT = new Set<grpc.status>([
  grpc.status.UNIMPLEMENTED,
  grpc.status.INVALID_ARGUMENT,
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.NOT_FOUND,
]);

export async function activityCall<Res>(call: Promise<Res>): Promise<Res> {
  try {
    return await call;
  } catch (err) {
    if (!(err instanceof OmegaError)) throw err;
    const status = err.grpcStatus;
    throw new ActivityError(
      (grpc.status[status] ?? String(status)).toLowerCase(),
      err.message,
      !PERMANENT.has(status),
      { cause: err },
    );
  }
}
