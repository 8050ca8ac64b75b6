// The names and time formats every alert output shares: one reading of the Alert message's enums
// and nanosecond times, so the JSON lines, falcosidekick, OCSF, Alertmanager and syslog outputs
// agree on what a field is called.
import {
  AlertStatus,
  DetectorKind,
  EntityKind,
  alertStatusToJSON,
  detectorKindToJSON,
  entityKindToJSON,
  type Alert,
} from '@omega/proto';
import { severityName } from '../alert-builder';

export { severityName };

/** `ENTITY_KIND_CONTAINER_IMAGE` → `container_image`; unknown values → `unspecified`. */
export function entityKindName(kind: EntityKind): string {
  return enumSuffix(entityKindToJSON(kind), 'ENTITY_KIND_');
}

/** `DETECTOR_KIND_STREAMING` → `streaming`. */
export function detectorKindName(kind: DetectorKind): string {
  return enumSuffix(detectorKindToJSON(kind), 'DETECTOR_KIND_');
}

/** `ALERT_STATUS_IN_PROGRESS` → `in_progress`. */
export function alertStatusName(status: AlertStatus): string {
  return enumSuffix(alertStatusToJSON(status), 'ALERT_STATUS_');
}

function enumSuffix(json: string, prefix: string): string {
  return json.startsWith(prefix) ? json.slice(prefix.length).toLowerCase() : 'unspecified';
}

/** RFC 3339 UTC time with nanoseconds (`2026-12-07T22:18:33.123456789Z`), from Unix nanoseconds. */
export function rfc3339Nanos(timeNs: bigint): string {
  const ms = timeNs / 1_000_000n;
  const nanos = (((timeNs % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString();
  const whole = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${whole}.${nanos.padStart(9, '0')}Z`;
}

/** Unix milliseconds (OCSF timestamp_t) from nanoseconds. */
export function unixMillis(timeNs: bigint): number {
  return Number(timeNs / 1_000_000n);
}

/** The alert's evidence span as [start, end] nanoseconds, when it has one (0 = unbounded). */
export function observedSpan(alert: Alert): { startNs: bigint; endNs: bigint } | undefined {
  const span = alert.observed;
  if (!span || (span.startTimeNs === 0n && span.endTimeNs === 0n)) return undefined;
  return { startNs: span.startTimeNs, endNs: span.endTimeNs };
}

/** Hex of bytes (audit leaf hashes). */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
