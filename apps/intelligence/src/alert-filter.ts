// Whether an alert passes the AlertFilter shared by ListAlerts and StreamAlerts (empty fields do
// not filter).
import type { Alert, AlertFilter } from '@omega/proto';

/** `T1059` also selects its sub-techniques (`T1059.004`). */
function techniqueSelected(wanted: readonly string[], ids: readonly string[]): boolean {
  return wanted.some((w) => ids.some((id) => id === w || id.startsWith(`${w}.`)));
}

export function alertMatchesFilter(alert: Alert, filter: AlertFilter | undefined): boolean {
  if (!filter) return true;
  const range = filter.timeRange;
  if (range?.startTimeNs && alert.timeNs < range.startTimeNs) return false;
  if (range?.endTimeNs && alert.timeNs >= range.endTimeNs) return false;
  if (filter.minSeverity && alert.severity < filter.minSeverity) return false;
  if (filter.ruleIds.length > 0 && !filter.ruleIds.includes(alert.ruleId)) return false;
  if (
    filter.attackTechniqueIds.length > 0 &&
    !techniqueSelected(filter.attackTechniqueIds, alert.attackTechniqueIds)
  ) {
    return false;
  }
  if (filter.entityValue && !alert.entities.some((e) => e.value === filter.entityValue))
    return false;
  if (filter.incidentId && alert.incidentId !== filter.incidentId) return false;
  if (filter.node && alert.node !== filter.node) return false;
  if (filter.statuses.length > 0 && !filter.statuses.includes(alert.status)) return false;
  return true;
}
