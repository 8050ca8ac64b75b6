// Alerts from the sentinel's WebAssembly modules (omega.telemetry.module.<node>): a module's
// finding, its faults and its refusals, as the sentinel publishes them (apps/sentinel
// modules/module-verdicts.ts: the fields under unmapped["module.*"]). A module event repeats the
// event the module judged, which intelligence has already seen as ordinary telemetry: it is turned
// into an alert only, never fed to the rules and detectors a second time. Pure.
import { AlertStatus, DetectorKind, Severity, type Alert, type Event } from '@omega/proto';
import {
  deterministicAlertId,
  entitiesOfEvent,
  entityKeyOfEvent,
  windowIndexOf,
  type AlertSource,
  type BuiltAlert,
} from './alert-builder';

/** `detector.kind` of each module alert (and its suppression kind). */
export const MODULE_FINDING_KIND = 'module-finding';
export const MODULE_FAULT_KIND = 'module-fault';
export const MODULE_DISABLED_KIND = 'module-disabled';
export const MODULE_REFUSED_KIND = 'module-refused';

/** An event a module produced (its verdict, fault or refusal). */
export function isModuleEvent(event: Event): boolean {
  return event.unmapped['module.name'] !== undefined;
}

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

function reason(feature: string, observed: string, expected: string, event: Event) {
  return {
    summary: `${feature} = ${observed}`,
    feature,
    observedValue: observed,
    expectedValue: expected,
    weight: 1,
    eventIds: event.id ? [event.id] : [],
  };
}

/**
 * The alert a module event raises, or undefined for a verdict that only annotated (labels, no
 * finding). Rule id `module:<name>`; a finding is about the event's entity, a fault or refusal
 * about the module on its node.
 */
export function alertFromModuleEvent(
  source: AlertSource,
  windowMs: number,
): BuiltAlert | undefined {
  const { event } = source;
  const u = event.unmapped;
  const name = u['module.name'] ?? '';
  const version = u['module.version'] ?? '';
  const ruleId = `module:${name}`;
  const where = `WebAssembly module ${name} ${version} on node ${event.node || '(unknown)'}`;
  const labels: Record<string, string> = { 'module.name': name, 'module.version': version };
  let kind: string;
  let entityKey: string;
  let fields: Pick<
    Alert,
    'severity' | 'title' | 'explanation' | 'reasons' | 'attackTechniqueIds' | 'entities'
  >;
  if (u['module.finding.title'] !== undefined) {
    kind = MODULE_FINDING_KIND;
    entityKey = entityKeyOfEvent(event);
    const techniques = (u['module.finding.attack_technique_ids'] ?? '')
      .split(',')
      .filter((t) => TECHNIQUE.test(t));
    const block = u['module.block_request'];
    if (block) labels['module.block_request'] = block;
    for (const [key, value] of Object.entries(u)) {
      if (key.startsWith(`module.${name}.`)) labels[key] = value;
    }
    fields = {
      severity: event.severity || Severity.SEVERITY_MEDIUM,
      title: u['module.finding.title'],
      explanation:
        `${where} judged event ${u['module.event_id'] ?? event.id}: ${u['module.finding.explanation'] ?? ''}` +
        (techniques.length > 0 ? ` ATT&CK: ${techniques.join(', ')}.` : '') +
        (block ? ` The module asks for ${block} to be blocked.` : ''),
      reasons: [reason('module.finding', u['module.finding.title'], 'no finding', event)],
      attackTechniqueIds: techniques,
      entities: entitiesOfEvent(event),
    };
  } else if (u['module.fault'] !== undefined) {
    const disabled = u['module.disabled'] === 'true';
    kind = disabled ? MODULE_DISABLED_KIND : MODULE_FAULT_KIND;
    entityKey = `module:${name}@${event.node}`;
    labels['module.fault'] = u['module.fault'];
    labels['module.faults'] = u['module.faults'] ?? '';
    fields = {
      severity: disabled ? Severity.SEVERITY_HIGH : Severity.SEVERITY_MEDIUM,
      title: `${where} ${disabled ? 'disabled' : 'faulted'} (${u['module.fault']})`,
      explanation: `${event.message}. The sentinel ended that instance and kept publishing its telemetry${disabled ? '; the module stays off until it is loaded again' : ''}.`,
      reasons: [
        reason(
          'module.fault',
          u['module.fault'],
          'each event judged within its time budget and memory, without a trap',
          event,
        ),
      ],
      attackTechniqueIds: [],
      entities: [],
    };
  } else if (u['module.refused'] !== undefined) {
    kind = MODULE_REFUSED_KIND;
    entityKey = `module:${name}@${event.node}`;
    labels['module.refused'] = u['module.refused'];
    fields = {
      severity: event.severity || Severity.SEVERITY_MEDIUM,
      title: `${where} refused (${u['module.refused']})`,
      explanation: `${event.message}. It never ran: a module runs only after its digest, attestation and audit-log inclusion check out.`,
      reasons: [
        reason('module.refused', u['module.refused'], 'a verified module from the log', event),
      ],
      attackTechniqueIds: [],
      entities: [],
    };
  } else {
    return undefined;
  }
  labels['detector.kind'] = kind;
  const windowIndex = windowIndexOf(event.timeNs, windowMs);
  return {
    entityKey,
    windowIndex,
    alert: {
      id: deterministicAlertId(ruleId, kind, entityKey, windowIndex),
      timeNs: event.timeNs,
      ruleId,
      ruleName: `${name} (${kind})`,
      detectorKind: DetectorKind.DETECTOR_KIND_STREAMING,
      attackTacticIds: [],
      evidence: [
        {
          eventId: event.id,
          eventIndex: source.eventIndex,
          ...(source.batch ? { batch: source.batch } : {}),
        },
      ],
      incidentId: '',
      confidence: kind === MODULE_FINDING_KIND ? 70 : 100,
      status: AlertStatus.ALERT_STATUS_NEW,
      observed: { startTimeNs: event.timeNs, endTimeNs: event.timeNs + 1n },
      count: 1,
      node: event.node,
      labels,
      ...fields,
    },
  };
}
