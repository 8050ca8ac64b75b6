// Typed JetStream publish: encodes with the message type, names the type in a header, carries the
// trace context, and maps JetStream's refusals to OmegaErrors that name the subject.
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamPublishOptions,
  type PubAck,
} from '@nats-io/jetstream';
import { RequestError, headers as createHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { Code, OmegaError, injectTraceContext } from '@omega/runtime';
import type { Bus } from './connection';
import { OMEGA_TYPE_HEADER, headersCarrier, type MessageType } from './message-type';

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
export async function publish<T>(
  bus: Bus,
  subject: string,
  type: MessageType<T>,
  message: T,
  options: PublishOptions = {},
): Promise<PubAck> {
  const hdrs = createHeaders();
  if (options.headers) {
    for (const [key, value] of Object.entries(options.headers)) hdrs.set(key, value);
  }
  hdrs.set(OMEGA_TYPE_HEADER, type.$type);
  injectTraceContext(headersCarrier(hdrs), options.traceContext);
  const data = type.encode(message).finish();

  const publishOptions: Partial<JetStreamPublishOptions> = { headers: hdrs };
  if (options.msgId !== undefined) publishOptions.msgID = options.msgId;
  if (options.expectedLastSubjectSeq !== undefined) {
    publishOptions.expect = { lastSubjectSequence: options.expectedLastSubjectSeq };
  }
  if (options.timeoutMs !== undefined) publishOptions.timeout = options.timeoutMs;
  try {
    return await bus.js.publish(subject, data, publishOptions);
  } catch (err) {
    throw publishError(err, subject, type.$type, options);
  }
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
