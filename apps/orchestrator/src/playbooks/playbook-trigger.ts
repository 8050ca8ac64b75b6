// Which playbooks an alert starts, and the inputs the alert gives a workflow: its fields flattened
// to the names templates use (`alert.src_ip`, `alert.labels.team`, ...).
import { DetectorKind, EntityKind, Severity, type Alert } from '@omega/proto';
import type { AlertMatcher, CompiledPlaybook } from './playbook-parser';

const SEVERITY_ORDER = ['informational', 'low', 'medium', 'high', 'critical', 'fatal'];

export function severityName(severity: Severity): string {
  return Severity[severity]?.replace('SEVERITY_', '').toLowerCase() ?? 'unspecified';
}

export function detectorKindName(kind: DetectorKind): string {
  return DetectorKind[kind]?.replace('DETECTOR_KIND_', '').toLowerCase() ?? 'unspecified';
}

/** True when every field the matcher sets holds for the alert. */
export function alertMatches(matcher: AlertMatcher, alert: Alert): boolean {
  if (matcher.minSeverity) {
    const have = SEVERITY_ORDER.indexOf(severityName(alert.severity));
    if (have < SEVERITY_ORDER.indexOf(matcher.minSeverity)) return false;
  }
  if (matcher.ruleIds.length > 0 && !matcher.ruleIds.includes(alert.ruleId)) return false;
  if (
    matcher.attackTechniqueIds.length > 0 &&
    !alert.attackTechniqueIds.some((id) =>
      matcher.attackTechniqueIds.some((want) => id === want || id.startsWith(`${want}.`)),
    )
  ) {
    return false;
  }
  if (
    matcher.detectorKinds.length > 0 &&
    !matcher.detectorKinds.includes(detectorKindName(alert.detectorKind))
  ) {
    return false;
  }
  for (const [key, value] of Object.entries(matcher.labels)) {
    if (alert.labels[key] !== value) return false;
  }
  return true;
}

/** The enabled playbooks an alert starts. */
export function playbooksFor(
  alert: Alert,
  playbooks: Iterable<CompiledPlaybook>,
): CompiledPlaybook[] {
  return [...playbooks].filter(
    (p) => p.enabled && p.alert !== undefined && alertMatches(p.alert, alert),
  );
}

/** One workflow per alert and playbook: a redelivered alert maps to the same id. */
export function alertWorkflowId(alertId: string, playbookId: string): string {
  return `${playbookId}--${alertId}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** The alert as workflow inputs. */
export function alertInputs(alert: Alert): Record<string, string> {
  const inputs: Record<string, string> = {
    'alert.id': alert.id,
    'alert.title': alert.title,
    'alert.severity': severityName(alert.severity),
    'alert.rule_id': alert.ruleId,
    'alert.rule_name': alert.ruleName,
    'alert.detector_kind': detectorKindName(alert.detectorKind),
    'alert.attack_technique_ids': alert.attackTechniqueIds.join(','),
    'alert.incident_id': alert.incidentId,
    'alert.node': alert.node,
  };
  for (const [key, value] of Object.entries(alert.labels)) inputs[`alert.labels.${key}`] = value;
  const first = (kind: EntityKind, actor: boolean | undefined) =>
    alert.entities.find((e) => e.kind === kind && (actor === undefined || e.isActor === actor))
      ?.value;
  const put = (name: string, value: string | undefined) => {
    if (value) inputs[name] = value;
  };
  put('alert.src_ip', first(EntityKind.ENTITY_KIND_IP_ADDRESS, true));
  put('alert.dst_ip', first(EntityKind.ENTITY_KIND_IP_ADDRESS, false));
  const pod =
    first(EntityKind.ENTITY_KIND_POD, true) ?? first(EntityKind.ENTITY_KIND_POD, undefined);
  if (pod) {
    inputs['alert.pod'] = pod;
    const [namespace, name] = pod.includes('/') ? pod.split('/', 2) : ['default', pod];
    inputs['alert.pod_namespace'] = namespace as string;
    inputs['alert.pod_name'] = name as string;
  }
  put('alert.user', first(EntityKind.ENTITY_KIND_USER, undefined));
  put('alert.domain', first(EntityKind.ENTITY_KIND_DOMAIN, undefined));
  return inputs;
}
