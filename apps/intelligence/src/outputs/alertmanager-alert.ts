// An alert as Alertmanager's API v2 takes it (a postableAlert of POST /api/v2/alerts): what routes
// and groups (rule, severity, where) as labels, what people read (title, explanation, evidence,
// audit entry) as annotations. Each Omega alert is its own Alertmanager alert (omega_alert_id).
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

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

/** Alertmanager's label names: `[a-zA-Z_][a-zA-Z0-9_]*`; anything else becomes `_`. */
export function labelName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/** `endsAfterMs`: endsAt = the alert's time + it; absent, Alertmanager's resolve_timeout applies. */
export function alertmanagerAlert(alert: Alert, endsAfterMs?: number): PostableAlert {
  const labels: Record<string, string> = {};
  // The rule's own labels first: Omega's names win a clash.
  for (const [key, value] of Object.entries(alert.labels)) labels[labelName(key)] = value;
  Object.assign(labels, {
    alertname: alert.ruleName || alert.ruleId || 'omega',
    severity: severityName(alert.severity),
    source: 'omega',
    omega_alert_id: alert.id,
    omega_rule_id: alert.ruleId,
    omega_detector: detectorKindName(alert.detectorKind),
  });
  const byKind = new Map<string, string[]>();
  for (const entity of alert.entities) {
    const kind = entityKindName(entity.kind);
    byKind.set(kind, [...(byKind.get(kind) ?? []), entity.value]);
  }
  const optionalLabels: [string, string][] = [
    ['node', alert.node],
    ['incident_id', alert.incidentId],
    ['attack_techniques', alert.attackTechniqueIds.join(',')],
    ['attack_tactics', alert.attackTacticIds.join(',')],
    ...[...byKind].map(([kind, values]): [string, string] => [kind, values.join(',')]),
  ];
  for (const [key, value] of optionalLabels) if (value) labels[key] = value;

  const span = observedSpan(alert);
  const annotations: Record<string, string> = {
    summary: alert.title,
    description: alert.explanation || alert.title,
    confidence: String(alert.confidence),
    count: String(alert.count),
    status: alertStatusName(alert.status),
    time_ns: alert.timeNs.toString(),
  };
  const optionalAnnotations: [string, string][] = [
    ['reasons', alert.reasons.map((r) => r.summary).join('\n')],
    ['evidence', alert.evidence.map((e) => e.eventId).join(',')],
    [
      'actors',
      alert.entities
        .filter((e) => e.isActor)
        .map((e) => `${entityKindName(e.kind)}:${e.value}`)
        .join(','),
    ],
    ['observed_start', span?.startNs ? rfc3339Nanos(span.startNs) : ''],
    ['observed_end', span?.endNs ? rfc3339Nanos(span.endNs) : ''],
    ['audit_log_index', alert.audit ? alert.audit.logIndex.toString() : ''],
    ['audit_leaf_hash', alert.audit ? hex(alert.audit.leafHash) : ''],
    ['audit_checkpoint_size', alert.audit ? alert.audit.checkpointSize.toString() : ''],
  ];
  for (const [key, value] of optionalAnnotations) if (value) annotations[key] = value;

  const posted: PostableAlert = { labels, annotations, startsAt: rfc3339Nanos(alert.timeNs) };
  if (endsAfterMs !== undefined) {
    posted.endsAt = rfc3339Nanos(alert.timeNs + BigInt(endsAfterMs) * 1_000_000n);
  }
  return posted;
}
