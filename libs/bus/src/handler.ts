// What a consume() handler sees and answers: the delivery context in, an Outcome out.
import type { JsMsg } from '@nats-io/jetstream';
import { headers as createHeaders, type MsgHdrs } from '@nats-io/transport-node';
import { extractTraceContext } from '@omega/runtime';
import { headersCarrier } from './message-type';

/** What a handler decided about a message. */
export type Outcome =
  | { kind: 'ack' }
  | { kind: 'nak'; delayMs: number }
  | { kind: 'term'; reason: string }
  | { kind: 'reject'; error: string };

const ACK: Outcome = Object.freeze({ kind: 'ack' });
/** Processed: remove it from the consumer's pending set. */
export const ack = (): Outcome => ACK;
/** Not now: redeliver after `delayMs` (counts toward maxDeliver). */
export const nak = (delayMs = 0): Outcome => ({ kind: 'nak', delayMs });
/** Never redeliver (the handler decided the message is obsolete or unprocessable). */
export const term = (reason: string): Outcome => ({ kind: 'term', reason });
/**
 * Refused (e.g. a bad signature): dead-lettered with reason `rejected` and `error` in the
 * Omega-Dlq-Error header, then terminated; never redelivered.
 */
export const reject = (error: string): Outcome => ({ kind: 'reject', error });

type TraceContext = ReturnType<typeof extractTraceContext>;

/** What a handler knows about the delivery besides the decoded message. */
export interface DeliveryContext {
  readonly subject: string;
  /** Stream sequence. */
  readonly seq: number;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  readonly headers: MsgHdrs;
  /** The publisher's trace context: parent for the handler's span. */
  readonly traceContext: TraceContext;
}

export type Handler<T> = (message: T, ctx: DeliveryContext) => Promise<Outcome>;

/** The handler's view of one delivery; headers and trace context are built on first use. */
export class Delivery implements DeliveryContext {
  private hdrs: MsgHdrs | undefined;
  private trace: TraceContext | undefined;

  constructor(
    private readonly msg: JsMsg,
    readonly deliveryCount: number,
  ) {}

  get subject(): string {
    return this.msg.subject;
  }
  get seq(): number {
    return this.msg.seq;
  }
  get headers(): MsgHdrs {
    return (this.hdrs ??= this.msg.headers ?? createHeaders());
  }
  get traceContext(): TraceContext {
    return (this.trace ??= extractTraceContext(headersCarrier(this.headers)));
  }
}
