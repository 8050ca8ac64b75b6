// Counts the opens of file honeytokens the sentinels report (TOKEN_USE interactions on
// `omega.deception.file.<node>`) as uses of their honeytokens. A queue subscription: with several
// replicas each open is counted once; opens while no replica runs are on DECEPTION (and alerted)
// but not counted.
import type { Bus } from '@omega/bus';
import { Event, InteractionKind } from '@omega/proto';
import { errorMessage, type Logger } from '@omega/runtime';

/** Every node's honeytoken file opens. */
export const FILE_USES_SUBJECT = 'omega.deception.file.*';
const QUEUE = 'deception-file-uses';

export interface FileUseListenerOptions {
  readonly bus: Bus;
  /** Counts a use of FILE honeytoken `id`; undefined when it is not one. */
  readonly fileUse: (id: string) => string | undefined;
  readonly logger: Logger;
}

/** Starts counting; the returned function stops. */
export function listenFileUses(options: FileUseListenerOptions): () => void {
  const subscription = options.bus.nc.subscribe(FILE_USES_SUBJECT, {
    queue: QUEUE,
    callback: (err, message) => {
      if (err) {
        options.logger.error({ err }, `${FILE_USES_SUBJECT}: ${errorMessage(err)}`);
        return;
      }
      let event: Event;
      try {
        event = Event.decode(message.data);
      } catch (decodeErr) {
        options.logger.warn(
          { err: decodeErr, subject: message.subject },
          `${message.subject}: not an Event (${errorMessage(decodeErr)}); not counted`,
        );
        return;
      }
      const touch =
        event.payload?.$case === 'deceptionInteraction' ? event.payload.value : undefined;
      if (touch?.kind !== InteractionKind.INTERACTION_KIND_TOKEN_USE) return;
      if (options.fileUse(touch.honeytokenId) === undefined) {
        options.logger.warn(
          { subject: message.subject, honeytoken: touch.honeytokenId },
          `${message.subject}: honeytoken ${touch.honeytokenId.slice(0, 64)} is not a file honeytoken this service knows; not counted`,
        );
      }
    },
  });
  return () => subscription.unsubscribe();
}
