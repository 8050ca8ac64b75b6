// Timeline lines for what Omega does: each alert with its rule, ATT&CK ids and explanation, each
// workflow event, each block written to omega_policy.
import { Severity, WorkflowEventType, type Alert, type WorkflowEvent } from '@omega/proto';
import type { BlockObservation, Observed } from './demo-observer';
import { matches, type ScenarioStep } from './demo-scenario';
import type { Timeline } from './demo-timeline';

const SEVERITY: Partial<Record<Severity, string>> = {
  [Severity.SEVERITY_INFORMATIONAL]: 'info',
  [Severity.SEVERITY_LOW]: 'low',
  [Severity.SEVERITY_MEDIUM]: 'medium',
  [Severity.SEVERITY_HIGH]: 'high',
  [Severity.SEVERITY_CRITICAL]: 'critical',
  [Severity.SEVERITY_FATAL]: 'fatal',
};

/** Alerts of the scenario in full; any other alert (the machine's own activity) in one line. */
export function narrateAlert(
  timeline: Timeline,
  { value: alert, seenAtMs }: Observed<Alert>,
  scenario: readonly ScenarioStep[],
): void {
  const step = scenario.find((s) => s.expect.some((e) => matches(alert, e)));
  const severity = SEVERITY[alert.severity] ?? 'unknown';
  const techniques = alert.attackTechniqueIds.join(', ');
  if (!step) {
    timeline.say(
      '·',
      `other alert (not the scenario's): [${severity}] ${alert.title} (${alert.ruleId})`,
      seenAtMs,
    );
    return;
  }
  timeline.say('⚑', `ALERT [${severity}] ${alert.title}`, seenAtMs);
  timeline.plain(
    `           rule ${alert.ruleId}${alert.ruleName ? ` (${alert.ruleName})` : ''}, ATT&CK ${techniques}${alert.incidentId ? `, incident ${alert.incidentId}` : ''}`,
  );
  timeline.plain(`           why: ${alert.explanation}`);
}

export function narrateWorkflowEvent(
  timeline: Timeline,
  { value: e, seenAtMs }: Observed<WorkflowEvent>,
): void {
  const id = e.workflowId;
  switch (e.type) {
    case WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED: {
      const trigger = e.trigger;
      timeline.say(
        '▷',
        `workflow ${id} started${trigger?.alertId ? ` for alert ${trigger.alertId}` : ''}`,
        seenAtMs,
      );
      return;
    }
    case WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_COMPLETED:
      timeline.say(
        '·',
        `workflow ${id}: step ${e.stepId} completed${formatAttributes(e.attributes)}`,
        seenAtMs,
      );
      return;
    case WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_FAILED:
    case WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_TIMED_OUT:
      timeline.say(
        '✗',
        `workflow ${id}: step ${e.stepId} ${e.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_FAILED ? 'failed' : 'timed out'} (attempt ${e.attempt}): ${e.detail}`,
        seenAtMs,
      );
      return;
    case WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_COMPLETED:
      timeline.say('✔', `workflow ${id} completed`, seenAtMs);
      return;
    case WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_FAILED:
    case WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_CANCELLED:
    case WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_TIMED_OUT:
      timeline.say('✗', `workflow ${id} ended: ${WorkflowEventType[e.type]} ${e.detail}`, seenAtMs);
      return;
    default:
      return;
  }
}

export function narrateBlock(
  timeline: Timeline,
  { value, seenAtMs }: Observed<BlockObservation>,
): void {
  const { block, key } = value;
  if (value.removed) {
    timeline.say('·', `block ${block.cidr} removed from omega_policy (${key})`, seenAtMs);
    return;
  }
  timeline.say(
    '⛔',
    `block ${block.cidr} written to omega_policy (${key})${block.reason ? `: ${block.reason}` : ''}${block.createdBy ? ` by ${block.createdBy}` : ''}`,
    seenAtMs,
  );
}

function formatAttributes(attributes: Record<string, string>): string {
  const entries = Object.entries(attributes);
  return entries.length === 0 ? '' : ` (${entries.map(([k, v]) => `${k}=${v}`).join(', ')})`;
}
