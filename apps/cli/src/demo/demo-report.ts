// What a demo run found, stage by stage: the narration's summary and the end-to-end test's
// assertions both read this, so the test checks exactly what the demo shows.
import type { Alert, HoneytokenStatus } from '@omega/proto';
import type { AuditedEntry } from './demo-audit';
import type { ScenarioStep } from './demo-scenario';

export type DemoMode = 'live' | 'replay';

/** A stage that did not do its part, named so a failure says which part of Omega is missing. */
export type Stage =
  | 'services'
  | 'attack'
  | 'detection'
  | 'incident'
  | 'containment'
  | 'enforcement'
  | 'audit'
  | 'deception';

export interface StageFailure {
  readonly stage: Stage;
  readonly message: string;
}

export interface StepOutcome {
  readonly step: ScenarioStep;
  /** Wall-clock start of the step's attack (live) or of its replayed events (replay). */
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  /** What the attacker's tool reported, one line. */
  readonly attackResult: string;
  /** The first alert matching each expected detection, with when the demo saw it. */
  readonly detections: { readonly alert: Alert; readonly seenAtMs: number }[];
}

export interface WorkflowOutcome {
  readonly workflowId: string;
  readonly status: 'running' | 'completed' | 'failed' | 'cancelled' | 'timed out';
  readonly startedAtMs: number;
  readonly finishedAtMs?: number;
  /** Steps completed, in order. */
  readonly steps: string[];
  /** Why it failed, when it did. */
  readonly failure?: string;
}

export interface BlockOutcome {
  readonly key: string;
  readonly cidr: string;
  readonly reason: string;
  readonly alertId: string;
  readonly workflowId: string;
  readonly seenAtMs: number;
  /** When the alert the block answers arrived (SourceBlock.alert_id, else its workflow's trigger). */
  readonly triggerSeenAtMs?: number;
}

export interface EnforcementOutcome {
  /** What the attacker's connection attempt after the block ended as. */
  readonly probeResult: string;
  readonly xdpDroppedBefore: number;
  readonly xdpDroppedAfter: number;
  /** Packets from the attacker a capture on the victim's interface saw after the block. */
  readonly packetsReceivedByVictim: number;
  /** Connections the victim's services accepted from the attacker after the block. */
  readonly connectionsAccepted: number;
}

export interface AuditOutcome {
  readonly alertEntries: AuditedEntry[];
  readonly actionEntries: AuditedEntry[];
  /** Alerts of the scenario without an audit entry. */
  readonly missingAlertIds: string[];
  readonly verifyOk: boolean;
  readonly verifyOutput: string[];
}

/** The deception act: a planted credential used against an SSH decoy, and what Omega made of it. */
export interface DeceptionOutcome {
  readonly honeytokenId: string;
  readonly placement: string;
  readonly decoyId: string;
  /** Exit code and output of the intruder's `ssh … 'id; hostname'` on the decoy. */
  readonly intruderExit: number;
  readonly intruderOutput: string;
  /** The "Honeytoken … used by …" alert and when the demo saw it. */
  readonly alert: Alert;
  readonly alertSeenAtMs: number;
  /** When the intruder's ssh started. */
  readonly startedAtMs: number;
  readonly honeytokenStatus: HoneytokenStatus;
  readonly triggerCount: number;
  /** The alert's entry in trust's audit log, its inclusion proof checked. */
  readonly auditEntry?: AuditedEntry;
  /** The honeytoken-used playbook's message to the team channel about the alert. */
  readonly teamMessage?: string;
}

export interface DemoReport {
  readonly mode: DemoMode;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly steps: StepOutcome[];
  /** Every alert seen during the run, scenario or not. */
  readonly alerts: Alert[];
  /** Distinct incident ids on the scenario's alerts. */
  readonly incidentIds: string[];
  readonly workflows: WorkflowOutcome[];
  /** What the playbooks' notify steps delivered to the demo's team channel. */
  readonly teamMessages: string[];
  readonly block?: BlockOutcome;
  readonly enforcement?: EnforcementOutcome;
  readonly audit?: AuditOutcome;
  readonly deception?: DeceptionOutcome;
  /** ERROR/FATAL log lines and crashes of any service. */
  readonly serviceErrors: string[];
  readonly failures: StageFailure[];
}

/** The report of a run that stopped before the attack (the stack did not come up). */
export function emptyReport(
  mode: DemoMode,
  startedAtMs: number,
  serviceErrors: string[],
  failures: StageFailure[],
): DemoReport {
  return {
    mode,
    startedAtMs,
    durationMs: Date.now() - startedAtMs,
    steps: [],
    alerts: [],
    incidentIds: [],
    workflows: [],
    teamMessages: [],
    serviceErrors,
    failures,
  };
}
