// Who is really behind each relayed connection: the relay listener connects to a decoy's honeypot
// on loopback and records here, by that connection's local port, the client the PROXY header named;
// the honeypot's recorder is wrapped so every interaction carries that client, not loopback. An
// interaction that arrives before its port is known (the honeypot may accept before the listener
// sees its connect) waits, in order, up to waitMs.
import type { ProxyEndpoint } from '@omega/proxy-protocol';
import type { Interaction, InteractionRecorder } from '../honeypots/honeypot';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export interface SourceTableOptions {
  /** How long an interaction waits for its port to be known (default 1 s). */
  readonly waitMs?: number;
  /** How long a closed connection's entry is kept for its last interactions (default 30 s). */
  readonly graceMs?: number;
  /** Most interactions waiting at once; past it they are recorded as they are. */
  readonly maxWaiting?: number;
}

interface Waiting {
  readonly items: Array<(source: ProxyEndpoint | undefined) => void>;
  readonly timer: NodeJS.Timeout;
}

export class SourceTable {
  readonly #known = new Map<number, ProxyEndpoint>();
  readonly #waiting = new Map<number, Waiting>();
  #waitingCount = 0;

  constructor(private readonly options: SourceTableOptions = {}) {}

  set(port: number, source: ProxyEndpoint): void {
    this.#known.set(port, source);
    this.#flush(port, source);
  }

  forget(port: number): void {
    setTimeout(() => this.#known.delete(port), this.options.graceMs ?? 30_000).unref();
  }

  get size(): number {
    return this.#known.size;
  }

  #flush(port: number, source: ProxyEndpoint | undefined): void {
    const waiting = this.#waiting.get(port);
    if (waiting === undefined) return;
    this.#waiting.delete(port);
    clearTimeout(waiting.timer);
    this.#waitingCount -= waiting.items.length;
    for (const item of waiting.items) item(source);
  }

  /** `inner`, with each loopback source replaced by the relayed client's. */
  recorder(inner: InteractionRecorder): InteractionRecorder {
    return {
      record: (interaction: Interaction) => {
        const { ip, port } = interaction.source;
        if (!LOOPBACK.has(ip)) return inner.record(interaction);
        const deliver = (source: ProxyEndpoint | undefined): void =>
          inner.record(source ? { ...interaction, source } : interaction);
        const known = this.#known.get(port);
        const waiting = this.#waiting.get(port);
        if (known !== undefined && waiting === undefined) return deliver(known);
        if (this.#waitingCount >= (this.options.maxWaiting ?? 10_000)) return deliver(known);
        this.#waitingCount += 1;
        if (waiting) {
          waiting.items.push(deliver);
          return;
        }
        const timer = setTimeout(() => this.#flush(port, undefined), this.options.waitMs ?? 1_000);
        timer.unref();
        this.#waiting.set(port, { items: [deliver], timer });
      },
    };
  }
}
