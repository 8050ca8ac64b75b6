// An alert as one RFC 5424 syslog message: PRI from the output's facility and the alert's
// severity, the alert's fields as structured data (SD-ID omega@32473), title and explanation as
// the UTF-8 MSG. Bounded: at most MAX_SYSLOG_MESSAGE_BYTES, the MSG cut first.
import { Severity, type Alert } from '@omega/proto';
import {
  alertStatusName,
  detectorKindName,
  entityKindName,
  hex,
  rfc3339Nanos,
  severityName,
} from './alert-fields';

/** Largest message sent (rsyslog's default maxMessageSize is 8 KiB). */
export const MAX_SYSLOG_MESSAGE_BYTES = 8192;
/**
 * SD-ID of the alert element: `omega@32473`. 32473 is the Private Enterprise Number RFC 5612
 * reserves for documentation; Omega has none of its own.
 */
export const SYSLOG_SD_ID = 'omega@32473';
/** Most entities and reasons carried in the structured data. */
const MAX_SD_REPEATS = 32;

/** RFC 5424 severities (0 Emergency … 7 Debug) of Omega severities. */
const SYSLOG_SEVERITIES: Readonly<Record<number, number>> = {
  [Severity.SEVERITY_FATAL]: 0,
  [Severity.SEVERITY_CRITICAL]: 2,
  [Severity.SEVERITY_HIGH]: 3,
  [Severity.SEVERITY_MEDIUM]: 4,
  [Severity.SEVERITY_LOW]: 5,
  [Severity.SEVERITY_INFORMATIONAL]: 6,
  [Severity.SEVERITY_UNSPECIFIED]: 7,
};

export interface SyslogHeader {
  facility: number;
  /** HOSTNAME: this machine (printable ASCII, at most 255). */
  hostname: string;
  appName: string;
  procId: string;
}

/** An RFC 5424 header field: printable US-ASCII without spaces, or `-` when empty. */
function headerField(value: string, maxChars: number): string {
  const cleaned = value.replace(/[^!-~]/g, '').slice(0, maxChars);
  return cleaned || '-';
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash. */
function paramValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

function structuredData(alert: Alert): string {
  const params: [string, string][] = [
    ['id', alert.id],
    ['severity', severityName(alert.severity)],
    ['rule_id', alert.ruleId],
    ['rule', alert.ruleName],
    ['detector', detectorKindName(alert.detectorKind)],
    ['status', alertStatusName(alert.status)],
    ['confidence', String(alert.confidence)],
    ['count', String(alert.count)],
    ['time_ns', alert.timeNs.toString()],
  ];
  const optional: [string, string][] = [
    ['node', alert.node],
    ['incident_id', alert.incidentId],
    ['attack_techniques', alert.attackTechniqueIds.join(',')],
    ['attack_tactics', alert.attackTacticIds.join(',')],
    ['evidence', alert.evidence.map((e) => e.eventId).join(',')],
  ];
  if (alert.audit) {
    optional.push(
      ['audit_log_index', alert.audit.logIndex.toString()],
      ['audit_leaf_hash', hex(alert.audit.leafHash)],
    );
  }
  for (const entity of alert.entities.slice(0, MAX_SD_REPEATS)) {
    const role = entity.isActor ? 'actor' : 'entity';
    optional.push([role, `${entityKindName(entity.kind)}:${entity.value}`]);
  }
  for (const reason of alert.reasons.slice(0, MAX_SD_REPEATS))
    optional.push(['reason', reason.summary]);
  for (const [key, value] of Object.entries(alert.labels)) {
    const name = `label.${key}`.replace(/[^!-~]|[=\]"]/g, '_').slice(0, 32);
    optional.push([name, value]);
  }
  const all = [...params, ...optional.filter(([, value]) => value)];
  return `[${SYSLOG_SD_ID} ${all.map(([name, value]) => `${name}="${paramValue(value)}"`).join(' ')}]`;
}

/** RFC 5424 TIMESTAMP: at most 6 fractional digits (microseconds). */
function syslogTimestamp(timeNs: bigint): string {
  return rfc3339Nanos(timeNs).replace(/(\.\d{6})\d{3}Z$/, '$1Z');
}

/** Cuts a UTF-8 string to at most `maxBytes` bytes on a character boundary. */
function cutUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = Buffer.from(text).subarray(0, Math.max(0, maxBytes)).toString('utf8');
  // A character split by the cut decodes as U+FFFD: drop it.
  while (cut.endsWith('\uFFFD') || Buffer.byteLength(cut) > maxBytes) cut = cut.slice(0, -1);
  return cut;
}

export function syslogMessage(alert: Alert, header: SyslogHeader): Buffer {
  const severity = SYSLOG_SEVERITIES[alert.severity] ?? 7;
  const head = [
    `<${header.facility * 8 + severity}>1`,
    syslogTimestamp(alert.timeNs),
    headerField(header.hostname, 255),
    headerField(header.appName, 48),
    headerField(header.procId, 128),
    'alert',
  ].join(' ');
  let sd = structuredData(alert);
  const bom = '\uFEFF';
  const text = alert.explanation ? `${alert.title}: ${alert.explanation}` : alert.title;
  const fixedBytes = Buffer.byteLength(`${head}  ${bom}`);
  if (fixedBytes + Buffer.byteLength(sd) > MAX_SYSLOG_MESSAGE_BYTES - 256) {
    // Structured data too large even alone: keep the alert's identity, drop the rest.
    sd = `[${SYSLOG_SD_ID} id="${paramValue(alert.id)}" truncated="true"]`;
  }
  const room = MAX_SYSLOG_MESSAGE_BYTES - fixedBytes - Buffer.byteLength(sd);
  return Buffer.from(`${head} ${sd} ${bom}${cutUtf8(text, room)}`, 'utf8');
}
