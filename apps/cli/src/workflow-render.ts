// Text views of workflows for the terminal: the list table, one workflow with its steps, its
// history, and the live view `omega workflows watch` redraws. Pure: time is passed in.
import {
  StepStatus,
  WorkflowEventType,
  WorkflowStatus,
  type Workflow,
  type WorkflowEvent,
} from '@omega/proto';
import { renderTable } from './status-table';

const STEP_MARK: Record<number, string> = {
  [StepStatus.STEP_STATUS_PENDING]: '·',
  [StepStatus.STEP_STATUS_SCHEDULED]: '⏸',
  [StepStatus.STEP_STATUS_RUNNING]: '▶',
  [StepStatus.STEP_STATUS_RETRYING]: '↻',
  [StepStatus.STEP_STATUS_COMPLETED]: '✓',
  [StepStatus.STEP_STATUS_FAILED]: '✗',
  [StepStatus.STEP_STATUS_SKIPPED]: '–',
  [StepStatus.STEP_STATUS_CANCELLED]: '⊘',
};

export const workflowStatusName = (s: WorkflowStatus): string =>
  (WorkflowStatus[s] ?? String(s)).replace('WORKFLOW_STATUS_', '').toLowerCase();
export const stepStatusName = (s: StepStatus): string =>
  (StepStatus[s] ?? String(s)).replace('STEP_STATUS_', '').toLowerCase();
const eventName = (t: WorkflowEventType): string =>
  (WorkflowEventType[t] ?? String(t)).replace('WORKFLOW_EVENT_TYPE_', '').toLowerCase();

const nsToMs = (ns: bigint): number => Number(ns / 1_000_000n);

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;
  return `${Math.floor(ms / 3_600_000)}h${Math.floor((ms % 3_600_000) / 60_000)}m`;
}

function table(rows: string[][], colour = false): string[] {
  const [headers = [], ...body] = rows;
  return renderTable(headers, body, { colour });
}

export function renderWorkflowList(workflows: Workflow[], nowMs: number, colour = false): string[] {
  if (workflows.length === 0) return ['no workflows'];
  return table(
    [
      ['WORKFLOW', 'PLAYBOOK', 'STATUS', 'STEPS', 'AGE'],
      ...workflows.map((w) => {
        const done = w.steps.filter((s) => s.status === StepStatus.STEP_STATUS_COMPLETED).length;
        return [
          w.workflowId,
          `${w.playbookId}@${w.playbookVersion}`,
          workflowStatusName(w.status),
          `${done}/${w.steps.length}`,
          formatDuration(nowMs - nsToMs(w.startTimeNs)),
        ];
      }),
    ],
    colour,
  );
}

export function renderWorkflow(w: Workflow, nowMs: number): string[] {
  const closed = w.closeTimeNs > 0n;
  const elapsed = (closed ? nsToMs(w.closeTimeNs) : nowMs) - nsToMs(w.startTimeNs);
  const lines = [
    `workflow ${w.workflowId}  playbook ${w.playbookId}@${w.playbookVersion}${w.dryRun ? '  (dry run)' : ''}`,
    `status   ${workflowStatusName(w.status)}${closed ? ` after ${formatDuration(elapsed)}` : ` for ${formatDuration(elapsed)}`}` +
      (w.awaitedSignals.length ? `  — waiting for: ${w.awaitedSignals.join(' | ')}` : ''),
  ];
  if (w.trigger?.alertId) lines.push(`trigger  alert ${w.trigger.alertId}`);
  if (w.failureMessage) lines.push(`reason   ${w.failureMessage}`);
  lines.push('');
  for (const s of w.steps) {
    const took =
      s.endTimeNs > 0n && s.startTimeNs > 0n
        ? formatDuration(nsToMs(s.endTimeNs) - nsToMs(s.startTimeNs))
        : s.startTimeNs > 0n
          ? `${formatDuration(nowMs - nsToMs(s.startTimeNs))}…`
          : '';
    const attempt = s.attempt > 1 ? ` attempt ${s.attempt}` : '';
    const outputs = Object.entries(s.outputs)
      .filter(([k]) => k !== 'audit_log_index')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(
      `  ${STEP_MARK[s.status] ?? '?'} ${s.stepId.padEnd(16)} ${s.action.padEnd(14)} ${stepStatusName(s.status).padEnd(10)} ${took}${attempt}`.trimEnd(),
    );
    if (s.error && s.status !== StepStatus.STEP_STATUS_COMPLETED) lines.push(`      ${s.error}`);
    if (outputs) lines.push(`      ${outputs}`);
    if (s.audit) lines.push(`      audit log #${s.audit.logIndex}`);
  }
  return lines;
}

export function renderEvent(e: WorkflowEvent, startNs: bigint): string {
  const at = `+${formatDuration(nsToMs(e.timeNs) - nsToMs(startNs))}`;
  const step = e.stepId ? ` ${e.stepId}` : '';
  const attempt = e.attempt ? `#${e.attempt}` : '';
  const detail = e.detail ? `  ${e.detail}` : '';
  return `${String(e.sequence).padStart(4)} ${at.padStart(8)}  ${eventName(e.type)}${step}${attempt}${detail}`;
}

export function renderHistory(events: WorkflowEvent[]): string[] {
  const start = events[0]?.timeNs ?? 0n;
  return ['history:', ...events.map((e) => renderEvent(e, start))];
}
