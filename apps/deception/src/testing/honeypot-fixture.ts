// Test-only: a honeypot context whose recorder keeps interactions in memory, and a way to wait on them.
import type { DecoyKind, InteractionKind } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { eventually } from '@omega/testkit';
import {
  DEFAULT_HONEYPOT_LIMITS,
  type HoneypotContext,
  type HoneypotLimits,
  type Interaction,
  type InteractionRecorder,
  type Persona,
} from '../honeypots/honeypot';

export class CollectingRecorder implements InteractionRecorder {
  readonly interactions: Interaction[] = [];

  record(interaction: Interaction): void {
    this.interactions.push(interaction);
  }

  of(kind: InteractionKind): Interaction[] {
    return this.interactions.filter((interaction) => interaction.kind === kind);
  }

  /** The first interaction (recorded so far or later) that matches, within 10 s. */
  until(what: string, matches: (interaction: Interaction) => boolean): Promise<Interaction> {
    return eventually(what, () => this.interactions.find(matches));
  }
}

export interface HoneypotFixtureOptions {
  readonly kind: DecoyKind;
  readonly persona?: Partial<Persona>;
  readonly limits?: Partial<HoneypotLimits>;
  /** Honeytokens: "username:secret" → honeytoken id. */
  readonly honeytokens?: Readonly<Record<string, string>>;
  readonly decoyId?: string;
}

export function honeypotFixture(options: HoneypotFixtureOptions): {
  context: HoneypotContext;
  recorder: CollectingRecorder;
} {
  const recorder = new CollectingRecorder();
  const honeytokens = options.honeytokens ?? {};
  const context: HoneypotContext = {
    decoyId: options.decoyId ?? 'decoy-1',
    kind: options.kind,
    persona: { banner: '', hostname: 'web-01', extra: {}, ...options.persona },
    limits: { ...DEFAULT_HONEYPOT_LIMITS, ...options.limits },
    recorder,
    credentials: (username, secret) => honeytokens[`${username}:${secret}`],
    logger: createLogger({ service: 'deception', level: 'silent' }),
  };
  return { context, recorder };
}
