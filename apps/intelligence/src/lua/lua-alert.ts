// Shapes a Lua script's finding, or its fault, into an Omega Alert: rule id `lua:<id>`, the
// script's explanation and evidence as reasons, the event's entities, and an id derived from what
// was detected (a redelivered batch yields the same alert id).
import { AlertStatus, DetectorKind, Severity, type Alert, type Event } from '@omega/proto';
import {
  deterministicAlertId,
  entitiesOfEvent,
  windowIndexOf,
  type AlertSource,
  type BuiltAlert,
} from '../alert-builder';
import type { LuaFaultRecord, LuaFinding, LuaRuleScript } from './lua-rule-script';

/** The `detector.kind` label (and suppression kind) of a fault alert, and of the one that disabled the script. */
export const LUA_FAULT_KIND = 'lua-fault';
export const LUA_DISABLED_KIND = 'lua-disabled';

function evidenceOf(event: Event, source: AlertSource): Alert['evidence'] {
  return [
    {
      eventId: event.id,
      eventIndex: source.eventIndex,
      ...(source.batch ? { batch: source.batch } : {}),
    },
  ];
}

function baseAlert(
  script: LuaRuleScript,
  source: AlertSource,
  fields: Pick<
    Alert,
    'severity' | 'title' | 'explanation' | 'reasons' | 'attackTechniqueIds' | 'labels'
  >,
  kind: string,
  entityKey: string,
  windowMs: number,
): BuiltAlert {
  const { event } = source;
  const ruleId = script.ruleId;
  const windowIndex = windowIndexOf(event.timeNs, windowMs);
  return {
    entityKey,
    windowIndex,
    alert: {
      id: deterministicAlertId(ruleId, kind, entityKey, windowIndex),
      timeNs: event.timeNs,
      ruleId,
      ruleName: script.description.title,
      detectorKind: DetectorKind.DETECTOR_KIND_RULE,
      attackTacticIds: [],
      entities: entitiesOfEvent(event),
      evidence: evidenceOf(event, source),
      incidentId: '',
      confidence: 0,
      status: AlertStatus.ALERT_STATUS_NEW,
      observed: { startTimeNs: event.timeNs, endTimeNs: event.timeNs + 1n },
      count: 1,
      node: event.node,
      ...fields,
    },
  };
}

/** The alert a script's finding raises on `source.event`. */
export function alertFromLuaFinding(
  script: LuaRuleScript,
  finding: LuaFinding,
  source: AlertSource,
  windowMs: number,
): BuiltAlert {
  const { event } = source;
  const { id } = script.description;
  return baseAlert(
    script,
    source,
    {
      severity: finding.severity as Severity,
      title: finding.title,
      explanation:
        `Lua rule "${script.description.title}" (${id}, ${script.sourceName}) on event ${event.id}: ` +
        `${finding.explanation}` +
        (finding.attackTechniqueIds.length > 0
          ? ` ATT&CK: ${finding.attackTechniqueIds.join(', ')}.`
          : ''),
      reasons: finding.evidence.map(([name, value]) => ({
        summary: `${name} = ${value}`,
        feature: name,
        observedValue: value,
        expectedValue: '',
        weight: 1,
        eventIds: event.id ? [event.id] : [],
      })),
      attackTechniqueIds: [...finding.attackTechniqueIds],
      labels: { 'lua.script': script.sourceName, entity: finding.entityKey },
    },
    '',
    finding.entityKey,
    windowMs,
  );
}

/**
 * The alert a fault raises: about the script (one per script per suppression window, and one
 * more, medium, when the fault disabled the script), low otherwise.
 */
export function alertFromLuaFault(
  script: LuaRuleScript,
  fault: LuaFaultRecord,
  source: AlertSource,
  windowMs: number,
): BuiltAlert {
  const { event } = source;
  const { maxFaults } = script.limits;
  const kind = fault.disabled ? LUA_DISABLED_KIND : LUA_FAULT_KIND;
  const outcome = fault.disabled
    ? `the script is disabled after ${fault.faults} faults (load it again to re-enable it)`
    : `fault ${fault.faults} of ${maxFaults} before the script is disabled; its state was reset`;
  return baseAlert(
    script,
    source,
    {
      severity: fault.disabled ? Severity.SEVERITY_MEDIUM : Severity.SEVERITY_LOW,
      title: `Lua rule ${script.ruleId} ${fault.disabled ? 'disabled' : 'faulted'} (${fault.reason})`,
      explanation:
        `Lua rule script ${script.sourceName} (${script.ruleId}) faulted on event ${event.id} ` +
        `(${fault.reason}): ${fault.message.slice(0, 500)}. ${outcome}.`,
      reasons: [
        {
          summary: `${fault.reason}: ${fault.message.slice(0, 200)}`,
          feature: 'lua.fault',
          observedValue: fault.reason,
          expectedValue: 'a call within its instruction budget and memory cap, without error',
          weight: 1,
          eventIds: event.id ? [event.id] : [],
        },
      ],
      attackTechniqueIds: [],
      labels: {
        'lua.script': script.sourceName,
        'lua.fault': fault.reason,
        'lua.faults': String(fault.faults),
        'detector.kind': kind,
      },
    },
    kind,
    `rule:${script.ruleId}`,
    windowMs,
  );
}
