// The client half of Omega's gRPC boundary: a generated grpc-js client as promise methods taking a
// signal and a timeout, failing with an OmegaError that names the service, method and address.
import * as grpc from '@grpc/grpc-js';
import { Code, OmegaError } from './errors';

export interface CallOptions {
  /** Cancels the call; it then rejects with Canceled. */
  signal?: AbortSignal;
  /** The call's deadline from now; overrides the client's `timeoutMs` (Infinity: none). */
  timeoutMs?: number;
  metadata?: grpc.Metadata;
}

type RequestOf<M> = M extends { requestSerialize: (value: infer Req) => Buffer } ? Req : never;
type ResponseOf<M> = M extends { responseDeserialize: (bytes: Buffer) => infer Res } ? Res : never;

/** The promise method a method definition becomes; client- and bidi-streaming ones have none. */
export type ClientMethod<M> = M extends { requestStream: true }
  ? never
  : M extends { responseStream: true }
    ? (request: RequestOf<M>, options?: CallOptions) => AsyncIterable<ResponseOf<M>>
    : (request: RequestOf<M>, options?: CallOptions) => Promise<ResponseOf<M>>;

export type PromiseClient<D> = {
  readonly [K in keyof D as D[K] extends { requestStream: true } ? never : K]: ClientMethod<D[K]>;
} & {
  /** The address the client dials, as given. */
  readonly address: string;
  /** The underlying grpc-js client, for what the promise methods do not cover (waitForReady). */
  readonly grpcClient: grpc.Client;
  close(): void;
};

/** What ts-proto generates as `XxxServiceClient` (and grpc.makeGenericClientConstructor returns). */
export interface GeneratedClientConstructor<D> {
  new (
    address: string,
    credentials: grpc.ChannelCredentials,
    options?: Partial<grpc.ClientOptions>,
  ): grpc.Client;
  readonly service: D;
}

export interface PromiseClientOptions {
  /** Default: insecure (the local stack's transport). */
  credentials?: grpc.ChannelCredentials;
  channelOptions?: grpc.ChannelOptions;
  /** Deadline of every call that passes no `timeoutMs` of its own; default none. */
  timeoutMs?: number;
}

/** Promise methods for every unary and server-streaming method of `Client`'s service. */
export function createPromiseClient<D extends grpc.ServiceDefinition>(
  Client: GeneratedClientConstructor<D>,
  address: string,
  options: PromiseClientOptions = {},
): PromiseClient<D> {
  const client = new Client(
    address,
    options.credentials ?? grpc.credentials.createInsecure(),
    options.channelOptions ?? {},
  );
  const methods: Record<string, unknown> = {
    address,
    grpcClient: client,
    close: () => client.close(),
  };
  for (const [name, method] of Object.entries(Client.service)) {
    if (method.requestStream) continue;
    const call = { client, address, method, defaultTimeoutMs: options.timeoutMs };
    methods[name] = method.responseStream
      ? (request: unknown, callOptions: CallOptions = {}) => streamCall(call, request, callOptions)
      : (request: unknown, callOptions: CallOptions = {}) => unaryCall(call, request, callOptions);
  }
  return methods as PromiseClient<D>;
}

interface MethodCall {
  client: grpc.Client;
  address: string;
  method: grpc.MethodDefinition<unknown, unknown>;
  defaultTimeoutMs: number | undefined;
}

/** An OmegaError for a failed call: "omega.v1.TrustService/AppendAudit at host:port: UNAVAILABLE: ...". */
function callError(call: MethodCall, err: unknown): OmegaError {
  const { code, details } = err as Partial<grpc.ServiceError>;
  const status = typeof code === 'number' ? code : grpc.status.UNKNOWN;
  const detail = details || (err instanceof Error ? err.message : String(err));
  return new OmegaError(
    status as number as Code,
    `${call.method.path.slice(1)} at ${call.address}: ${grpc.status[status] ?? status}: ${detail}`,
    { cause: err },
  );
}

function grpcOptions(call: MethodCall, options: CallOptions): grpc.CallOptions {
  const timeoutMs = options.timeoutMs ?? call.defaultTimeoutMs;
  return timeoutMs === undefined || timeoutMs === Infinity
    ? {}
    : { deadline: Date.now() + timeoutMs };
}

function canceledBeforeStart(call: MethodCall): OmegaError {
  return callError(call, { code: grpc.status.CANCELLED, details: 'cancelled before it started' });
}

function unaryCall(call: MethodCall, request: unknown, options: CallOptions): Promise<unknown> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(canceledBeforeStart(call));
  return new Promise((resolve, reject) => {
    const cancel = (): void => pending.cancel();
    const pending = call.client.makeUnaryRequest(
      call.method.path,
      call.method.requestSerialize,
      call.method.responseDeserialize,
      request,
      options.metadata ?? new grpc.Metadata(),
      grpcOptions(call, options),
      (err, response) => {
        signal?.removeEventListener('abort', cancel);
        if (err) reject(callError(call, err));
        else resolve(response);
      },
    );
    signal?.addEventListener('abort', cancel, { once: true });
  });
}

async function* streamCall(
  call: MethodCall,
  request: unknown,
  options: CallOptions,
): AsyncIterable<unknown> {
  const { signal } = options;
  if (signal?.aborted) throw canceledBeforeStart(call);
  const stream = call.client.makeServerStreamRequest(
    call.method.path,
    call.method.requestSerialize,
    call.method.responseDeserialize,
    request,
    options.metadata ?? new grpc.Metadata(),
    grpcOptions(call, options),
  );
  const cancel = (): void => stream.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  let ended = false;
  try {
    for await (const response of stream) yield response;
    ended = true;
  } catch (err) {
    ended = true;
    throw callError(call, err);
  } finally {
    signal?.removeEventListener('abort', cancel);
    // The consumer stopped early: the server stops too.
    if (!ended) stream.cancel();
  }
}
