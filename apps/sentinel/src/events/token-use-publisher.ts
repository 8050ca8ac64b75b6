// Publishes the TOKEN_USE interactions of honeytoken files opened on this node to DECEPTION
// (`omega.deception.file.<node>`, the one deception subject a sentinel may write), where
// intelligence's deception-touch detector alerts on them. Never blocks the frame path: a bounded
// queue, the oldest waiting dropped (and counted) past it.
import { publish, subjects, type Bus } from '@omega/bus';
import { Event } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';

const MAX_QUEUED = 1_000;

export interface TokenUsePublisherOptions {
  bus: Bus;
  node: string;
  logger: Logger;
  published?: { inc(): void };
  dropped?: { inc(): void };
}

export class TokenUsePublisher {
  readonly #queue: Event[] = [];
  #draining: Promise<void> | undefined;

  constructor(private readonly options: TokenUsePublisherOptions) {}

  add(event: Event): void {
    if (this.#queue.length >= MAX_QUEUED) {
      this.#queue.shift();
      this.options.dropped?.inc();
    }
    this.#queue.push(event);
    this.#draining ??= this.#drain().finally(() => (this.#draining = undefined));
  }

  /** Resolves once everything added so far was published or dropped. */
  async flushed(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    const subject = subjects.deceptionFile(this.options.node);
    for (let event = this.#queue.shift(); event; event = this.#queue.shift()) {
      try {
        // the event id is the message id: a retried publish is stored once
        await publish(this.options.bus, subject, Event, event, { msgId: event.id });
        this.options.published?.inc();
      } catch (err) {
        this.options.dropped?.inc();
        this.options.logger.error(
          { err, event: event.id },
          `honeytoken file open not published to ${subject}: ${errorMessage(err)}`,
        );
      }
    }
  }
}
