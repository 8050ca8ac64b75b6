// Typed JetStream publish: encodes with the message type, names the type in a header, carries the
// trace context (in a producer span when spans are exported), and maps JetStream's refusals to OmegaErrors that name the subject.
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamPublishOptions,
  type PubAck,
} from '@nats-io/jetstream';
import {
  MsgHdrsImpl,
  RequestError,
  type Match,
  headers as createHeaders,
  type MsgHdrs,
} from '@nats-io/transport-node';
import { Code, OmegaError, injectTraceContext, type TextCarrier } from '@omega/runtime';
import { endPublishSpan, startPublishSpan } from './bus-tracing';
import type { Bus } from './connection';
import { OMEGA_TYPE_HEADER, type MessageType } from './message-type';

export interface PublishOptions {
  /** Sets `Nats-Msg-Id`: JetStream stores a message once per id within the duplicate window. */
  msgId?: string;
  /** Refuse (Code.Aborted) unless the subject's last sequence is this (0: no message yet). */
  expectedLastSubjectSeq?: number;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** How long to wait for the stream's ack (default: the bus's request timeout). */
  timeoutMs?: number;
  /** Trace context to propagate (default: the active one). */
  traceContext?: Parameters<typeof injectTraceContext>[1];
}

/**
 * Publishes `message` as `type` to a JetStream subject and resolves with the stream's ack
 * (`duplicate: true` when `msgId` was seen within the duplicate window).
 */
export function publish<T>(
  bus: Bus,
  subject: string,
  type: MessageType<T>,
  message: T,
  options: PublishOptions = {},
): Promise<PubAck> {
  let data: Uint8Array;
  try {
    data = type.encode(message).finish();
  } catch (err) {
    return Promise.reject(
      OmegaError.wrap(
        err,
        `publish ${type.$type} to ${subject}: encoding failed`,
        Code.InvalidArgument,
      ),
    );
  }
  const publishSpan = startPublishSpan(subject, data.length, options.msgId, options.traceContext);
  injectTraceContext(traceCollector, publishSpan?.context ?? options.traceContext);
  let publishOptions: Partial<JetStreamPublishOptions>;
  if (
    traceFields.length === 0 &&
    options.headers === undefined &&
    options.msgId === undefined &&
    options.expectedLastSubjectSeq === undefined &&
    options.timeoutMs === undefined
  ) {
    // The common case: the only header is the type, so its encoding is made once per type.
    publishOptions = { headers: typeOnlyHeaders(type.$type) };
  } else {
    const hdrs = createHeaders();
    if (options.headers) {
      for (const [key, value] of Object.entries(options.headers)) hdrs.set(key, value);
    }
    hdrs.set(OMEGA_TYPE_HEADER, type.$type);
    for (let i = 0; i < traceFields.length; i += 2) {
      hdrs.set(traceFields[i] as string, traceFields[i + 1] as string);
    }
    publishOptions = { headers: hdrs };
    if (options.msgId !== undefined) publishOptions.msgID = options.msgId;
    if (options.expectedLastSubjectSeq !== undefined) {
      publishOptions.expect = { lastSubjectSequence: options.expectedLastSubjectSeq };
    }
    if (options.timeoutMs !== undefined) publishOptions.timeout = options.timeoutMs;
  }
  traceFields.length = 0;
  // Not async: on the hot path the only promise is the ack's (plus this catch).
  const acked = bus.js.publish(subject, data, publishOptions).catch((err: unknown) => {
    throw publishError(err, subject, type.$type, options);
  });
  return publishSpan ? endPublishSpan(publishSpan, acked) : acked;
}

/** Trace context fields of the publish in progress (injection is synchronous, so one suffices). */
const traceFields: string[] = [];
const traceCollector: TextCarrier = {
  get: () => undefined,
  set: (key, value) => void traceFields.push(key, value),
  keys: () => [],
};

/** Headers holding only `Omega-Type`, encoded once and shared; they refuse changes. */
class TypeOnlyHeaders extends MsgHdrsImpl {
  private readonly encoded: Uint8Array;
  private sealed = false;
  constructor(typeName: string) {
    super();
    this.set(OMEGA_TYPE_HEADER, typeName);
    this.encoded = super.encode();
    this.sealed = true;
  }
  override encode(): Uint8Array {
    return this.encoded;
  }
  override set(key: string, value: string, match?: Match): void {
    this.refuseWhenSealed();
    super.set(key, value, match);
  }
  override append(key: string, value: string, match?: Match): void {
    this.refuseWhenSealed();
    super.append(key, value, match);
  }
  override delete(key: string, match?: Match): void {
    this.refuseWhenSealed();
    super.delete(key, match);
  }
  private refuseWhenSealed(): void {
    if (this.sealed) {
      throw new OmegaError(
        Code.Internal,
        'the shared Omega-Type headers of publish() are read-only',
      );
    }
  }
}

const typeHeaders = new Map<string, TypeOnlyHeaders>();
function typeOnlyHeaders(typeName: string): TypeOnlyHeaders {
  let hdrs = typeHeaders.get(typeName);
  if (!hdrs) typeHeaders.set(typeName, (hdrs = new TypeOnlyHeaders(typeName)));
  return hdrs;
}

/** Publishes bytes as they are, with the given headers; for dead-lettering and tools. */
export async function publishBytes(
  bus: Bus,
  subject: string,
  data: Uint8Array,
  options: { headers?: MsgHdrs; msgId?: string; timeoutMs?: number } = {},
): Promise<PubAck> {
  const publishOptions: Partial<JetStreamPublishOptions> = {};
  if (options.headers) publishOptions.headers = options.headers;
  if (options.msgId !== undefined) publishOptions.msgID = options.msgId;
  if (options.timeoutMs !== undefined) publishOptions.timeout = options.timeoutMs;
  try {
    return await bus.js.publish(subject, data, publishOptions);
  } catch (err) {
    throw publishError(err, subject, 'bytes', {});
  }
}

function publishError(
  err: unknown,
  subject: string,
  typeName: string,
  options: PublishOptions,
): OmegaError {
  const what = `publish ${typeName} to ${subject}`;
  if (err instanceof JetStreamApiError) {
    if (
      err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown
    ) {
      return new OmegaError(
        Code.Aborted,
        `${what}: expected last subject sequence ${options.expectedLastSubjectSeq} but the ` +
          `stream has moved on (${err.message}); re-read and retry`,
        { cause: err },
      );
    }
    return new OmegaError(Code.FailedPrecondition, `${what}: ${err.message}`, { cause: err });
  }
  const name = err instanceof Error ? err.name : '';
  const cause = err instanceof Error ? (err.cause as Error | undefined) : undefined;
  if (name === 'TimeoutError' || cause?.name === 'TimeoutError') {
    return new OmegaError(Code.DeadlineExceeded, `${what}: no ack from JetStream in time`, {
      cause: err,
    });
  }
  // JetStream's "no responders" answer: nothing listens on the subject, i.e. no stream has it.
  if (cause instanceof RequestError && cause.isNoResponders()) {
    return new OmegaError(
      Code.NotFound,
      `${what}: no stream captures this subject (is it provisioned, is JetStream up?)`,
      { cause: err },
    );
  }
  return OmegaError.wrap(err, what, Code.Unavailable);
}
