// An alert as an OCSF Detection Finding (class_uid 2004, OCSF 1.8.0): the form the OCSF webhook
// and Kafka outputs send, and what SIEMs and data lakes that speak OCSF ingest. Entities become
// observables and affected resources, ATT&CK ids become finding_info.attacks, the explanation the
// finding's description; what OCSF has no attribute for (audit entry, reasons, evidence batches)
// goes under `unmapped.omega` (docs/alert-outputs.md has the table).
import { DetectorKind, EntityKind, Severity, type Alert, type Entity } from '@omega/proto';
import { detectorKindName, entityKindName, hex, observedSpan, unixMillis } from './alert-fields';

/** The OCSF version the findings follow (metadata.version). */
export const OCSF_VERSION = '1.8.0';

const SEVERITY_CAPTIONS: Readonly<Record<number, string>> = {
  [Severity.SEVERITY_UNSPECIFIED]: 'Unknown',
  [Severity.SEVERITY_INFORMATIONAL]: 'Informational',
  [Severity.SEVERITY_LOW]: 'Low',
  [Severity.SEVERITY_MEDIUM]: 'Medium',
  [Severity.SEVERITY_HIGH]: 'High',
  [Severity.SEVERITY_CRITICAL]: 'Critical',
  [Severity.SEVERITY_FATAL]: 'Fatal',
};

/** Finding status_id (the AlertStatus numbers are OCSF's) and its caption. */
const STATUS_CAPTIONS: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'New',
  2: 'In Progress',
  3: 'Suppressed',
  4: 'Resolved',
};

/** analytic.type_id: 1 Rule, 2 Behavioral, 99 Other. */
function analyticType(kind: DetectorKind): { type_id: number; type: string } {
  switch (kind) {
    case DetectorKind.DETECTOR_KIND_RULE:
    case DetectorKind.DETECTOR_KIND_MODULE:
      return { type_id: 1, type: 'Rule' };
    case DetectorKind.DETECTOR_KIND_STREAMING:
      return { type_id: 2, type: 'Behavioral' };
    default:
      return { type_id: 99, type: detectorKindName(kind) };
  }
}

/** confidence_id from the 0-100 score: 1 Low (< 40), 2 Medium (< 75), 3 High; 0 Unknown when 0. */
function confidenceOf(score: number): { confidence_id: number; confidence: string } {
  if (score <= 0) return { confidence_id: 0, confidence: 'Unknown' };
  if (score < 40) return { confidence_id: 1, confidence: 'Low' };
  if (score < 75) return { confidence_id: 2, confidence: 'Medium' };
  return { confidence_id: 3, confidence: 'High' };
}

/** observable.type_id by entity kind (OCSF 1.8.0's observable types); 99 Other otherwise. */
const OBSERVABLE_TYPES: Readonly<Partial<Record<EntityKind, number>>> = {
  [EntityKind.ENTITY_KIND_IP_ADDRESS]: 2,
  [EntityKind.ENTITY_KIND_HOSTNAME]: 1,
  [EntityKind.ENTITY_KIND_DOMAIN]: 1,
  [EntityKind.ENTITY_KIND_NODE]: 1,
  [EntityKind.ENTITY_KIND_USER]: 4,
  [EntityKind.ENTITY_KIND_FILE]: 45,
  [EntityKind.ENTITY_KIND_PROCESS]: 39,
};

/** ATT&CK ids as OCSF attack objects: a sub-technique keeps its parent technique. */
function attacksOf(alert: Alert): Record<string, unknown>[] {
  const techniques = alert.attackTechniqueIds.map((id) => {
    const dot = id.indexOf('.');
    return dot > 0
      ? { technique: { uid: id.slice(0, dot) }, sub_technique: { uid: id } }
      : { technique: { uid: id } };
  });
  // The alert does not pair tactics with techniques: each tactic is its own attack entry.
  const tactics = alert.attackTacticIds.map((id) => ({ tactic: { uid: id } }));
  return [...techniques, ...tactics];
}

function resourceOf(entity: Entity): Record<string, unknown> {
  const kind = entityKindName(entity.kind);
  const resource: Record<string, unknown> = {
    uid: entity.value,
    name: entity.displayName || entity.value,
    type: kind,
    role_id: entity.isActor ? 2 : 1,
    role: entity.isActor ? 'Actor' : 'Target',
  };
  if (entity.kind === EntityKind.ENTITY_KIND_POD && entity.value.includes('/')) {
    resource['namespace'] = entity.value.split('/', 1)[0];
  }
  if (entity.kind === EntityKind.ENTITY_KIND_NAMESPACE) resource['namespace'] = entity.value;
  return resource;
}

export function ocsfFinding(alert: Alert): Record<string, unknown> {
  const span = observedSpan(alert);
  const timeMs = unixMillis(alert.timeNs);
  const finding: Record<string, unknown> = {
    activity_id: 1,
    activity_name: 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: SEVERITY_CAPTIONS[alert.severity] ? alert.severity : 0,
    severity: SEVERITY_CAPTIONS[alert.severity] ?? 'Unknown',
    time: timeMs,
    message: alert.title,
    status_id: STATUS_CAPTIONS[alert.status] ? alert.status : 0,
    status: STATUS_CAPTIONS[alert.status] ?? 'Unknown',
    confidence_score: alert.confidence,
    ...confidenceOf(alert.confidence),
    count: alert.count,
    is_alert: true,
    metadata: {
      version: OCSF_VERSION,
      uid: alert.id,
      product: { name: 'Omega', vendor_name: 'Omega', feature: { name: 'intelligence' } },
      log_name: 'ALERTS',
      labels: Object.entries(alert.labels).map(([key, value]) => `${key}=${value}`),
      ...(alert.incidentId ? { correlation_uid: alert.incidentId } : {}),
    },
    finding_info: {
      uid: alert.id,
      title: alert.title,
      desc: alert.explanation,
      created_time: timeMs,
      types: [detectorKindName(alert.detectorKind)],
      analytic: {
        uid: alert.ruleId,
        name: alert.ruleName || alert.ruleId,
        ...analyticType(alert.detectorKind),
      },
      attacks: attacksOf(alert),
      ...(span?.startNs ? { first_seen_time: unixMillis(span.startNs) } : {}),
      ...(span?.endNs ? { last_seen_time: unixMillis(span.endNs) } : {}),
    },
    resources: alert.entities.map(resourceOf),
    observables: alert.entities.map((entity) => ({
      name: `omega.entity.${entityKindName(entity.kind)}`,
      type_id: OBSERVABLE_TYPES[entity.kind] ?? 99,
      value: entity.value,
    })),
    evidences: alert.evidence.map((evidence) => ({
      uid: evidence.eventId,
      name: 'telemetry event',
      data: {
        event_index: evidence.eventIndex,
        ...(evidence.batch
          ? {
              sender_id: evidence.batch.senderId,
              session_id: evidence.batch.sessionId,
              sequence: evidence.batch.sequence.toString(),
              stream_sequence: evidence.batch.streamSequence.toString(),
            }
          : {}),
      },
    })),
    unmapped: {
      omega: {
        time_ns: alert.timeNs.toString(),
        node: alert.node,
        reasons: alert.reasons.map((r) => ({
          summary: r.summary,
          feature: r.feature,
          observed_value: r.observedValue,
          expected_value: r.expectedValue,
          weight: r.weight,
          event_ids: r.eventIds,
        })),
        ...(alert.audit
          ? {
              audit: {
                log_index: alert.audit.logIndex.toString(),
                leaf_hash: hex(alert.audit.leafHash),
                checkpoint_size: alert.audit.checkpointSize.toString(),
              },
            }
          : {}),
      },
    },
  };
  if (span?.startNs) finding['start_time'] = unixMillis(span.startNs);
  if (span?.endNs) finding['end_time'] = unixMillis(span.endNs);
  return finding;
}
