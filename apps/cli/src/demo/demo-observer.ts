// Watches what Omega does during the demo, from the same places its services write to: alerts
// (ALERTS, read back from the stream), workflow histories (WORKFLOWS), source blocks (the
// omega_policy KV bucket) and the victim's telemetry (TELEMETRY, for the progress line and the
// recording). Each observation carries the wall-clock time the demo saw it, for latencies.
import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerMessages,
} from '@nats-io/jetstream';
import type { KvWatchEntry } from '@nats-io/kv';
import type { Subscription } from '@nats-io/transport-node';
import { type Bus } from '@omega/bus';
import { Alert, EventBatch, SourceBlock, WorkflowEvent, type Event } from '@omega/proto';
import { errorMessage } from '@omega/runtime';

export interface Observed<T> {
  readonly value: T;
  /** Date.now() when the demo received it. */
  readonly seenAtMs: number;
}

export interface BlockObservation {
  readonly key: string;
  /** The block as written; on a removal, the block the key held before. */
  readonly block: SourceBlock;
  readonly removed: boolean;
}

export interface TelemetryObservation {
  readonly kind: string;
  readonly node: string;
  readonly events: readonly Event[];
  readonly batch: EventBatch;
  /** The batch exactly as published (signature included). */
  readonly bytes: Uint8Array;
}

export interface DemoObserverHandlers {
  onAlert(alert: Observed<Alert>): void;
  onWorkflowEvent(event: Observed<WorkflowEvent>): void;
  onBlock(block: Observed<BlockObservation>): void;
  onTelemetry(batch: Observed<TelemetryObservation>): void;
  /** Something could not be read or decoded; the demo reports it and counts it as a failure. */
  onProblem(message: string): void;
}

export class DemoObserver {
  private readonly stops: (() => void | Promise<void>)[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly handlers: DemoObserverHandlers,
  ) {}

  /** Starts every watch; resolves once each is subscribed (nothing published after is missed). */
  async start(telemetryNode: string): Promise<void> {
    await this.followStream('ALERTS', 'omega.alerts.>', (data) =>
      this.handlers.onAlert(observed(Alert.decode(data))),
    );
    await this.followStream('WORKFLOWS', 'omega.wf.>', (data) =>
      this.handlers.onWorkflowEvent(observed(WorkflowEvent.decode(data))),
    );
    await this.watchBlocks();
    this.watchTelemetry(telemetryNode);
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }

  /**
   * An ordered consumer from the start of `stream`: every message it stores, in order. A stream not
   * provisioned yet (its service has not started) is followed from when it appears.
   */
  private async followStream(
    stream: string,
    subject: string,
    onData: (data: Uint8Array) => void,
  ): Promise<void> {
    let stopped = false;
    let messages: ConsumerMessages | undefined;
    this.stops.push(async () => {
      stopped = true;
      await messages?.stop();
    });
    const open = async (): Promise<boolean> => {
      try {
        const consumer = await this.bus.js.consumers.get(stream, {
          filter_subjects: subject,
          deliver_policy: DeliverPolicy.All,
        });
        messages = await consumer.consume();
      } catch (err) {
        if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
          return false;
        }
        throw err;
      }
      void (async () => {
        for await (const message of messages) {
          try {
            onData(message.data);
          } catch (err) {
            this.handlers.onProblem(
              `${stream} ${message.subject} #${message.seq}: cannot decode: ${errorMessage(err)}`,
            );
          }
        }
      })();
      return true;
    };
    if (await open()) return;
    void (async () => {
      while (!stopped && !(await open())) await new Promise((r) => setTimeout(r, 1_000));
    })();
  }

  private async watchBlocks(): Promise<void> {
    const kv = await this.bus.kv('omega_policy');
    const watcher = await kv.watch({ key: 'block.>' });
    this.stops.push(() => watcher.stop());
    const current = new Map<string, SourceBlock>();
    void (async () => {
      for await (const entry of watcher as AsyncIterable<KvWatchEntry>) {
        if (entry.operation !== 'PUT') {
          const block = current.get(entry.key);
          current.delete(entry.key);
          if (block) this.handlers.onBlock(observed({ key: entry.key, block, removed: true }));
          continue;
        }
        try {
          const block = SourceBlock.decode(entry.value);
          current.set(entry.key, block);
          this.handlers.onBlock(observed({ key: entry.key, block, removed: false }));
        } catch (err) {
          this.handlers.onProblem(`omega_policy ${entry.key}: cannot decode: ${errorMessage(err)}`);
        }
      }
    })();
  }

  /** Core subscription: telemetry is only counted and recorded, so nothing older is needed. */
  private watchTelemetry(node: string): void {
    const sub: Subscription = this.bus.nc.subscribe(`omega.telemetry.*.${node}`);
    this.stops.push(() => sub.unsubscribe());
    void (async () => {
      for await (const message of sub) {
        const kind = message.subject.split('.')[2] ?? '';
        try {
          const batch = EventBatch.decode(message.data);
          this.handlers.onTelemetry(
            observed({ kind, node, events: batch.events, batch, bytes: message.data }),
          );
        } catch (err) {
          this.handlers.onProblem(`${message.subject}: cannot decode: ${errorMessage(err)}`);
        }
      }
    })();
  }
}

function observed<T>(value: T): Observed<T> {
  return { value, seenAtMs: Date.now() };
}
