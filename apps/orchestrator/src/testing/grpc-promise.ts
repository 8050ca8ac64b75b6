// Test-only: a unary call of a generated client as a promise.
import * as grpc from '@grpc/grpc-js';

export function call<Req, Res>(
  client: grpc.Client,
  method: (
    req: Req,
    md: grpc.Metadata,
    opts: Partial<grpc.CallOptions>,
    cb: (err: grpc.ServiceError | null, res: Res) => void,
  ) => unknown,
  request: Req,
  timeoutMs = 15_000,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(
      client,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}
