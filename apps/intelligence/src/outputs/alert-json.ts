// Omega's own JSON form of an alert: one object per line on stdout (docs/alert-outputs.md holds its
// JSON Schema). Every Alert field appears under a snake_case name; 64-bit numbers are strings so no
// JSON reader loses precision; times are RFC 3339 with nanoseconds.
import type { Alert } from '@omega/proto';
import {
  alertStatusName,
  detectorKindName,
  entityKindName,
  hex,
  observedSpan,
  rfc3339Nanos,
  severityName,
} from './alert-fields';

/** Value of `kind` on every alert line (log lines of the service have none). */
export const ALERT_LINE_KIND = 'omega.alert';
/** Version of the line's schema; a field removed or changed in meaning bumps it. */
export const ALERT_LINE_VERSION = 1;

export function alertJson(alert: Alert): Record<string, unknown> {
  const span = observedSpan(alert);
  return {
    kind: ALERT_LINE_KIND,
    version: ALERT_LINE_VERSION,
    id: alert.id,
    time: rfc3339Nanos(alert.timeNs),
    time_ns: alert.timeNs.toString(),
    severity: severityName(alert.severity),
    severity_id: alert.severity,
    title: alert.title,
    rule: { id: alert.ruleId, name: alert.ruleName },
    detector: detectorKindName(alert.detectorKind),
    attack: { techniques: alert.attackTechniqueIds, tactics: alert.attackTacticIds },
    entities: alert.entities.map((e) => ({
      kind: entityKindName(e.kind),
      value: e.value,
      display_name: e.displayName,
      is_actor: e.isActor,
    })),
    evidence: alert.evidence.map((e) => ({
      event_id: e.eventId,
      event_index: e.eventIndex,
      batch: e.batch
        ? {
            sender_id: e.batch.senderId,
            session_id: e.batch.sessionId,
            sequence: e.batch.sequence.toString(),
            stream_sequence: e.batch.streamSequence.toString(),
          }
        : null,
    })),
    explanation: alert.explanation,
    reasons: alert.reasons.map((r) => ({
      summary: r.summary,
      feature: r.feature,
      observed_value: r.observedValue,
      expected_value: r.expectedValue,
      weight: r.weight,
      event_ids: r.eventIds,
    })),
    incident_id: alert.incidentId,
    confidence: alert.confidence,
    status: alertStatusName(alert.status),
    observed: span
      ? {
          start: span.startNs ? rfc3339Nanos(span.startNs) : null,
          end: span.endNs ? rfc3339Nanos(span.endNs) : null,
        }
      : null,
    count: alert.count,
    node: alert.node,
    audit: alert.audit
      ? {
          log_index: alert.audit.logIndex.toString(),
          leaf_hash: hex(alert.audit.leafHash),
          checkpoint_size: alert.audit.checkpointSize.toString(),
        }
      : null,
    labels: alert.labels,
  };
}

/** The alert as one line of JSON, newline included. */
export function alertJsonLine(alert: Alert): string {
  return `${JSON.stringify(alertJson(alert))}\n`;
}
