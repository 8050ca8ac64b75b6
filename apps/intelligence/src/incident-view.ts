// Incidents as the RPCs show them, built from their alerts on ALERTS (the only store): severity
// is the highest of its alerts, the span covers their evidence, and the summary is the timeline,
// one line per alert, oldest first.
import {
  AlertFilter,
  IncidentStatus,
  Severity,
  type Alert,
  type Entity,
  type GetIncidentResponse,
  type Incident,
  type ListIncidentsRequest,
  type ListIncidentsResponse,
} from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type AlertStore } from './alert-store';

const SEVERITY_WORD: Readonly<Record<number, string>> = {
  [Severity.SEVERITY_INFORMATIONAL]: 'info',
  [Severity.SEVERITY_LOW]: 'low',
  [Severity.SEVERITY_MEDIUM]: 'medium',
  [Severity.SEVERITY_HIGH]: 'high',
  [Severity.SEVERITY_CRITICAL]: 'critical',
  [Severity.SEVERITY_FATAL]: 'fatal',
};

function isoNs(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** One incident from its alerts (any order; at least one). */
export function incidentOf(alerts: readonly Alert[]): Incident {
  const ordered = [...alerts].sort((a, b) =>
    a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : a.id.localeCompare(b.id),
  );
  const first = ordered[0]!;
  const last = ordered[ordered.length - 1]!;
  const entities = new Map<string, Entity>();
  const techniques = new Set<string>();
  const tactics = new Set<string>();
  let start = first.timeNs;
  let end = last.timeNs;
  let severity = Severity.SEVERITY_UNSPECIFIED;
  for (const alert of ordered) {
    for (const e of alert.entities) entities.set(`${e.kind}\u0000${e.value}`, e);
    alert.attackTechniqueIds.forEach((t) => techniques.add(t));
    alert.attackTacticIds.forEach((t) => tactics.add(t));
    if (alert.severity > severity) {
      severity = alert.severity;
    }
    const observed = alert.observed;
    if (observed?.startTimeNs && observed.startTimeNs < start) start = observed.startTimeNs;
    if (observed?.endTimeNs && observed.endTimeNs > end) end = observed.endTimeNs;
  }
  const subject = first.entities[0]?.value || first.labels['entity'] || first.node;
  const more =
    ordered.length > 1
      ? ` (+${ordered.length - 1} more alert${ordered.length > 2 ? 's' : ''})`
      : '';
  const timeline = ordered.map(
    (a) =>
      `${isoNs(a.timeNs)} [${SEVERITY_WORD[a.severity] ?? 'unknown'}] ${a.title}${a.attackTechniqueIds.length > 0 ? ` (${a.attackTechniqueIds.join(', ')})` : ''}`,
  );
  return {
    id: first.incidentId,
    title: `${first.title}${more}`,
    severity,
    status: IncidentStatus.INCIDENT_STATUS_OPEN,
    createTimeNs: first.timeNs,
    updateTimeNs: last.timeNs,
    observed: { startTimeNs: start, endTimeNs: end },
    alertIds: ordered.map((a) => a.id),
    entities: [...entities.values()],
    attackTechniqueIds: [...techniques].sort(),
    attackTacticIds: [...tactics].sort(),
    summary: `${ordered.length} alert${ordered.length > 1 ? 's' : ''} on ${subject}:\n${timeline.join('\n')}`,
    workflowIds: [],
    assignee: '',
  };
}

/** GetIncident: NotFound when no retained alert belongs to it. */
export async function getIncident(
  store: AlertStore,
  incidentId: string,
  annotate: (alert: Alert) => Alert = (a) => a,
): Promise<GetIncidentResponse> {
  if (!incidentId)
    throw new OmegaError(Code.InvalidArgument, 'GetIncident: incident_id is required');
  const alerts = await store.all(AlertFilter.fromPartial({ incidentId }));
  if (alerts.length === 0) {
    throw new OmegaError(
      Code.NotFound,
      `incident ${incidentId}: no alert of it is in the ALERTS stream (unknown or past retention)`,
    );
  }
  const incident = incidentOf(alerts);
  const byId = new Map(alerts.map((a) => [a.id, a]));
  return { incident, alerts: incident.alertIds.map((id) => annotate(byId.get(id)!)) };
}

/** ListIncidents: most recently updated first, filtered, paged by offset. */
export async function listIncidents(
  store: AlertStore,
  request: ListIncidentsRequest,
): Promise<ListIncidentsResponse> {
  const groups = new Map<string, Alert[]>();
  for (const alert of await store.all(undefined)) {
    if (!alert.incidentId) continue;
    let group = groups.get(alert.incidentId);
    if (!group) groups.set(alert.incidentId, (group = []));
    group.push(alert);
  }
  const range = request.timeRange;
  const incidents = [...groups.values()]
    .map(incidentOf)
    .filter(
      (i) =>
        (!range?.startTimeNs || i.updateTimeNs >= range.startTimeNs) &&
        (!range?.endTimeNs || i.createTimeNs < range.endTimeNs) &&
        (!request.minSeverity || i.severity >= request.minSeverity) &&
        (request.statuses.length === 0 || request.statuses.includes(i.status)) &&
        (!request.entityValue || i.entities.some((e) => e.value === request.entityValue)),
    )
    .sort((a, b) =>
      a.updateTimeNs > b.updateTimeNs
        ? -1
        : a.updateTimeNs < b.updateTimeNs
          ? 1
          : a.id.localeCompare(b.id),
    );
  let offset = 0;
  if (request.pageToken) {
    if (!/^[1-9]\d{0,8}$/.test(request.pageToken)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `ListIncidents: page_token ${JSON.stringify(request.pageToken)} is not one this service issued`,
      );
    }
    offset = Number(request.pageToken);
  }
  const size = Math.min(request.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return {
    incidents: incidents.slice(offset, offset + size),
    nextPageToken: offset + size < incidents.length ? String(offset + size) : '',
  };
}
