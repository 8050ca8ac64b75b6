// Dead letters: a message a consumer cannot use goes, bytes unchanged, to omega.dlq.<stream>.
// <consumer> with headers saying where it came from and why, before the original is terminated.
import type { JsMsg } from '@nats-io/jetstream';
import { headers as createHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { Bus } from './connection';
import { publishBytes } from './publish';
import { subjects } from './subjects';

/** Headers on every dead letter (the original's own headers are kept, minus `Nats-*`). */
export const DLQ_HEADERS = {
  /** Why: one of {@link DeadLetterReason}. */
  reason: 'Omega-Dlq-Reason',
  /** The original stream, consumer, subject and stream sequence. */
  stream: 'Omega-Dlq-Stream',
  consumer: 'Omega-Dlq-Consumer',
  subject: 'Omega-Dlq-Subject',
  seq: 'Omega-Dlq-Seq',
  /** The protobuf type the consumer expected (the original's `Omega-Type` header is kept too). */
  expectedType: 'Omega-Dlq-Expected-Type',
  /** The decode or handler error, one line. */
  error: 'Omega-Dlq-Error',
  /** Byte offset of a decode error, when the decoder reported one. */
  errorOffset: 'Omega-Dlq-Error-Offset',
  deliveryCount: 'Omega-Dlq-Delivery-Count',
  /** The original `Nats-Msg-Id`, if it had one. */
  msgId: 'Omega-Dlq-Msg-Id',
  /** When the message was dead-lettered (ISO 8601). */
  time: 'Omega-Dlq-Time',
} as const;

export type DeadLetterReason =
  /** The payload did not decode as the consumer's type. */
  | 'decode'
  /** The `Omega-Type` header names another type than the consumer's. */
  | 'type-mismatch'
  /** The handler did not ack within maxDeliver deliveries. */
  | 'max-deliver'
  /** The handler refused it (reject()): e.g. a batch whose signature does not verify. */
  | 'rejected';

export interface DeadLetter {
  reason: DeadLetterReason;
  error: string;
  errorOffset?: number;
}

export interface DeadLetterSource {
  stream: string;
  consumer: string;
  expectedType: string;
}

const HEADER_VALUE_MAX = 1024;

/** The headers of the dead letter for `msg`. */
export function deadLetterHeaders(
  msg: JsMsg,
  source: DeadLetterSource,
  letter: DeadLetter,
): MsgHdrs {
  const hdrs = createHeaders();
  if (msg.headers) {
    for (const [key, values] of msg.headers) {
      // Nats-* steer JetStream (de-duplication, expectations); on a dead letter they would misfire.
      if (/^nats-/i.test(key)) continue;
      for (const value of values) hdrs.append(key, value);
    }
    const msgId = msg.headers.get('Nats-Msg-Id');
    if (msgId) hdrs.set(DLQ_HEADERS.msgId, msgId);
  }
  hdrs.set(DLQ_HEADERS.reason, letter.reason);
  hdrs.set(DLQ_HEADERS.stream, source.stream);
  hdrs.set(DLQ_HEADERS.consumer, source.consumer);
  hdrs.set(DLQ_HEADERS.subject, msg.subject);
  hdrs.set(DLQ_HEADERS.seq, String(msg.seq));
  hdrs.set(DLQ_HEADERS.expectedType, source.expectedType);
  hdrs.set(DLQ_HEADERS.error, oneLine(letter.error));
  if (letter.errorOffset !== undefined)
    hdrs.set(DLQ_HEADERS.errorOffset, String(letter.errorOffset));
  hdrs.set(DLQ_HEADERS.deliveryCount, String(msg.info.deliveryCount));
  hdrs.set(DLQ_HEADERS.time, new Date().toISOString());
  return hdrs;
}

/**
 * Publishes the dead letter for `msg`; the msg id makes a retry after a crash (same stream
 * sequence) a duplicate instead of a second dead letter.
 */
export async function publishDeadLetter(
  bus: Bus,
  msg: JsMsg,
  source: DeadLetterSource,
  letter: DeadLetter,
): Promise<void> {
  await publishBytes(bus, subjects.dlq(source.stream, source.consumer), msg.data, {
    headers: deadLetterHeaders(msg, source, letter),
    msgId: `dlq:${source.stream}:${source.consumer}:${msg.seq}`,
  });
}

/** The byte offset a decode error reports ("at offset 12", "position 7"), if any. */
export function errorOffset(message: string): number | undefined {
  const match = /\b(?:offset|position|pos|index)\s*:?\s*(\d+)/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** Header values are one line of bounded length. */
function oneLine(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ').trim();
  return flat.length > HEADER_VALUE_MAX ? `${flat.slice(0, HEADER_VALUE_MAX - 1)}…` : flat;
}
