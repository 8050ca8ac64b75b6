// Helpers around @grpc/grpc-js servers: binding, service names, placeholder implementations, and
// the one place an OmegaError becomes a gRPC status.
import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError } from './errors';

/**
 * An implementation in which every method, unary or streaming, answers UNIMPLEMENTED with
 * "<method path> is not built yet", so a service can be served before its logic exists.
 */
export function unimplementedService(
  definition: grpc.ServiceDefinition,
): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const status = { code: grpc.status.UNIMPLEMENTED, details: `${method.path} is not built yet` };
    implementation[name] = method.responseStream
      ? (call: grpc.ServerWritableStream<unknown, unknown>) => {
          call.emit('error', status);
        }
      : (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
          callback(status, null);
        };
  }
  return implementation;
}

/** The fully qualified service name ('omega.v1.TrustService') taken from the methods' paths. */
export function grpcServiceName(definition: grpc.ServiceDefinition): string {
  const first = Object.values(definition)[0];
  const match = first ? /^\/([^/]+)\//.exec(first.path) : null;
  if (!match?.[1]) {
    throw new OmegaError(
      Code.InvalidArgument,
      'grpc: the service definition has no method with a /package.Service/Method path',
    );
  }
  return match[1];
}

/** Binds with `credentials` (insecure by default) and resolves with the port actually bound. */
export function bindGrpcServer(
  server: grpc.Server,
  host: string,
  port: number,
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
): Promise<number> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (err, boundPort) => {
      if (err) {
        reject(
          new OmegaError(Code.Unavailable, `grpc: cannot listen on ${address}: ${err.message}`, {
            cause: err,
          }),
        );
      } else {
        resolve(boundPort);
      }
    });
  });
}

/**
 * The status a handler answers with for a thrown value: an OmegaError keeps its code and message;
 * anything else is INTERNAL without its message, which may hold details not meant for callers.
 */
export function toGrpcError(
  err: unknown,
): Partial<grpc.StatusObject> & { code: grpc.status; details: string } {
  if (err instanceof OmegaError) return { code: err.grpcStatus, details: err.message };
  return { code: grpc.status.INTERNAL, details: 'internal error' };
}
