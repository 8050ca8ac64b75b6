// The stages after detection, each checked against an outside view: the containment workflow and
// the block it wrote (WORKFLOWS, omega_policy), the block's effect on the attacker's next packets
// (the sentinel's XDP counter, a capture on the victim's interface, the victim's own services),
// and the audit log (inclusion proofs, signed checkpoint).
import type * as grpc from '@grpc/grpc-js';
import type { Bus } from '@omega/bus';
import { AuditEntryKind, WorkflowEventType } from '@omega/proto';
import { deadLettersOf } from './dead-letters';
import type { BlockObservation, Observed } from './demo-observer';
import { errorMessage } from '@omega/runtime';
import type { Actor, DemoActors } from './demo-actors';
import type { AuditRecord } from '@omega/proto';
import type { AuditCommandOptions } from '../audit-command';
import {
  ACTION_KINDS,
  listAuditRecords,
  proveEntry,
  verifyCheckpoint,
  type AuditedEntry,
} from './demo-audit';
import type {
  AuditOutcome,
  BlockOutcome,
  EnforcementOutcome,
  StageFailure,
  WorkflowOutcome,
} from './demo-report';
import { DemoState, sleep, waitFor } from './demo-state';
import type { Timeline } from './demo-timeline';
import { ATTACKER } from './demo-topology';
import * as attack from './live-attack';

/** Whether IPv4 `address` lies in `cidr` (`a.b.c.d/n`, or a bare address). */
export function cidrContains(cidr: string, address: string): boolean {
  const [base = '', bitsText] = cidr.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const toNumber = (ip: string): number | undefined => {
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
      return undefined;
    return parts.reduce((n, p) => n * 256 + p, 0);
  };
  const a = toNumber(base);
  const b = toNumber(address);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

export interface ContainmentResult {
  workflows: WorkflowOutcome[];
  block?: BlockOutcome;
  failures: StageFailure[];
}

export async function checkContainment(ctx: {
  state: DemoState;
  timeline: Timeline;
  waitMs: number;
  signal: AbortSignal | undefined;
  /** The scenario's alerts: workflows they triggered are the response judged here. */
  scenarioAlertIds: ReadonlySet<string>;
}): Promise<ContainmentResult> {
  const { state, timeline } = ctx;
  // The sentinel sees the whole machine: other activity may raise alerts and start workflows too.
  const ours = (id: string): boolean =>
    ctx.scenarioAlertIds.has(
      state.workflowEvents.find(
        (e) =>
          e.value.workflowId === id &&
          e.value.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED,
      )?.value.trigger?.alertId ?? '',
    );
  timeline.wait(
    `waiting for the orchestrator to contain ${ATTACKER.address} (a workflow, and a block in omega_policy)`,
  );
  const blocked = await waitFor(
    () => activeBlockOf(state, ATTACKER.address),
    ctx.waitMs,
    ctx.signal,
  );
  // Let the workflows settle: finished, or quiet for a few seconds (a playbook may wait on a timer,
  // e.g. contain-scan lifts its block after an hour).
  await waitFor(
    () => {
      const ids = state.workflowIds().filter(ours);
      if (ids.length === 0) return undefined;
      if (ids.every((id) => state.workflowFinished(id))) return true;
      const last = state.workflowEvents[state.workflowEvents.length - 1];
      return last && Date.now() - last.seenAtMs > QUIET_MS ? true : undefined;
    },
    blocked ? 15_000 : 1_000,
    ctx.signal,
  );
  timeline.done();
  const workflows = state
    .workflowIds()
    .filter(ours)
    .map((id) => workflowOutcome(state, id));
  const failures: StageFailure[] = [];
  if (workflows.length === 0) {
    failures.push({
      stage: 'containment',
      message: `no workflow started for the scenario's alerts within ${ctx.waitMs / 1000} s of the last step: is the orchestrator running, with a containment playbook for these alerts?`,
    });
  }
  for (const w of workflows.filter((w) => w.status !== 'completed' && w.status !== 'running')) {
    failures.push({
      stage: 'containment',
      message: `workflow ${w.workflowId} ${w.status}${w.failure ? `: ${w.failure}` : ''}`,
    });
  }
  const stillBlocked = activeBlockOf(state, ATTACKER.address);
  if (!blocked || !stillBlocked) {
    failures.push({
      stage: 'containment',
      message: blocked
        ? `the block of ${ATTACKER.address} was written and then removed from omega_policy`
        : `no block of ${ATTACKER.address} appeared in omega_policy within ${ctx.waitMs / 1000} s`,
    });
    return { workflows, failures };
  }
  const { block, key } = blocked.value;
  // The alert the block answers: named on the block, else the trigger of the workflow that wrote it.
  const triggerId = block.alertId || triggerAlertOf(state, block.workflowId);
  const trigger = state.alerts.find((a) => a.value.id === triggerId);
  return {
    workflows,
    failures,
    block: {
      key,
      cidr: block.cidr,
      reason: block.reason,
      alertId: block.alertId,
      workflowId: block.workflowId,
      seenAtMs: blocked.seenAtMs,
      ...(trigger ? { triggerSeenAtMs: trigger.seenAtMs } : {}),
    },
  };
}

/** Workflows quiet this long are taken as waiting (on a timer or an approval), not working. */
const QUIET_MS = 3_000;

/** The latest write of a key blocking `address`, if that key was not removed since. */
function activeBlockOf(state: DemoState, address: string): Observed<BlockObservation> | undefined {
  const latest = new Map<string, Observed<BlockObservation>>();
  for (const b of state.blocks) latest.set(b.value.key, b);
  return [...latest.values()].find(
    (b) => !b.value.removed && cidrContains(b.value.block.cidr, address),
  );
}

function triggerAlertOf(state: DemoState, workflowId: string): string {
  const started = state.workflowEvents.find(
    (e) =>
      e.value.workflowId === workflowId &&
      e.value.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_STARTED,
  );
  return started?.value.trigger?.alertId ?? '';
}

function workflowOutcome(state: DemoState, id: string): WorkflowOutcome {
  const events = state.workflowEvents.filter((e) => e.value.workflowId === id);
  const started = events[0]!;
  const finished = state.workflowFinished(id);
  const status: WorkflowOutcome['status'] = !finished
    ? 'running'
    : finished.value.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_COMPLETED
      ? 'completed'
      : finished.value.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_FAILED
        ? 'failed'
        : finished.value.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_CANCELLED
          ? 'cancelled'
          : 'timed out';
  const failed = events.find(
    (e) =>
      e.value.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_WORKFLOW_FAILED ||
      e.value.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_FAILED,
  );
  return {
    workflowId: id,
    ...(status !== 'completed' && status !== 'running' && failed
      ? { failure: failed.value.detail }
      : {}),
    status,
    startedAtMs: started.seenAtMs,
    ...(finished ? { finishedAtMs: finished.seenAtMs } : {}),
    steps: events
      .filter((e) => e.value.type === WorkflowEventType.WORKFLOW_EVENT_TYPE_STEP_COMPLETED)
      .map((e) => e.value.stepId),
  };
}

/** The XDP drop counter the sentinel exports (a gauge, refreshed from the loader every second). */
export async function readXdpDropped(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(3_000) })).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('omega_sentinel_xdp_dropped_packets_total '));
  if (!line) throw new Error(`${metricsUrl} has no omega_sentinel_xdp_dropped_packets_total`);
  return Number(line.split(' ')[1]);
}

export async function checkEnforcement(ctx: {
  actors: DemoActors;
  timeline: Timeline;
  victimServices: Actor;
  metricsUrl: string;
  blockSeenAtMs: number;
}): Promise<{ outcome?: EnforcementOutcome; failures: StageFailure[] }> {
  const { timeline } = ctx;
  try {
    // The sentinel applies a block within a second of the KV write.
    await sleep(Math.max(0, ctx.blockSeenAtMs + 1_500 - Date.now()));
    const before = await readXdpDropped(ctx.metricsUrl);
    const acceptedBefore = acceptedFromAttacker(ctx.victimServices);
    const capture = await attack.watchAttackerPackets(ctx.actors);
    timeline.say(
      '▶',
      `the attacker tries again: connects to the victim's web app ${'(4 s timeout)'}`,
    );
    const probeResult = await attack.probe(ctx.actors);
    await sleep(1_500); // the next STATS frame carries the drops
    const after = await readXdpDropped(ctx.metricsUrl);
    process.kill(capture.pid, 'SIGTERM');
    await capture.exited;
    const received = capture.lines.filter((l) => l.includes(ATTACKER.address)).length;
    const accepted = acceptedFromAttacker(ctx.victimServices) - acceptedBefore;
    const outcome: EnforcementOutcome = {
      probeResult,
      xdpDroppedBefore: before,
      xdpDroppedAfter: after,
      packetsReceivedByVictim: received,
      connectionsAccepted: accepted,
    };
    const failures: StageFailure[] = [];
    timeline.say(
      after > before && received === 0 && accepted === 0 ? '✔' : '✗',
      `attacker's connection: ${probeResult === 'filtered' ? 'no answer (timed out)' : probeResult}; XDP dropped ${after - before} packet(s) from ${ATTACKER.address} (omega_sentinel_xdp_dropped_packets_total ${before} → ${after}); the victim's interface received ${received} packet(s) from it and its services accepted ${accepted} connection(s)`,
    );
    if (after <= before)
      failures.push({
        stage: 'enforcement',
        message: `XDP dropped nothing (counter stayed at ${before})`,
      });
    if (received > 0 || accepted > 0 || probeResult === 'open') {
      failures.push({
        stage: 'enforcement',
        message: `the attacker still reached the victim (${received} packets captured, ${accepted} connections, probe ${probeResult})`,
      });
    }
    return { outcome, failures };
  } catch (err) {
    return {
      failures: [
        { stage: 'enforcement', message: `could not check the block: ${errorMessage(err)}` },
      ],
    };
  }
}

function acceptedFromAttacker(victim: Actor): number {
  return victim.reports.filter(
    (r) => r.event === 'accepted' && String(r['from']).endsWith(ATTACKER.address),
  ).length;
}

export async function checkAudit(ctx: {
  timeline: Timeline;
  trust: string;
  /** The operator's mutual TLS to trust (secure stacks); plaintext when absent. */
  trustCredentials?: grpc.ChannelCredentials;
  tlog: string;
  stateFile: string;
  alertIds: string[];
  expectActions: boolean;
  /** For the dead letters that explain a missing entry. */
  bus: Bus;
  waitMs: number;
  signal: AbortSignal | undefined;
}): Promise<{ outcome?: AuditOutcome; failures: StageFailure[] }> {
  const { timeline } = ctx;
  const failures: StageFailure[] = [];
  try {
    timeline.wait(
      `waiting for the audit log to hold the ${ctx.alertIds.length} alert(s)${ctx.expectActions ? ' and the response actions' : ''}`,
    );
    let records = await listAuditRecords(ctx.trust, ctx.trustCredentials);
    const missing = (): string[] =>
      ctx.alertIds.filter(
        (id) =>
          !records.some(
            (r) =>
              r.entry?.kind === AuditEntryKind.AUDIT_ENTRY_KIND_ALERT && r.entry.subject === id,
          ),
      );
    const actionsOf = (): typeof records =>
      records.filter((r) => ACTION_KINDS.includes(r.entry?.kind ?? 0));
    const deadline = Date.now() + ctx.waitMs;
    while (
      (missing().length > 0 || (ctx.expectActions && actionsOf().length === 0)) &&
      Date.now() < deadline
    ) {
      await sleep(500, ctx.signal);
      records = await listAuditRecords(ctx.trust, ctx.trustCredentials);
    }
    timeline.done();
    const opts = {
      trust: ctx.trust,
      tlog: ctx.tlog,
      stateFile: ctx.stateFile,
      ...(ctx.trustCredentials ? { credentials: ctx.trustCredentials } : {}),
    };
    const verify = await verifyCheckpoint(opts);
    const alertEntries: AuditedEntry[] = [];
    for (const record of records.filter(
      (r) =>
        r.entry?.kind === AuditEntryKind.AUDIT_ENTRY_KIND_ALERT &&
        ctx.alertIds.includes(r.entry.subject),
    )) {
      alertEntries.push(await proveSoon(opts, record, ctx.signal));
    }
    const actionEntries: AuditedEntry[] = [];
    for (const record of actionsOf()) actionEntries.push(await proveSoon(opts, record, ctx.signal));
    const outcome: AuditOutcome = {
      alertEntries,
      actionEntries,
      missingAlertIds: missing(),
      verifyOk: verify.ok,
      verifyOutput: verify.output,
    };
    const proven = [...alertEntries, ...actionEntries];
    const valid = proven.filter((e) => e.proofValid).length;
    timeline.say(
      valid === proven.length && outcome.missingAlertIds.length === 0 ? '✔' : '✗',
      `audit log: ${alertEntries.length} alert entr${alertEntries.length === 1 ? 'y' : 'ies'} and ${actionEntries.length} action entr${actionEntries.length === 1 ? 'y' : 'ies'} (${proven.map((e) => `#${e.index}`).join(' ')}); ${valid} of ${proven.length} inclusion proofs verified against a signed checkpoint`,
    );
    timeline.say(verify.ok ? '✔' : '✗', `omega audit verify: ${verify.output.join(' / ')}`);
    if (outcome.missingAlertIds.length > 0) {
      // Intelligence dead-letters an alert trust refused; its reason says why the log lacks it.
      const refused = await deadLettersOf(ctx.bus, 'ALERTS', 'intelligence-audit').catch(() => []);
      failures.push({
        stage: 'audit',
        message:
          `alerts not in the audit log after ${ctx.waitMs / 1000} s: ${outcome.missingAlertIds.join(', ')}` +
          (refused.length > 0
            ? `; intelligence dead-lettered ${refused.length} alert append(s), e.g. ${refused[0]!.error}`
            : ''),
      });
    }
    if (ctx.expectActions && actionEntries.length === 0) {
      failures.push({
        stage: 'audit',
        message: 'the containment left no action entry in the audit log',
      });
    }
    for (const bad of proven.filter((e) => !e.proofValid)) {
      failures.push({
        stage: 'audit',
        message: `entry #${bad.index} (${bad.subject}): inclusion proof failed: ${bad.proofOutput.join(' ')}`,
      });
    }
    if (!verify.ok)
      failures.push({
        stage: 'audit',
        message: `omega audit verify failed: ${verify.output.join(' ')}`,
      });
    return { outcome, failures };
  } catch (err) {
    timeline.done();
    return {
      failures: [{ stage: 'audit', message: `could not read the audit log: ${errorMessage(err)}` }],
    };
  }
}

/** An entry appended moments ago may not be under a signed checkpoint yet: try a few times. */
export async function proveSoon(
  opts: AuditCommandOptions,
  record: AuditRecord,
  signal: AbortSignal | undefined,
): Promise<AuditedEntry> {
  let result = await proveEntry(opts, record);
  for (let attempt = 1; attempt < 5 && !result.proofValid; attempt++) {
    await sleep(1_000, signal);
    result = await proveEntry(opts, record);
  }
  return result;
}
