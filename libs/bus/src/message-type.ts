// The shape of a protobuf message type as @omega/proto generates it (ts-proto MessageFns with
// $type), and the headers the bus puts on every message it publishes.
import { Match, type MsgHdrs } from '@nats-io/transport-node';
import type { TextCarrier } from '@omega/runtime';

/** A message type: its fully-qualified protobuf name and its codec. @omega/proto's MessageFns fit. */
export interface MessageType<T> {
  /** e.g. `omega.v1.Event` */
  readonly $type: string;
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/** Header naming the protobuf type of the payload, e.g. `Omega-Type: omega.v1.Event`. */
export const OMEGA_TYPE_HEADER = 'Omega-Type';

/** JetStream's de-duplication header. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

/**
 * Trace context (traceparent/tracestate) read and written through NATS headers. Reads ignore case:
 * other clients may write `Traceparent`.
 */
export function headersCarrier(headers: MsgHdrs): TextCarrier {
  return {
    get: (key) => headers.get(key, Match.IgnoreCase) || undefined,
    set: (key, value) => headers.set(key, value),
    keys: () => headers.keys(),
  };
}
