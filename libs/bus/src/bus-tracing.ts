// Spans for the bus as OpenTelemetry's messaging conventions name them: a producer span per
// publish, whose context the message's headers carry, and a consumer span per handled delivery,
// its child, inside which the handler runs (so what the handler calls or publishes continues the
// trace). Made only while the process exports spans: the hot paths pay nothing otherwise.
import {
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { TRACER_NAME, errorMessage, spansExported } from '@omega/runtime';
import type { Delivery, Handler, Outcome } from './handler';

/** OpenTelemetry's messaging.system value for NATS. */
export const MESSAGING_SYSTEM = 'nats';

/** A publish's producer span and the context to write into its headers. */
export interface PublishSpan {
  readonly span: Span;
  readonly context: Context;
}

/** Starts the producer span of a publish to `subject` (undefined when spans are not exported). */
export function startPublishSpan(
  subject: string,
  bodyBytes: number,
  msgId: string | undefined,
  parent: Context = context.active(),
): PublishSpan | undefined {
  if (!spansExported()) return undefined;
  const attributes: Attributes = {
    'messaging.system': MESSAGING_SYSTEM,
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'publish',
    'messaging.destination.name': subject,
    'messaging.message.body.size': bodyBytes,
  };
  if (msgId !== undefined) attributes['messaging.message.id'] = msgId;
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(`publish ${subject}`, { kind: SpanKind.PRODUCER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Ends the producer span when the stream's ack (or refusal) arrives. */
export function endPublishSpan<T>(publishSpan: PublishSpan, acked: Promise<T>): Promise<T> {
  const { span } = publishSpan;
  return acked.then(
    (ack) => {
      span.end();
      return ack;
    },
    (err: unknown) => {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
      span.end();
      throw err;
    },
  );
}

/** Where a consumer reads from, for its spans' attributes. */
export interface ConsumerTarget {
  readonly stream: string;
  readonly durable: string;
}

/**
 * Calls the handler, inside a consumer span whose parent is the publisher's context from the
 * message headers when spans are exported; may throw synchronously as the handler does.
 */
export function runHandler<T>(
  handler: Handler<T>,
  message: T,
  delivery: Delivery,
  bodyBytes: number,
  target: ConsumerTarget,
): Promise<Outcome> {
  if (!spansExported()) return handler(message, delivery);
  const parent = delivery.traceContext;
  const span = trace.getTracer(TRACER_NAME).startSpan(
    `process ${delivery.subject}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': MESSAGING_SYSTEM,
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': delivery.subject,
        'messaging.consumer.group.name': target.durable,
        'messaging.message.body.size': bodyBytes,
        'omega.bus.stream': target.stream,
        'omega.bus.stream_sequence': delivery.seq,
        'omega.bus.delivery_count': delivery.deliveryCount,
      },
    },
    parent,
  );
  let outcome: Promise<Outcome>;
  try {
    outcome = context.with(trace.setSpan(parent, span), () => handler(message, delivery));
  } catch (err) {
    failed(span, err);
    throw err;
  }
  return outcome.then(
    (decided) => {
      span.setAttribute('omega.bus.outcome', decided?.kind ?? 'none');
      if (decided?.kind === 'reject') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: decided.error });
      }
      span.end();
      return decided;
    },
    (err: unknown) => {
      failed(span, err);
      throw err;
    },
  );
}

function failed(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(err) });
  span.end();
}
