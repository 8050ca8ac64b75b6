// The summary printed at the end of a run: per step what raised it and how long detection took,
// the incident, the response and its latency, the block's effect, the audit log, the verdict.
import type { DemoReport } from './demo-report';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function renderSummary(report: DemoReport): string[] {
  const lines: string[] = [];
  const row = (label: string, text: string): void =>
    void lines.push(`  ${label.padEnd(14)} ${text}`);
  lines.push('');
  lines.push(`── Summary (${report.mode} mode, ${seconds(report.durationMs)}) ${'─'.repeat(40)}`);
  for (const step of report.steps) {
    if (step.step.expect.length === 0) {
      row(step.step.id, 'no alert expected (see above); the activity is in TELEMETRY');
      continue;
    }
    if (step.detections.length === 0) {
      row(step.step.id, 'NOT DETECTED');
      continue;
    }
    for (const { alert, seenAtMs } of step.detections) {
      // A step that goes on after its alert (the beacon keeps checking in) was caught while running.
      const sinceEnd = seenAtMs - step.endedAtMs;
      const relativeToEnd =
        sinceEnd < 0
          ? `${seconds(-sinceEnd)} before it ended`
          : `${seconds(sinceEnd)} after it ended`;
      row(
        step.step.id,
        `${alert.ruleId} [${alert.attackTechniqueIds.join(', ')}] detected ${seconds(seenAtMs - step.startedAtMs)} after the step began (${relativeToEnd})`,
      );
    }
  }
  row(
    'incident',
    report.incidentIds.length === 0
      ? 'none'
      : report.incidentIds.length === 1
        ? report.incidentIds[0]!
        : `${report.incidentIds.join(', ')} (one per entity: correlation across entities is not built yet)`,
  );
  if (report.workflows.length === 0) row('response', 'no workflow ran');
  for (const w of report.workflows) {
    const status =
      w.status === 'running' ? 'running (waiting on a timer or an approval)' : w.status;
    row(
      'response',
      `workflow ${w.workflowId} ${status}${w.finishedAtMs ? ` in ${seconds(w.finishedAtMs - w.startedAtMs)}` : ''}; steps completed: ${w.steps.join(', ') || 'none'}${w.failure ? `; failure: ${w.failure}` : ''}`,
    );
  }
  if (report.teamMessages.length > 0) {
    row('notified', `${report.teamMessages.length} message(s) to the team channel`);
  }
  if (report.block) {
    row(
      'block',
      report.block.triggerSeenAtMs === undefined
        ? `${report.block.cidr} in omega_policy (neither the block nor its workflow names the alert it answers)`
        : `${report.block.cidr} in omega_policy ${seconds(report.block.seenAtMs - report.block.triggerSeenAtMs)} after the alert that triggered it (response latency)`,
    );
  } else {
    row('block', 'none');
  }
  if (report.enforcement) {
    const e = report.enforcement;
    row(
      'enforcement',
      `XDP dropped ${e.xdpDroppedAfter - e.xdpDroppedBefore} packet(s) from the attacker; the victim received ${e.packetsReceivedByVictim} and accepted ${e.connectionsAccepted} connection(s); the attacker saw: ${e.probeResult === 'filtered' ? 'no answer' : e.probeResult}`,
    );
  }
  if (report.audit) {
    const a = report.audit;
    const all = [...a.alertEntries, ...a.actionEntries];
    row(
      'audit',
      `${a.alertEntries.length} alert and ${a.actionEntries.length} action entries, ${all.filter((x) => x.proofValid).length}/${all.length} inclusion proofs valid; omega audit verify ${a.verifyOk ? 'passed' : 'FAILED'}`,
    );
  }
  if (report.deception) {
    const d = report.deception;
    row(
      'deception',
      `honeytoken ${d.honeytokenId} (planted in ${d.placement}) used against decoy ${d.decoyId}: "${d.alert.title}" ${seconds(d.alertSeenAtMs - d.startedAtMs)} after the intruder's ssh began; ${d.triggerCount} use(s) counted${d.auditEntry ? `; audit entry #${d.auditEntry.index} ${d.auditEntry.proofValid ? 'proven' : 'NOT proven'}` : ''}`,
    );
  }
  row(
    'services',
    report.serviceErrors.length === 0
      ? 'no error logs, no crashes'
      : `${report.serviceErrors.length} error log line(s) or crashes`,
  );
  lines.push('');
  if (report.failures.length === 0) {
    lines.push(
      report.deception
        ? 'RESULT: the attack was detected, contained and audited; the planted credential caught its user.'
        : 'RESULT: the attack was detected, contained and audited.',
    );
  } else {
    lines.push(`RESULT: ${report.failures.length} stage check(s) failed:`);
    for (const f of report.failures) lines.push(`  ✗ ${f.stage}: ${f.message}`);
  }
  return lines;
}
