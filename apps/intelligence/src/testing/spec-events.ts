// Events as a sentinel emits them, for the intelligence specs.
import { eventFromSigmaFields } from '@omega/detect';
import type { Event } from '@omega/proto';

let counter = 0;

/** A process launch in pod shop/cart-1 on node-1, from Sigma-shaped fields (Image, CommandLine, ...). */
export function processLaunch(
  fields: Record<string, string | number>,
  overrides: Partial<Pick<Event, 'id' | 'timeNs' | 'node'>> = {},
): Event {
  const event = eventFromSigmaFields('process_creation', {
    'omega.namespace': 'shop',
    'omega.pod': 'cart-1',
    'omega.container': 'cart',
    'omega.node': 'node-1',
    ...fields,
  });
  event.id = overrides.id ?? `proc-${++counter}`;
  event.timeNs = overrides.timeNs ?? 1_700_000_000_000_000_000n;
  if (overrides.node) event.node = overrides.node;
  return event;
}
