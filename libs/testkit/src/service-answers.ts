// Helpers for specs that run a whole service: the environment that puts it on free loopback ports
// against a test nats-server, and what each unary method of a running service answers.
import * as grpc from '@grpc/grpc-js';

/** OMEGA_* settings for a service on free loopback ports (gRPC and HTTP) against `natsUrl`. */
export function localServiceEnv(natsUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    OMEGA_GRPC_HOST: '127.0.0.1',
    OMEGA_GRPC_PORT: '0',
    OMEGA_HTTP_HOST: '127.0.0.1',
    OMEGA_HTTP_PORT: '0',
    OMEGA_NATS_SERVERS: natsUrl,
    OMEGA_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** One unary method's answer to an empty request: its status, or OK. */
export interface UnaryAnswer {
  readonly path: string;
  readonly code: grpc.status;
  readonly details: string;
}

/**
 * Calls every unary method of `definition` at `address` with an empty request (insecure channel)
 * and returns each answer, in the definition's order.
 */
export async function unaryAnswers(
  address: string,
  definition: grpc.ServiceDefinition,
): Promise<UnaryAnswer[]> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    const answers: UnaryAnswer[] = [];
    for (const method of Object.values(definition)) {
      if (method.requestStream || method.responseStream) continue;
      answers.push(
        await new Promise<UnaryAnswer>((resolve) =>
          client.makeUnaryRequest(
            method.path,
            method.requestSerialize,
            method.responseDeserialize,
            method.requestDeserialize(Buffer.alloc(0)),
            { deadline: Date.now() + 10_000 },
            (err: grpc.ServiceError | null) =>
              resolve({
                path: method.path,
                code: err ? err.code : grpc.status.OK,
                details: err ? err.details : '',
              }),
          ),
        ),
      );
    }
    return answers;
  } finally {
    client.close();
  }
}
