// A unary gRPC call as a promise that names the service, method and address on failure, and maps
// the status to an ActivityError: UNIMPLEMENTED and INVALID_ARGUMENT are not worth retrying.
import * as grpc from '@grpc/grpc-js';
import { ActivityError } from '@omega/workflow';

const PERMANENT = new Set<grpc.status>([
  grpc.status.UNIMPLEMENTED,
  grpc.status.INVALID_ARGUMENT,
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.NOT_FOUND,
]);

type Unary<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: Partial<grpc.CallOptions>,
  callback: (error: grpc.ServiceError | null, response: Res) => void,
) => grpc.ClientUnaryCall;

export function unaryCall<Req, Res>(
  client: grpc.Client,
  method: Unary<Req, Res>,
  what: string,
  request: Req,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const call = method.call(
      client,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (error, response) => {
        signal.removeEventListener('abort', cancel);
        if (!error) return resolve(response);
        const code = grpc.status[error.code] ?? String(error.code);
        reject(
          new ActivityError(
            code.toLowerCase(),
            `${what} at ${client.getChannel().getTarget()}: ${code}: ${error.details || error.message}`,
            !PERMANENT.has(error.code),
            { cause: error },
          ),
        );
      },
    );
    const cancel = (): void => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
  });
}
