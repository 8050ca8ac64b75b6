// The event as a rule script sees it: the Sigma logsource category it belongs to and that
// category's fields under their Sigma names (Image, CommandLine, DestinationPort...), the same
// names Sigma rules use, plus id, node, time_ns and the entity key its state is held under.
import { SIGMA_LOGSOURCE_MAPPINGS, sigmaFieldsOfEvent } from '@omega/detect';
import type { Event } from '@omega/proto';
import type { LuaValue } from './lua-sandbox';

export interface LuaEventFields {
  /** The first Sigma category that accepts the event ('' for none). */
  readonly category: string;
  readonly fields: Readonly<Record<string, LuaValue>>;
}

/** A field value longer than this reaches the script cut (the host's pushes stay bounded). */
const MAX_FIELD_CHARS = 4096;

let lastEvent: Event | undefined;
let lastFields: LuaEventFields | undefined;

function bounded(value: string | number | boolean | string[]): LuaValue {
  if (typeof value === 'string') return value.slice(0, MAX_FIELD_CHARS);
  if (Array.isArray(value)) return value.slice(0, 64).map((v) => v.slice(0, MAX_FIELD_CHARS));
  return value;
}

/** The fields of `event` (the last event's are reused: every script sees the same event in turn). */
export function luaEventFields(event: Event): LuaEventFields {
  if (event === lastEvent && lastFields) return lastFields;
  let category = '';
  for (const [name, mapping] of SIGMA_LOGSOURCE_MAPPINGS) {
    if (mapping.eventClass === event.classUid && mapping.accepts(event)) {
      category = name;
      break;
    }
  }
  const fields: Record<string, LuaValue> = {
    id: event.id,
    node: event.node,
    time_ns: event.timeNs,
  };
  if (category) {
    for (const [name, value] of Object.entries(sigmaFieldsOfEvent(category, event))) {
      fields[name] = bounded(value);
    }
  }
  lastEvent = event;
  lastFields = { category, fields };
  return lastFields;
}
