// Turns a module's verdict into the event the sentinel publishes for it (kind "module"): the
// original event's fields with the module's labels, finding and block request under
// unmapped["module.*"], so intelligence sees who, where and why in one event.
import { Event, ModuleVerdict, Severity } from '@omega/proto';
import { uuidv7 } from '../events/event-id';

/** Telemetry kind of the events modules produce: omega.telemetry.module.<node>. */
export const MODULE_EVENT_KIND = 'module';
/** Bounds on what a module may put in one verdict (the rest is cut, and says so). */
export const MAX_VERDICT_LABELS = 16;
export const MAX_VERDICT_TEXT = 1024;

function cut(text: string): string {
  return text.length <= MAX_VERDICT_TEXT ? text : `${text.slice(0, MAX_VERDICT_TEXT)}… (cut)`;
}

export interface ModuleRef {
  name: string;
  version: string;
}

/** The event published for `verdict` about the event `eventBytes`. */
export function verdictEvent(
  module: ModuleRef,
  eventBytes: Uint8Array,
  verdict: ModuleVerdict,
  nowMs: number,
): Event {
  const original = Event.decode(eventBytes);
  const unmapped: Record<string, string> = {
    ...original.unmapped,
    'module.name': module.name,
    'module.version': module.version,
    'module.event_id': original.id,
  };
  for (const [key, value] of Object.entries(verdict.labels).slice(0, MAX_VERDICT_LABELS)) {
    unmapped[`module.${module.name}.${cut(key)}`] = cut(value);
  }
  let severity = original.severity;
  let message = original.message;
  const finding = verdict.finding;
  if (finding) {
    severity =
      finding.severity >= Severity.SEVERITY_INFORMATIONAL &&
      finding.severity <= Severity.SEVERITY_CRITICAL
        ? finding.severity
        : Severity.SEVERITY_MEDIUM;
    message = cut(finding.title);
    unmapped['module.finding.title'] = cut(finding.title);
    unmapped['module.finding.explanation'] = cut(finding.explanation);
    if (finding.attackTechniqueIds.length > 0) {
      unmapped['module.finding.attack_technique_ids'] = cut(
        finding.attackTechniqueIds.slice(0, MAX_VERDICT_LABELS).join(','),
      );
    }
  }
  if (verdict.blockCidr) unmapped['module.block_request'] = cut(verdict.blockCidr);
  return { ...original, id: uuidv7(nowMs), severity, message, unmapped, rawData: Buffer.alloc(0) };
}

/** The event published when a module faults (trap, time budget, crash) or is disabled. */
export function faultEvent(
  module: ModuleRef,
  node: string,
  fault: { reason: string; message: string; faults: number; disabled: boolean },
  nowMs: number,
): Event {
  const what = fault.disabled
    ? `module ${module.name} disabled after ${fault.faults} faults`
    : `module ${module.name} faulted`;
  return Event.fromPartial({
    id: uuidv7(nowMs),
    timeNs: BigInt(nowMs) * 1_000_000n,
    severity: fault.disabled ? Severity.SEVERITY_HIGH : Severity.SEVERITY_MEDIUM,
    message: `${what}: ${fault.reason}: ${cut(fault.message)}`,
    node,
    unmapped: {
      'module.name': module.name,
      'module.version': module.version,
      'module.fault': fault.reason,
      'module.faults': String(fault.faults),
      'module.disabled': String(fault.disabled),
    },
  });
}

/** The event published when a module is refused before it runs (verification, ABI, start). */
export function refusalEvent(
  module: ModuleRef,
  node: string,
  code: string,
  message: string,
  nowMs: number,
): Event {
  return Event.fromPartial({
    id: uuidv7(nowMs),
    timeNs: BigInt(nowMs) * 1_000_000n,
    severity: code === 'permission_denied' ? Severity.SEVERITY_HIGH : Severity.SEVERITY_MEDIUM,
    message: `module ${module.name.slice(0, 80)} ${module.version.slice(0, 80)} refused: ${cut(message)}`,
    node,
    unmapped: {
      'module.name': module.name.slice(0, 80),
      'module.version': module.version.slice(0, 80),
      'module.refused': code,
    },
  });
}
