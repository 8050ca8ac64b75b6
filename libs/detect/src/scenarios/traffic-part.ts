// What the richer scenario's traffic parts share: the scenario's clock and pods, a seeded stream of
// their own (so adding a part never moves another's events), and where their events go.
import { IpProtocol, type Event } from '@omega/proto';
import { seededRandom } from '../rule-samples';
import type { ScenarioPod } from './scenario-pods';

export interface PartContext {
  /** Event time of the scenario's first second. */
  readonly t0Ns: bigint;
  readonly durationSec: number;
  /** The base scenario's benign pods. */
  readonly pods: readonly ScenarioPod[];
  readonly nodes: number;
}

/** A part's generator: its random stream, its clock, and the list its events are pushed to. */
export class PartStream {
  readonly events: Event[] = [];
  readonly random: () => number;

  constructor(
    readonly context: PartContext,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }

  /** Event time `sec` seconds into the scenario. */
  at(sec: number): bigint {
    return this.context.t0Ns + BigInt(Math.round(sec * 1e9));
  }

  /** `length` characters drawn from `alphabet`. */
  text(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  /** Adds `event`, seen by the sensor on `node`. */
  push(event: Event, node: string): Event {
    event.node = node;
    this.events.push(event);
    return event;
  }
}

/** Marks a flow event as UDP (telemetry-events.ts builds TCP flows). */
export function asUdp(event: Event): Event {
  if (event.payload?.$case === 'networkActivity')
    event.payload.value.protocol = IpProtocol.IP_PROTOCOL_UDP;
  return event;
}

export const HEX = '0123456789abcdef';
export const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
export const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
