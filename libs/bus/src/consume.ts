// Durable pull consumers with typed handlers: decode, call the handler, turn its outcome into
// ack/nak/term, and dead-letter what cannot be decoded or keeps failing, so one bad message
// never blocks a stream and none disappears without a trace.
//
// Max-deliver dead-lettering is decided in-band, on the message itself: when a handler fails on
// its maxDeliver-th delivery the message goes to the DLQ right there. The consumer is created with
// max_deliver = maxDeliver + 1, so a delivery that ended without any outcome (the process crashed,
// the handler outlived ackWait) still comes back once more, and that extra delivery is
// dead-lettered without calling the handler. The alternative, the server's MAX_DELIVERIES advisory,
// is a core-NATS event: nobody listening at that moment (a restart, a disconnect) loses it, and
// the message then has to be fetched by sequence, which a work-queue stream may no longer allow.
// Over 400 lines on purpose: one consumer loop whose steps (fetch, decode, handle, settle, dead-letter) share its state.
import type { ConsumerInfo, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import type { Logger } from 'pino';
import { runHandler } from './bus-tracing';
import { trackDrainable, type Bus } from './connection';
import { errorOffset, publishDeadLetter, type DeadLetter } from './dead-letter';
import { Delivery, type Handler, type Outcome } from './handler';
import { OMEGA_TYPE_HEADER, type MessageType } from './message-type';
import { consumerConfig, ensureConsumer, requireDlqStream } from './consumer-config';
import { requireJetStream, serverSupports } from './server-features';
import { subjectToken } from './subjects';
import { findWireFormatProblem } from './wire-format';

export interface ConsumeOptions<T> {
  stream: string;
  /** Durable consumer name; kept across restarts, shared by replicas (they split the work). */
  durable: string;
  filterSubject?: string;
  type: MessageType<T>;
  handler: Handler<T>;
  /** Handler attempts before the message is dead-lettered (default 5). */
  maxDeliver?: number;
  /** Time a handler has before the server redelivers (default 30 000 ms). */
  ackWaitMs?: number;
  /** Unacked messages the server hands out at once (default 1000). */
  maxAckPending?: number;
  /** Handlers running at once (default 1: in stream order). */
  concurrency?: number;
  /** Messages requested per pull (default 100). */
  batchSize?: number;
  /** Dead-letter to omega.dlq.<stream>.<durable> (default true); false only logs and terms. */
  deadLetter?: boolean;
  /** Redelivery delay after a handler throws (default 1 s doubling to 60 s, ±20% jitter). */
  retryDelayMs?: (deliveryCount: number) => number;
  /** Logger for this consumer (default: the bus's). */
  logger?: Logger;
}

export interface ConsumerHandle {
  readonly stream: string;
  readonly durable: string;
  /** The consumer as the server sees it (pending, redelivered, ack floor). */
  info(): Promise<ConsumerInfo>;
  /** Stops pulling, hands back undelivered buffered messages, waits for running handlers. */
  stop(): Promise<void>;
}

/** Most acks held back to be written together. */
const ACK_BATCH = 64;

/**
 * Creates or updates the durable consumer, then runs `handler` for each message until stop()
 * (or bus.drain()).
 */
export async function consume<T>(bus: Bus, options: ConsumeOptions<T>): Promise<ConsumerHandle> {
  const runner = new ConsumerRunner(bus, options);
  await runner.prepare();
  runner.start();
  return runner;
}

function defaultRetryDelayMs(deliveryCount: number): number {
  const base = Math.min(60_000, 1000 * 2 ** Math.max(0, deliveryCount - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

class ConsumerRunner<T> implements ConsumerHandle {
  readonly stream: string;
  readonly durable: string;
  private readonly where: string;
  private readonly maxDeliver: number;
  private readonly concurrency: number;
  private readonly deadLetter: boolean;
  private readonly logger: Logger;
  private readonly retryDelayMs: (deliveryCount: number) => number;
  private readonly inFlight = new Set<Promise<void>>();
  private messages: ConsumerMessages | undefined;
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;
  private untrack: () => void = () => undefined;
  private termWithReason = false;
  private readonly sleepers = new Set<() => void>();
  private readonly acks: JsMsg[] = [];
  private ackFlushScheduled = false;

  constructor(
    private readonly bus: Bus,
    private readonly options: ConsumeOptions<T>,
  ) {
    // Both become tokens of the dead-letter subject omega.dlq.<stream>.<durable>.
    this.stream = subjectToken(options.stream, 'consume.stream');
    this.durable = subjectToken(options.durable, 'consume.durable');
    this.where = `consumer ${options.durable} on stream ${options.stream}`;
    this.maxDeliver = positiveInteger(options.maxDeliver ?? 5, 'maxDeliver', this.where);
    this.concurrency = positiveInteger(options.concurrency ?? 1, 'concurrency', this.where);
    this.deadLetter = options.deadLetter ?? true;
    this.logger = (options.logger ?? bus.logger).child({
      stream: options.stream,
      consumer: options.durable,
    });
    this.retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  }

  /** Checks the server, the DLQ stream and makes the consumer's configuration the declared one. */
  async prepare(): Promise<void> {
    const version = requireJetStream(this.bus.nc, this.where);
    this.termWithReason = serverSupports(version, 'termReason');
    if (this.deadLetter) await requireDlqStream(this.bus, this.where);
    const desired = consumerConfig(this.durable, this.maxDeliver, this.options);
    const changed = await ensureConsumer(this.bus, this.stream, desired, version, this.where);
    if (changed === 'created') this.logger.info(`${this.where}: created`);
    else if (changed.length > 0) {
      this.logger.info({ fields: changed }, `${this.where}: updated ${changed.join(', ')}`);
    }
  }

  start(): void {
    this.untrack = trackDrainable(this.bus, this);
    this.loop = this.run();
  }

  info(): Promise<ConsumerInfo> {
    return this.bus.jsm.consumers.info(this.stream, this.durable);
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      for (const wake of [...this.sleepers]) wake();
      // close() settles only once the loop has taken every buffered message; don't await it here.
      void this.messages?.close();
      await this.loop;
      await Promise.allSettled([...this.inFlight]);
      this.flushAcks();
      // Send the last acks before returning: the process may exit right after.
      if (!this.bus.nc.isClosed()) {
        await this.bus.nc.flush().catch((err: unknown) => {
          this.logger.warn({ err }, `${this.where}: last acks may not have reached the server`);
        });
      }
      this.untrack();
      this.logger.info(`${this.where}: stopped`);
    })();
    return this.stopped;
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopping;) {
      try {
        const consumer = await this.bus.js.consumers.get(this.stream, this.durable);
        const messages = await consumer.consume({ max_messages: this.options.batchSize ?? 100 });
        this.messages = messages;
        if (this.stopping) void messages.close();
        void this.watchNotifications(messages);
        for await (const msg of messages) {
          failures = 0;
          if (this.stopping) {
            // Pulled but not started: hand it back now rather than after ackWait.
            msg.nak();
            continue;
          }
          if (this.concurrency === 1) {
            const settling = this.process(msg);
            if (settling) await settling;
          } else {
            await this.dispatch(msg);
          }
        }
        const reason = await messages.closed();
        if (this.stopping) break;
        failures++;
        this.logger.warn(
          { err: reason },
          `${this.where}: message stream ended (${reason ? errorMessage(reason) : 'closed'}); resuming`,
        );
      } catch (err) {
        if (this.stopping) break;
        failures++;
        this.logger.error({ err }, `${this.where}: cannot pull messages: ${errorMessage(err)}`);
      }
      await this.pause(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)));
    }
  }

  private async watchNotifications(messages: ConsumerMessages): Promise<void> {
    for await (const note of messages.status()) {
      switch (note.type) {
        case 'consumer_deleted':
        case 'consumer_not_found':
        case 'stream_not_found':
          this.logger.error(
            { notification: note },
            `${this.where}: ${note.type.replaceAll('_', ' ')}`,
          );
          break;
        case 'heartbeats_missed':
          this.logger.debug({ count: note.count }, `${this.where}: heartbeats missed`);
          break;
        default:
          break;
      }
    }
  }

  /** Runs the message once a handler slot is free (concurrency > 1). */
  private async dispatch(msg: JsMsg): Promise<void> {
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    const running = Promise.resolve(this.process(msg)).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  /**
   * Decodes the message and runs the handler; settles it (ack, nak, term or dead letter).
   * Deliberately not async: on the hot path the only promise is the handler's own.
   */
  private process(msg: JsMsg): Promise<void> | void {
    const deliveryCount = msg.info.deliveryCount;
    if (deliveryCount > this.maxDeliver) {
      return this.toDeadLetter(msg, {
        reason: 'max-deliver',
        error: `not acked after ${this.maxDeliver} handler attempts (the last ended without an outcome within ackWait)`,
      });
    }
    const type = this.options.type;
    const named = msg.headers?.get(OMEGA_TYPE_HEADER);
    if (named && named !== type.$type) {
      return this.toDeadLetter(msg, {
        reason: 'type-mismatch',
        error: `${OMEGA_TYPE_HEADER} is ${named} but ${this.where} expects ${type.$type}`,
      });
    }
    let message: T;
    try {
      message = type.decode(msg.data);
    } catch (err) {
      return this.toDeadLetter(msg, decodeFailure(err, msg.data, type.$type));
    }
    let outcome: Promise<Outcome>;
    try {
      outcome = runHandler(
        this.options.handler,
        message,
        new Delivery(msg, deliveryCount),
        msg.data.length,
        this,
      );
    } catch (err) {
      return this.settle(msg, deliveryCount, this.handlerFailed(msg, deliveryCount, err), err);
    }
    return outcome.then(
      (decided) => this.settle(msg, deliveryCount, decided),
      (err: unknown) =>
        this.settle(msg, deliveryCount, this.handlerFailed(msg, deliveryCount, err), err),
    );
  }

  /** A handler that throws asks for a redelivery after the retry delay. */
  private handlerFailed(msg: JsMsg, deliveryCount: number, err: unknown): Outcome {
    this.logger.warn(
      { err, seq: msg.seq, subject: msg.subject, deliveryCount },
      `${this.where}: handler failed on seq ${msg.seq} (attempt ${deliveryCount} of ${this.maxDeliver}): ${errorMessage(err)}`,
    );
    return { kind: 'nak', delayMs: this.retryDelayMs(deliveryCount) };
  }

  private settle(
    msg: JsMsg,
    deliveryCount: number,
    outcome: Outcome,
    failure?: unknown,
  ): Promise<void> | void {
    switch (outcome?.kind) {
      case 'ack':
        this.ackSoon(msg);
        return;
      case 'nak':
        if (deliveryCount >= this.maxDeliver) {
          return this.toDeadLetter(msg, {
            reason: 'max-deliver',
            error:
              failure !== undefined
                ? `handler failed ${this.maxDeliver} times; last: ${errorMessage(failure)}`
                : `handler asked for redelivery ${this.maxDeliver} times`,
          });
        }
        msg.nak(outcome.delayMs);
        return;
      case 'term':
        this.logger.warn(
          { seq: msg.seq, subject: msg.subject, reason: outcome.reason },
          `${this.where}: handler terminated seq ${msg.seq}: ${outcome.reason}`,
        );
        this.terminate(msg, outcome.reason);
        return;
      case 'reject':
        return this.toDeadLetter(msg, { reason: 'rejected', error: outcome.error });
      default: {
        // Not an Outcome (e.g. the handler forgot to return one): a failure, retried like a throw.
        const err = new OmegaError(
          Code.Internal,
          `handler returned ${JSON.stringify(outcome)}; return ack(), nak(delayMs) or term(reason)`,
        );
        return this.settle(msg, deliveryCount, this.handlerFailed(msg, deliveryCount, err), err);
      }
    }
  }

  /**
   * Publishes the dead letter, then terms the original. If the DLQ cannot take it, keeps the
   * message in progress and retries for a while, then naks it: it stays in its stream.
   */
  private async toDeadLetter(msg: JsMsg, letter: DeadLetter): Promise<void> {
    const source = {
      stream: this.stream,
      consumer: this.durable,
      expectedType: this.options.type.$type,
    };
    const fields = {
      seq: msg.seq,
      subject: msg.subject,
      reason: letter.reason,
      error: letter.error,
    };
    if (!this.deadLetter) {
      this.logger.error(
        fields,
        `${this.where}: dropping seq ${msg.seq} (${letter.reason}): ${letter.error}`,
      );
      this.terminate(msg, `${letter.reason}: ${letter.error}`);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await publishDeadLetter(this.bus, msg, source, letter);
        this.logger.warn(
          fields,
          `${this.where}: seq ${msg.seq} on ${msg.subject} dead-lettered (${letter.reason}): ${letter.error}`,
        );
        this.terminate(msg, `dead-lettered: ${letter.reason}`);
        return;
      } catch (err) {
        if (attempt >= 5 || this.stopping) {
          this.logger.error(
            { ...fields, err },
            `${this.where}: cannot dead-letter seq ${msg.seq}: ${errorMessage(err)}; it stays in ${this.stream}`,
          );
          msg.nak(this.retryDelayMs(attempt));
          return;
        }
        msg.working();
        await this.pause(200 * 2 ** attempt);
      }
    }
  }

  /**
   * Acks are sent together once the messages at hand are done (or every ACK_BATCH messages): one
   * socket write for many acks instead of one each, the largest cost of consuming otherwise.
   * Delaying an ack by a turn of the event loop is well within any ackWait.
   */
  private ackSoon(msg: JsMsg): void {
    this.acks.push(msg);
    if (this.acks.length >= ACK_BATCH) {
      this.flushAcks();
    } else if (!this.ackFlushScheduled) {
      this.ackFlushScheduled = true;
      setImmediate(this.flushAcks);
    }
  }

  private readonly flushAcks = (): void => {
    this.ackFlushScheduled = false;
    for (const msg of this.acks.splice(0)) msg.ack();
  };

  private terminate(msg: JsMsg, reason: string): void {
    if (this.termWithReason) msg.term(reason);
    else msg.term();
  }

  /** Sleeps, but wakes at once when stop() is called. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}

/** The dead letter for bytes `type` could not decode, with the byte offset when known. */
function decodeFailure(err: unknown, data: Uint8Array, typeName: string): DeadLetter {
  // The generated decoders do not say where; a walk over the wire format usually can.
  const wire = findWireFormatProblem(data);
  const offset = errorOffset(errorMessage(err)) ?? wire?.offset;
  const error =
    `cannot decode ${data.length} bytes as ${typeName}: ${errorMessage(err)}` +
    (wire ? ` (at byte ${wire.offset}: ${wire.problem})` : '');
  return { reason: 'decode', error, ...(offset !== undefined ? { errorOffset: offset } : {}) };
}

function positiveInteger(value: number, name: string, where: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${where}: ${name} must be a positive integer, got ${value}`,
    );
  }
  return value;
}
