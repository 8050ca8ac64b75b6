// Calls the gateway's browser protocol (Connect, JSON) with the user's token. The services come
// from the contract's descriptors (connect-es's own client, no hand-written routes); requests and
// answers are the protobuf JSON mapping (camelCase, enums by name, 64-bit integers as strings).
import {
  createFileRegistry,
  fromBinary,
  fromJson,
  toJson,
  type DescMethod,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  type JsonObject,
  type JsonValue,
} from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { base64Decode } from '@bufbuild/protobuf/wire';
import { Code, ConnectError, type Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';
import { DESCRIPTOR_SET_BASE64 } from './descriptor-set';

export const registry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, base64Decode(DESCRIPTOR_SET_BASE64)),
);

/** `omega.v1.IntelligenceService/StreamAlerts` → its descriptor. */
export function methodOf(path: string): DescMethod {
  const [service, name] = path.split('/');
  const desc = registry.getService(`omega.v1.${service ?? ''}`);
  const method = desc?.methods.find((m) => m.name === name);
  if (method === undefined) throw new Error(`${path} is not in the contract`);
  return method;
}

export class Gateway {
  readonly #transport: Transport;

  constructor(
    readonly token: string,
    baseUrl: string = window.location.origin,
  ) {
    this.#transport = createConnectTransport({
      baseUrl,
      useBinaryFormat: false,
      jsonOptions: { registry },
      interceptors: [
        (next) => (req) => {
          req.header.set('authorization', `Bearer ${token}`);
          return next(req);
        },
      ],
    });
  }

  /** A unary call: `path` as `Service/Method` (omega.v1 implied). */
  async call<T = JsonObject>(
    path: string,
    request: JsonObject = {},
    signal?: AbortSignal,
  ): Promise<T> {
    const method = methodOf(path);
    if (method.methodKind !== 'unary') throw new Error(`${path} is not a unary method`);
    const unary = method as DescMethodUnary;
    const input = fromJson(method.input, request, { registry });
    const response = await this.#transport.unary(
      unary,
      signal,
      30_000,
      undefined,
      input,
      undefined,
    );
    return toJson(method.output, response.message, { registry }) as T;
  }

  /** A server stream: yields each answer as JSON until it ends, fails or `signal` aborts. */
  async *stream<T = JsonObject>(
    path: string,
    request: JsonObject,
    signal: AbortSignal,
  ): AsyncGenerator<T> {
    const method = methodOf(path);
    if (method.methodKind !== 'server_streaming') throw new Error(`${path} is not a stream`);
    const streaming = method as DescMethodServerStreaming;
    const input = fromJson(method.input, request, { registry });
    const response = await this.#transport.stream(
      streaming,
      signal,
      undefined,
      undefined,
      (async function* () {
        yield input;
      })(),
      undefined,
    );
    for await (const message of response.message) {
      yield toJson(method.output, message, { registry }) as T;
    }
  }
}

/** What went wrong, in words a person can act on. */
export function plainWords(error: unknown): string {
  const e = ConnectError.from(error);
  const detail = e.rawMessage;
  switch (e.code) {
    case Code.Unauthenticated:
      return `The gateway does not accept this token (expired, revoked or mistyped). Log in again with a valid token. (${detail})`;
    case Code.PermissionDenied:
      return `Your roles do not allow this. ${detail}`;
    case Code.Unavailable:
      return `The gateway or the service behind it cannot be reached right now. ${detail}`;
    case Code.DeadlineExceeded:
      return `The gateway took too long to answer. ${detail}`;
    case Code.NotFound:
      return `Not found: ${detail}`;
    case Code.InvalidArgument:
      return `The gateway refused the request: ${detail}`;
    case Code.ResourceExhausted:
      return `Too many requests or too large: ${detail}`;
    case Code.Canceled:
      return 'Cancelled.';
    default:
      return detail === '' ? 'Something went wrong talking to the gateway.' : detail;
  }
}

export function isUnauthenticated(error: unknown): boolean {
  return ConnectError.from(error).code === Code.Unauthenticated;
}

export type { JsonObject, JsonValue };
