// Test-only: what a running service says about itself, read the way an operator would: its gRPC
// health answer, and the calls its /metrics counted.
import * as grpc from '@grpc/grpc-js';
import { grpcHealthDefinition } from '@omega/runtime';

/** The grpc.health.v1 status (`SERVING`, ...) the server at `target` reports for `service`. */
export async function healthOf(
  target: string,
  service: string,
  credentials: grpc.ChannelCredentials,
): Promise<string> {
  const check = Object.values(grpcHealthDefinition)[0] as grpc.MethodDefinition<
    { service: string },
    { status: string }
  >;
  const client = new grpc.Client(target, credentials);
  try {
    return await new Promise((resolve, reject) =>
      client.makeUnaryRequest(
        check.path,
        check.requestSerialize,
        check.responseDeserialize,
        { service },
        { deadline: Date.now() + 10_000 },
        (err, reply) => (err ? reject(err) : resolve(reply?.status ?? '')),
      ),
    );
  } finally {
    client.close();
  }
}

/**
 * How many calls of `method` ('/omega.v1.X/Y') the service whose /metrics is at `httpPort`
 * answered with `code` (`Canceled`, as grpc_server_handled_total's grpc_code spells it); 0 before any.
 */
export async function handledCalls(
  httpPort: number,
  method: string,
  code: string,
): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const slash = method.lastIndexOf('/');
  const wanted = [
    `grpc_service="${method.slice(1, slash)}"`,
    `grpc_method="${method.slice(slash + 1)}"`,
    `grpc_code="${code}"`,
  ];
  const line = text
    .split('\n')
    .find((l) => l.startsWith('grpc_server_handled_total{') && wanted.every((w) => l.includes(w)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}
