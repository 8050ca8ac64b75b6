// The one place every honeypot's interactions pass through before the decoy host counts and
// publishes them: drops what the ignore list names (counted by reason) and adds what people need
// in an alert (the decoy's name, a honeytoken's name and placement) to the interaction.
import { DECEPTION_UNMAPPED } from '@omega/detect';
import { InteractionKind, type DecoyKind, type Honeytoken } from '@omega/proto';
import type { HoneypotFactory, Interaction, InteractionRecorder } from './honeypots/honeypot';
import type { IgnoreList, IgnoreReason } from './ignore-list';

/** Sessions remembered as ignored (so their later interactions and DISCONNECT are dropped too). */
const MAX_IGNORED_SESSIONS = 10_000;

export interface InteractionFilterOptions {
  readonly ignore: IgnoreList;
  /** Counts an ignored interaction. */
  readonly onIgnored: (reason: IgnoreReason) => void;
  /** The honeytoken of an id, for its name and placement (undefined when unknown). */
  readonly honeytoken: (id: string) => Honeytoken | undefined;
}

/** A recorder that drops ignored interactions and annotates the rest, for one decoy. */
export function filteringRecorder(
  next: InteractionRecorder,
  decoy: { readonly name: string; readonly port: () => number },
  options: InteractionFilterOptions,
): InteractionRecorder {
  // Sessions found ignored, with why: their later interactions (and DISCONNECT) go the same way.
  const ignoredSessions = new Map<string, IgnoreReason>();
  return {
    record(interaction: Interaction): void {
      let reason: IgnoreReason | undefined;
      if (!options.ignore.empty && interaction.honeytokenId === undefined) {
        reason = ignoredSessions.get(interaction.sessionId);
        if (reason === undefined) {
          reason = options.ignore.reasonFor(interaction, decoy.port());
          if (reason !== undefined) {
            // Oldest first: a Map iterates in insertion order.
            if (ignoredSessions.size >= MAX_IGNORED_SESSIONS) {
              ignoredSessions.delete(ignoredSessions.keys().next().value!);
            }
            ignoredSessions.set(interaction.sessionId, reason);
          }
        }
      }
      if (reason !== undefined) {
        if (interaction.kind === InteractionKind.INTERACTION_KIND_DISCONNECT) {
          ignoredSessions.delete(interaction.sessionId);
        }
        options.onIgnored(reason);
        return;
      }
      next.record({ ...interaction, annotations: annotationsOf(interaction, decoy.name, options) });
    },
  };
}

function annotationsOf(
  interaction: Interaction,
  decoyName: string,
  options: InteractionFilterOptions,
): Record<string, string> {
  return {
    ...interaction.annotations,
    [DECEPTION_UNMAPPED.decoyName]: decoyName,
    ...honeytokenAnnotations(interaction, options.honeytoken),
  };
}

/** The name and placement of the interaction's honeytoken, as DECEPTION_UNMAPPED keys ({} if none). */
export function honeytokenAnnotations(
  interaction: Interaction,
  honeytoken: (id: string) => Honeytoken | undefined,
): Record<string, string> {
  if (interaction.honeytokenId === undefined) return {};
  const token = honeytoken(interaction.honeytokenId);
  if (token === undefined) return {};
  // the namespace once: a placement often names it already ("namespace payments")
  const namespace = token.namespace && `namespace ${token.namespace}`;
  const where = [token.placement, !token.placement.includes(namespace) && namespace]
    .filter(Boolean)
    .join(', ');
  return {
    [DECEPTION_UNMAPPED.honeytokenName]: token.name,
    ...(where !== '' ? { [DECEPTION_UNMAPPED.placement]: where } : {}),
  };
}

/**
 * The recorder of a honeytoken channel (canary URL, Kubernetes webhooks, DNS): every interaction
 * naming a honeytoken gets its name and placement, as decoys' interactions do, and the channel's
 * name stands for the decoy's.
 */
export function honeytokenChannelRecorder(
  next: InteractionRecorder,
  channelName: string,
  honeytoken: (id: string) => Honeytoken | undefined,
): InteractionRecorder {
  return {
    record(interaction: Interaction): void {
      next.record({
        ...interaction,
        annotations: {
          ...interaction.annotations,
          [DECEPTION_UNMAPPED.decoyName]: channelName,
          ...honeytokenAnnotations(interaction, honeytoken),
        },
      });
    },
  };
}

/** Every factory of `factories`, its honeypot's recorder wrapped by filteringRecorder. */
export function filteredFactories(
  factories: ReadonlyMap<DecoyKind, HoneypotFactory>,
  options: InteractionFilterOptions,
): ReadonlyMap<DecoyKind, HoneypotFactory> {
  return new Map(
    [...factories].map(([kind, factory]): [DecoyKind, HoneypotFactory] => [
      kind,
      async (context, listen) => {
        // Port 0 asks the OS for one: until the listener is bound the asked port stands in.
        let port = listen.port;
        const recorder = filteringRecorder(
          context.recorder,
          { name: context.persona.hostname, port: () => port },
          options,
        );
        const honeypot = await factory({ ...context, recorder }, listen);
        port = honeypot.port;
        return honeypot;
      },
    ]),
  );
}
