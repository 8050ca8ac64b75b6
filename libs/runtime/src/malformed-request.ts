// A request whose bytes do not decode is the caller's fault: it is answered INVALID_ARGUMENT naming
// the method and what the decoder said, not grpc-js's INTERNAL "Error deserializing request",
// which reads as a server bug and hides where the bytes went wrong. A deserializer may also refuse
// bytes before decoding them by throwing an OmegaError (a bound on a repeated field, checked on the
// wire): that answer is passed on as it is.
import * as grpc from '@grpc/grpc-js';
import { OmegaError } from './errors';

/** What a guarded deserializer returns for bytes that do not decode. */
class MalformedRequest {
  constructor(
    readonly reason: string,
    /** Set when a bound checked before decoding refused the bytes: answered as it says. */
    readonly refusal?: OmegaError,
  ) {}
}

type AnyHandler = (...args: never[]) => unknown;

/**
 * `definition` with deserializers that never throw, and `implementation` with each method answering
 * a malformed request INVALID_ARGUMENT ("<path>: the request is not a valid message: <reason>")
 * before its handler sees it. Client- and bidi-streaming methods are left as they are.
 */
export function guardMalformedRequests(
  definition: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
): { definition: grpc.ServiceDefinition; implementation: grpc.UntypedServiceImplementation } {
  const guardedDefinition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const guardedImplementation: grpc.UntypedServiceImplementation = { ...implementation };
  for (const [name, method] of Object.entries(definition)) {
    const handler = implementation[name] as AnyHandler | undefined;
    if (method.requestStream || handler === undefined) {
      guardedDefinition[name] = method;
      continue;
    }
    guardedDefinition[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (err) {
          if (err instanceof OmegaError) return new MalformedRequest(err.message, err);
          return new MalformedRequest(err instanceof Error ? err.message : String(err));
        }
      },
    };
    const refuse = (request: MalformedRequest): grpc.StatusObject =>
      request.refusal
        ? {
            code: request.refusal.grpcStatus,
            details: request.refusal.message,
            metadata: new grpc.Metadata(),
          }
        : {
            code: grpc.status.INVALID_ARGUMENT,
            details: `${method.path}: the request is not a valid message: ${request.reason}`,
            metadata: new grpc.Metadata(),
          };
    guardedImplementation[name] = method.responseStream
      ? (call: grpc.ServerWritableStream<unknown, unknown>) => {
          if (call.request instanceof MalformedRequest) {
            call.emit('error', refuse(call.request));
            return;
          }
          (handler as unknown as grpc.handleServerStreamingCall<unknown, unknown>)(call);
        }
      : (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
          if (call.request instanceof MalformedRequest) {
            callback(refuse(call.request), null);
            return;
          }
          (handler as unknown as grpc.handleUnaryCall<unknown, unknown>)(call, callback);
        };
  }
  return { definition: guardedDefinition, implementation: guardedImplementation };
}
