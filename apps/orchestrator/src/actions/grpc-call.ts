// A unary gRPC call as a promise that names the service, method and address on failure, and maps
// the status to an ActivityError retried or not by the one rule (UNIMPLEMENTED, INVALID_ARGUMENT
// and the like are not worth retrying).
import * as grpc from '@grpc/grpc-js';
import { OmegaError, type Code } from '@omega/runtime';
import { ActivityError } from '@omega/workflow';

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
        const failure = new OmegaError(
          error.code as number as Code,
          `${what} at ${client.getChannel().getTarget()}: ${code}: ${error.details || error.message}`,
          { cause: error },
        );
        reject(ActivityError.from(failure));
      },
    );
    const cancel = (): void => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
  });
}
