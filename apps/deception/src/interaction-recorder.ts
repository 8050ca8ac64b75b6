// Turns a honeypot's interactions into OCSF-shaped Events (payload DeceptionInteraction) on the
// DECEPTION stream, `omega.deception.<decoy>`, where intelligence's deception-touch detector makes
// the alerts. Publishing never blocks a protocol handler: a bounded queue, failures counted.
import { randomUUID } from 'node:crypto';
import { publish, subjects, type Bus } from '@omega/bus';
import { DECEPTION_UNMAPPED } from '@omega/detect';
import { Event, EventClass, InteractionKind, Severity, type DecoyKind } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';
import type { Interaction, InteractionRecorder } from './honeypots/honeypot';

/** Interactions waiting to be published at most; past it the oldest waiting is dropped (counted). */
const MAX_QUEUED = 10_000;

export interface RecorderOptions {
  readonly bus: Bus;
  readonly decoyId: string;
  readonly decoyKind: DecoyKind;
  /** The decoy's own address, for dst_endpoint. */
  readonly address: { readonly ip: string; readonly port: number };
  readonly node: string;
  readonly logger: Logger;
  readonly published?: { inc(): void };
  readonly dropped?: { inc(): void };
  readonly clock?: () => number;
}

/** A bare connect or disconnect is low severity; anything a client said or presented is high. */
function severityOf(interaction: Interaction): Severity {
  if (interaction.honeytokenId !== undefined) return Severity.SEVERITY_CRITICAL;
  switch (interaction.kind) {
    case InteractionKind.INTERACTION_KIND_CONNECT:
    case InteractionKind.INTERACTION_KIND_DISCONNECT:
      return Severity.SEVERITY_LOW;
    default:
      return Severity.SEVERITY_HIGH;
  }
}

/** Annotations (already `deception.`-prefixed by whoever adds them) plus the client software. */
function unmappedOf(interaction: Interaction): Record<string, string> {
  return {
    ...interaction.annotations,
    ...(interaction.clientSoftware !== undefined
      ? { [DECEPTION_UNMAPPED.client]: interaction.clientSoftware }
      : {}),
  };
}

/** The Event a recorded interaction becomes (pure). */
export function interactionEvent(
  interaction: Interaction,
  options: Pick<RecorderOptions, 'decoyId' | 'decoyKind' | 'address' | 'node'>,
  nowMs: number,
  id: string = randomUUID(),
): Event {
  const what = interaction.request ?? interaction.username ?? '';
  return Event.fromPartial({
    id,
    timeNs: BigInt(nowMs) * 1_000_000n,
    classUid: EventClass.EVENT_CLASS_DECEPTION_INTERACTION,
    severity: severityOf(interaction),
    message: `${interaction.protocol} ${InteractionKind[interaction.kind]?.replace('INTERACTION_KIND_', '').toLowerCase() ?? 'interaction'} on decoy ${options.decoyId} from ${interaction.source.ip}${what ? `: ${what.slice(0, 200)}` : ''}`,
    srcEndpoint: { ip: interaction.source.ip, port: interaction.source.port },
    dstEndpoint: { ip: options.address.ip, port: options.address.port },
    node: options.node,
    unmapped: unmappedOf(interaction),
    payload: {
      $case: 'deceptionInteraction',
      value: {
        kind: interaction.kind,
        decoyId: options.decoyId,
        decoyKind: options.decoyKind,
        honeytokenId: interaction.honeytokenId ?? '',
        protocol: interaction.protocol,
        username: interaction.username ?? '',
        request: interaction.request ?? '',
        payloadSample: Buffer.from(interaction.payloadSample ?? new Uint8Array()),
        sessionId: interaction.sessionId,
      },
    },
  });
}

export class BusInteractionRecorder implements InteractionRecorder {
  readonly #queue: Event[] = [];
  #draining = false;
  readonly #clock: () => number;

  constructor(private readonly options: RecorderOptions) {
    this.#clock = options.clock ?? Date.now;
  }

  record(interaction: Interaction): void {
    if (this.#queue.length >= MAX_QUEUED) {
      this.#queue.shift();
      this.options.dropped?.inc();
    }
    this.#queue.push(interactionEvent(interaction, this.options, this.#clock()));
    if (!this.#draining) void this.#drain();
  }

  /** Resolves once every interaction recorded so far was published (or dropped). */
  async flushed(): Promise<void> {
    while (this.#queue.length > 0 || this.#draining) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    const subject = subjects.deception(this.options.decoyId);
    try {
      for (let event = this.#queue.shift(); event; event = this.#queue.shift()) {
        try {
          // The event id is the message id: a retried publish is stored once.
          await publish(this.options.bus, subject, Event, event, { msgId: event.id });
          this.options.published?.inc();
        } catch (err) {
          this.options.dropped?.inc();
          this.options.logger.error(
            { err, decoy: this.options.decoyId, event: event.id },
            `interaction on decoy ${this.options.decoyId} not published to ${subject}: ${errorMessage(err)}`,
          );
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}
