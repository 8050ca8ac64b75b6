// Shapes a Sigma match (with its evidence) or a streaming detector's finding into an Omega Alert,
// with an id derived from what was detected, so a redelivered batch yields the same alert id.
import { createHash } from 'node:crypto';
import type { CompiledSigmaRule, DetectorFinding, SigmaMatchEvidence } from '@omega/detect';
import {
  AlertStatus,
  DetectorKind,
  EntityKind,
  ProcessAction,
  Severity,
  type Alert,
  type AlertReason,
  type BatchRef,
  type Entity,
  type Event,
  type EvidenceRef,
} from '@omega/proto';

/** Where the event that completed the detection sits, for evidence references. */
export interface AlertSource {
  /** The event the rule matched, or the one that completed the detector's evidence. */
  event: Event;
  /** The batch that carried it, when known. */
  batch?: BatchRef;
  /** Position of `event` in the batch's `events`. */
  eventIndex: number;
}

/** An alert and the key its (rule, entity) suppression is held under. */
export interface BuiltAlert {
  alert: Alert;
  /** `pod:<ns>/<pod>`, `sa:<ns>/<sa>`, `ip:<addr>` or `node:<node>`: whom the alert is about. */
  entityKey: string;
  /** Alert time bucket: floor(timeNs / windowMs); equal buckets share an alert id. */
  windowIndex: bigint;
}

/** Lower-case OCSF severity names, used as the `<severity>` token of `omega.alerts.<severity>`. */
const SEVERITY_NAMES: Readonly<Record<number, string>> = {
  [Severity.SEVERITY_UNSPECIFIED]: 'unknown',
  [Severity.SEVERITY_INFORMATIONAL]: 'informational',
  [Severity.SEVERITY_LOW]: 'low',
  [Severity.SEVERITY_MEDIUM]: 'medium',
  [Severity.SEVERITY_HIGH]: 'high',
  [Severity.SEVERITY_CRITICAL]: 'critical',
  [Severity.SEVERITY_FATAL]: 'fatal',
};

/** The subject token for a severity (OCSF 0–6); anything else is `unknown`. */
export function severityName(severity: Severity): string {
  return SEVERITY_NAMES[severity] ?? 'unknown';
}

/** OCSF severity_id 0–6 from any number: out-of-range values become UNSPECIFIED. */
function ocsfSeverity(value: number): Severity {
  return Number.isInteger(value) && value >= 0 && value <= 6 ? (value as Severity) : 0;
}

export function windowIndexOf(timeNs: bigint, windowMs: number): bigint {
  return timeNs / (BigInt(windowMs) * 1_000_000n);
}

/**
 * A UUID-shaped (version 8, RFC 9562 "custom") id from SHA-256 of the rule, the test that fired,
 * the entity and the time bucket: the same detection in the same window always gets the same id,
 * which is also the JetStream de-duplication id of its publish.
 */
export function deterministicAlertId(
  ruleId: string,
  kind: string,
  entityKey: string,
  windowIndex: bigint,
): string {
  const digest = createHash('sha256')
    .update([ruleId, kind, entityKey, windowIndex.toString()].join('\u0000'))
    .digest();
  digest[6] = (digest[6]! & 0x0f) | 0x80; // version 8
  digest[8] = (digest[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whom an event is about, as the detectors key it: pod, else service account, else IP, else node. */
export function entityKeyOfEvent(event: Event): string {
  const w = event.workload;
  if (w?.namespace && w.pod) return `pod:${w.namespace}/${w.pod}`;
  if (w?.namespace && w.serviceAccount) return `sa:${w.namespace}/${w.serviceAccount}`;
  const ip = event.srcEndpoint?.ip;
  if (ip) return `ip:${ip}`;
  return `node:${event.node}`;
}

function entity(kind: EntityKind, value: string, isActor = true, displayName = ''): Entity {
  return { kind, value, displayName, isActor };
}

/** The entities a single event names: workload, process, user, node and endpoints. */
export function entitiesOfEvent(event: Event): Entity[] {
  const entities: Entity[] = [];
  const w = event.workload;
  if (w?.namespace && w.pod)
    entities.push(entity(EntityKind.ENTITY_KIND_POD, `${w.namespace}/${w.pod}`));
  if (w?.namespace) entities.push(entity(EntityKind.ENTITY_KIND_NAMESPACE, w.namespace));
  if (w?.namespace && w.serviceAccount) {
    entities.push(
      entity(EntityKind.ENTITY_KIND_SERVICE_ACCOUNT, `${w.namespace}/${w.serviceAccount}`),
    );
  }
  if (w?.containerId) {
    entities.push(entity(EntityKind.ENTITY_KIND_CONTAINER, w.containerId, true, w.container));
  }
  if (w?.image) entities.push(entity(EntityKind.ENTITY_KIND_CONTAINER_IMAGE, w.image));
  // a launch names the launched process; the kernel telemetry's process records (privilege change,
  // ptrace, memfd exec) name the actor who did it (a ptrace's `process` is only its target's pid)
  const launched =
    event.payload?.$case === 'processActivity' &&
    event.payload.value.action === ProcessAction.PROCESS_ACTION_UNSPECIFIED
      ? event.payload.value.process
      : undefined;
  const process = launched ?? event.actor?.process;
  if (process && (process.uid || process.executablePath || process.name)) {
    entities.push(
      entity(
        EntityKind.ENTITY_KIND_PROCESS,
        process.uid || `${event.node}:${process.pid}`,
        true,
        process.cmdLine || process.executablePath || process.name,
      ),
    );
  }
  // Addresses a command line names (a reverse shell's /dev/tcp/<ip>/<port>, `nc <ip> <port>`) are
  // what the process is aimed at.
  for (const address of addressesNamedIn(process?.cmdLine ?? '')) {
    entities.push(entity(EntityKind.ENTITY_KIND_IP_ADDRESS, address, false));
  }
  const user = event.actor?.user?.name || process?.user?.name;
  if (user) entities.push(entity(EntityKind.ENTITY_KIND_USER, user));
  if (event.srcEndpoint?.ip)
    entities.push(entity(EntityKind.ENTITY_KIND_IP_ADDRESS, event.srcEndpoint.ip));
  if (event.dstEndpoint?.ip) {
    entities.push(entity(EntityKind.ENTITY_KIND_IP_ADDRESS, event.dstEndpoint.ip, false));
  }
  if (event.node) entities.push(entity(EntityKind.ENTITY_KIND_NODE, event.node));
  return entities;
}

const IPV4_IN_TEXT =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])/g;

/** The distinct IPv4 addresses written in `text`, at most 4 (a command line is bounded input). */
export function addressesNamedIn(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.slice(0, 4096).matchAll(IPV4_IN_TEXT)) {
    found.add(match[0]);
    if (found.size === 4) break;
  }
  return [...found];
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(' ');
  return value === undefined || value === null ? '(absent)' : String(value);
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/**
 * One reason per clause of each search that made the condition true: the field, its value, what the
 * rule asked for. A search that matched but had no part in the verdict is not cited.
 */
function sigmaReasons(evidence: SigmaMatchEvidence, eventId: string): AlertReason[] {
  const reasons: AlertReason[] = [];
  for (const search of evidence.searches) {
    if (!search.contributed) continue;
    for (const clause of search.clauses) {
      if (!clause.matched) continue;
      const observed =
        clause.eventValue === undefined ? '(keyword search)' : shown(clause.eventValue);
      reasons.push({
        summary:
          `selection '${search.name}': ${clause.key} matched ${quoteAll(clause.matchedValues)}` +
          (clause.eventValue === undefined
            ? ''
            : ` in ${clause.omegaField} = ${JSON.stringify(observed)}`),
        feature: clause.omegaField,
        observedValue: observed,
        expectedValue: `${clause.key}: ${quoteAll(clause.matchedValues)}`,
        weight: 1,
        eventIds: eventId ? [eventId] : [],
      });
    }
  }
  return reasons;
}

function whereOf(event: Event): string {
  const w = event.workload;
  const place = w?.pod
    ? `pod ${w.namespace}/${w.pod}`
    : w?.namespace
      ? `namespace ${w.namespace}`
      : '';
  return [place, event.node ? `node ${event.node}` : ''].filter(Boolean).join(' on ');
}

/** Where the pipeline said an event sits (locateEvidence): its batch and its index there. */
export interface EvidenceLocation {
  readonly batch: BatchRef;
  readonly eventIndex: number;
}

function isEvidenceLocation(location: unknown): location is EvidenceLocation {
  return (
    typeof location === 'object' &&
    location !== null &&
    'batch' in location &&
    typeof (location as { eventIndex?: unknown }).eventIndex === 'number'
  );
}

/** An evidence reference from the location the pipeline noted, else from the completing event. */
function locatedRef(eventId: string, location: unknown, source: AlertSource): EvidenceRef {
  if (isEvidenceLocation(location)) {
    return { eventId, eventIndex: location.eventIndex, batch: location.batch };
  }
  return evidenceRef(eventId, source);
}

function evidenceRef(eventId: string, source: AlertSource): EvidenceRef {
  return eventId === source.event.id
    ? { eventId, eventIndex: source.eventIndex, ...(source.batch ? { batch: source.batch } : {}) }
    : { eventId, eventIndex: 0 };
}

/** The alert a Sigma rule raises on `source.event`, explained by `evidence` (rule.explain(event)). */
export function alertFromSigmaMatch(
  compiled: CompiledSigmaRule,
  evidence: SigmaMatchEvidence,
  source: AlertSource,
  windowMs: number,
): BuiltAlert {
  const { rule } = compiled;
  const { event } = source;
  const ruleId = `sigma:${rule.id}`;
  const entityKey = entityKeyOfEvent(event);
  const windowIndex = windowIndexOf(event.timeNs, windowMs);
  const reasons = sigmaReasons(evidence, event.id);
  const where = whereOf(event);
  const explanation =
    `Sigma rule "${rule.title}" (${rule.id}, level ${rule.level ?? 'unset'}) matched event ${event.id}` +
    (where ? ` in ${where}` : '') +
    `: ${reasons.map((r) => r.summary).join('; ') || 'condition held'}.` +
    (rule.attackTechniques.length > 0 ? ` ATT&CK: ${rule.attackTechniques.join(', ')}.` : '') +
    (rule.falsepositives.length > 0
      ? ` Known false positives: ${rule.falsepositives.join('; ')}.`
      : '');
  return {
    entityKey,
    windowIndex,
    alert: {
      id: deterministicAlertId(ruleId, '', entityKey, windowIndex),
      timeNs: event.timeNs,
      severity: ocsfSeverity(rule.severityId),
      title: where ? `${rule.title} (${where})` : rule.title,
      ruleId,
      ruleName: rule.title,
      detectorKind: DetectorKind.DETECTOR_KIND_RULE,
      attackTechniqueIds: [...rule.attackTechniques],
      attackTacticIds: [],
      entities: entitiesOfEvent(event),
      evidence: [evidenceRef(event.id, source)],
      explanation,
      reasons,
      incidentId: '',
      confidence: 0,
      status: AlertStatus.ALERT_STATUS_NEW,
      observed: { startTimeNs: event.timeNs, endTimeNs: event.timeNs + 1n },
      count: 1,
      node: event.node,
      labels: {
        'sigma.level': rule.level ?? '',
        ...(rule.author ? { 'sigma.author': rule.author } : {}),
      },
    },
  };
}

/** The alert a streaming detector's finding raises; `source.event` is the event that completed it. */
export function alertFromFinding(
  finding: DetectorFinding,
  source: AlertSource,
  windowMs: number,
): BuiltAlert {
  const ruleId = `detector:${finding.detectorId}`;
  const windowIndex = windowIndexOf(finding.timeNs, windowMs);
  const deception = finding.detectorId === 'deception-touch';
  return {
    entityKey: finding.entityKey,
    windowIndex,
    alert: {
      id: deterministicAlertId(ruleId, finding.kind, finding.entityKey, windowIndex),
      timeNs: finding.timeNs,
      severity: ocsfSeverity(finding.severity),
      title: finding.title,
      ruleId,
      ruleName: `${finding.detectorId} (${finding.kind})`,
      detectorKind: deception
        ? DetectorKind.DETECTOR_KIND_DECEPTION
        : DetectorKind.DETECTOR_KIND_STREAMING,
      attackTechniqueIds: [...finding.attackTechniqueIds],
      attackTacticIds: [...finding.attackTacticIds],
      entities: finding.entities.map((e) => ({ ...e })),
      evidence: finding.evidenceEventIds.map((id, i) =>
        locatedRef(id, finding.evidenceLocations?.[i], source),
      ),
      explanation: finding.explanation,
      reasons: finding.reasons.map((r) => ({ ...r, eventIds: [...r.eventIds] })),
      incidentId: '',
      confidence: Math.round(Math.min(1, Math.max(0, finding.confidence)) * 100),
      status: AlertStatus.ALERT_STATUS_NEW,
      count: 1,
      node: source.event.node,
      labels: { 'detector.kind': finding.kind, entity: finding.entityKey },
    },
  };
}
