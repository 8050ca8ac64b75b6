// W3C trace context (traceparent/tracestate) carried through any string-keyed header set:
// gRPC metadata and NATS message headers both adapt to TextCarrier.
import { context, propagation, type Context } from '@opentelemetry/api';

/** A header set that trace context can be written to and read from. */
export interface TextCarrier {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  keys(): string[];
}

/** Writes the active (or given) span context into the carrier, e.g. before a publish or a call. */
export function injectTraceContext(carrier: TextCarrier, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, {
    set: (c, key, value) => c.set(key, value),
  });
}

/** Reads a remote span context from the carrier; the result is the parent for the handler's span. */
export function extractTraceContext(
  carrier: TextCarrier,
  base: Context = context.active(),
): Context {
  return propagation.extract(base, carrier, {
    get: (c, key) => c.get(key),
    keys: (c) => c.keys(),
  });
}
