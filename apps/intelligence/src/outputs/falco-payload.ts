// An alert as falcosidekick's input: the fields of its `types.FalcoPayload` (Falco's JSON output),
// so every falcosidekick output (chat, Loki, Elasticsearch, ...) takes Omega's alerts unchanged.
// ATT&CK ids are the tags, the explanation is the output, entities and every other alert field
// are output fields (docs/alert-outputs.md has the table).
import { EntityKind, Severity, type Alert, type Entity } from '@omega/proto';
import {
  alertStatusName,
  detectorKindName,
  entityKindName,
  hex,
  observedSpan,
  rfc3339Nanos,
  severityName,
} from './alert-fields';

/** The JSON falcosidekick decodes into types.FalcoPayload. */
export interface FalcoPayload {
  uuid: string;
  output: string;
  priority: string;
  rule: string;
  time: string;
  output_fields: Record<string, string | number>;
  source: string;
  tags: string[];
  hostname?: string;
}

/** Falco priorities (falcosidekick's PriorityType names) for Omega severities. */
const PRIORITIES: Readonly<Record<number, string>> = {
  [Severity.SEVERITY_UNSPECIFIED]: 'Debug',
  [Severity.SEVERITY_INFORMATIONAL]: 'Informational',
  [Severity.SEVERITY_LOW]: 'Notice',
  [Severity.SEVERITY_MEDIUM]: 'Warning',
  [Severity.SEVERITY_HIGH]: 'Error',
  [Severity.SEVERITY_CRITICAL]: 'Critical',
  [Severity.SEVERITY_FATAL]: 'Emergency',
};

/** The `source` of every Omega alert (Falco's are syscall, k8s_audit, ...). */
export const FALCO_SOURCE = 'omega';

export function falcoPayload(alert: Alert): FalcoPayload {
  const payload: FalcoPayload = {
    uuid: alert.id,
    output: alert.explanation || alert.title,
    priority: PRIORITIES[alert.severity] ?? 'Debug',
    rule: alert.ruleName || alert.ruleId || alert.title,
    time: rfc3339Nanos(alert.timeNs),
    output_fields: outputFields(alert),
    source: FALCO_SOURCE,
    tags: [...alert.attackTechniqueIds, ...alert.attackTacticIds],
  };
  if (alert.node) payload.hostname = alert.node;
  return payload;
}

function outputFields(alert: Alert): Record<string, string | number> {
  const fields: Record<string, string | number> = {
    'omega.alert.id': alert.id,
    'omega.title': alert.title,
    'omega.rule.id': alert.ruleId,
    'omega.rule.name': alert.ruleName,
    'omega.detector': detectorKindName(alert.detectorKind),
    'omega.severity': severityName(alert.severity),
    'omega.confidence': alert.confidence,
    'omega.status': alertStatusName(alert.status),
    'omega.count': alert.count,
    'omega.time_ns': alert.timeNs.toString(),
  };
  const optional: [string, string][] = [
    ['omega.attack.techniques', alert.attackTechniqueIds.join(',')],
    ['omega.attack.tactics', alert.attackTacticIds.join(',')],
    ['omega.incident.id', alert.incidentId],
    ['omega.node', alert.node],
    ['omega.evidence.event_ids', alert.evidence.map((e) => e.eventId).join(',')],
    ['omega.reasons', alert.reasons.map((r) => r.summary).join('; ')],
    [
      'omega.actors',
      alert.entities
        .filter((e) => e.isActor)
        .map((e) => `${entityKindName(e.kind)}:${e.value}`)
        .join(','),
    ],
  ];
  const span = observedSpan(alert);
  if (span?.startNs) optional.push(['omega.observed.start', rfc3339Nanos(span.startNs)]);
  if (span?.endNs) optional.push(['omega.observed.end', rfc3339Nanos(span.endNs)]);
  if (alert.audit) {
    optional.push(
      ['omega.audit.log_index', alert.audit.logIndex.toString()],
      ['omega.audit.leaf_hash', hex(alert.audit.leafHash)],
      ['omega.audit.checkpoint_size', alert.audit.checkpointSize.toString()],
    );
  }
  for (const [kind, values] of entitiesByKind(alert.entities)) {
    optional.push([`omega.entity.${kind}`, values.join(',')]);
  }
  for (const [key, value] of Object.entries(alert.labels))
    optional.push([`omega.label.${key}`, value]);
  for (const [key, value] of optional) if (value) fields[key] = value;
  Object.assign(fields, falcoFields(alert.entities));
  return fields;
}

function entitiesByKind(entities: readonly Entity[]): Map<string, string[]> {
  const byKind = new Map<string, string[]>();
  for (const entity of entities) {
    const kind = entityKindName(entity.kind);
    byKind.set(kind, [...(byKind.get(kind) ?? []), entity.value]);
  }
  return byKind;
}

/**
 * Falco's own field names for the entities Falco also knows (the first actor of a kind, else the
 * first of it), so falcosidekick's Kubernetes-aware outputs and templates find them. All strings:
 * falcosidekick reads k8s.ns.name and k8s.pod.name as strings.
 */
function falcoFields(entities: readonly Entity[]): Record<string, string> {
  const first = (kind: EntityKind): Entity | undefined =>
    entities.find((e) => e.kind === kind && e.isActor) ?? entities.find((e) => e.kind === kind);
  const fields: Record<string, string> = {};
  const pod = first(EntityKind.ENTITY_KIND_POD);
  const namespace = first(EntityKind.ENTITY_KIND_NAMESPACE);
  if (pod?.value.includes('/')) {
    const [ns, name] = pod.value.split('/', 2) as [string, string];
    fields['k8s.ns.name'] = ns;
    fields['k8s.pod.name'] = name;
  } else if (namespace) {
    fields['k8s.ns.name'] = namespace.value;
  }
  const container = first(EntityKind.ENTITY_KIND_CONTAINER);
  if (container) fields['container.id'] = container.value;
  const image = first(EntityKind.ENTITY_KIND_CONTAINER_IMAGE);
  if (image) fields['container.image'] = image.value;
  const process = first(EntityKind.ENTITY_KIND_PROCESS);
  if (process) fields['proc.name'] = process.displayName || process.value;
  const user = first(EntityKind.ENTITY_KIND_USER);
  if (user) fields['user.name'] = user.displayName || user.value;
  const file = first(EntityKind.ENTITY_KIND_FILE);
  if (file) fields['fd.name'] = file.value;
  return fields;
}
