// Subject names for every Omega stream, built from validated tokens so a caller's value can never
// widen a subject (a '.' adds a level, '*' or '>' would turn a publish into a wildcard).
import { Code, OmegaError } from '@omega/runtime';

const MAX_TOKEN_LENGTH = 256;

/** The first character that cannot appear in a subject token, with its index, or undefined. */
function forbiddenCharacter(value: string): { shown: string; index: number } | undefined {
  for (let index = 0; index < value.length; index++) {
    const ch = value[index] as string;
    if (ch === '.' || ch === '*' || ch === '>') return { shown: `'${ch}'`, index };
    const code = ch.charCodeAt(0);
    if (code <= 0x20 || code === 0x7f || /\s/u.test(ch)) {
      return { shown: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`, index };
    }
  }
  return undefined;
}

/**
 * Returns `value` if it is usable as one subject token, else throws OmegaError(InvalidArgument)
 * naming the builder argument, the token and the offending character.
 */
export function subjectToken(value: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new OmegaError(Code.InvalidArgument, `subject token ${what} must be a non-empty string`);
  }
  if (value.length > MAX_TOKEN_LENGTH) {
    throw new OmegaError(
      Code.InvalidArgument,
      `subject token ${what} is ${value.length} characters long; at most ${MAX_TOKEN_LENGTH} are allowed`,
    );
  }
  const bad = forbiddenCharacter(value);
  if (bad) {
    throw new OmegaError(
      Code.InvalidArgument,
      `subject token ${what}=${JSON.stringify(value)} contains ${bad.shown} at index ${bad.index}; ` +
        `tokens must not contain '.', '*', '>' or whitespace`,
    );
  }
  return value;
}

/** Subject builders, one per stream (ARCHITECTURE.md "Names"). */
export const subjects = {
  /** `omega.telemetry.<kind>.<node>` → TELEMETRY */
  telemetry: (kind: string, node: string): string =>
    `omega.telemetry.${subjectToken(kind, 'telemetry.kind')}.${subjectToken(node, 'telemetry.node')}`,
  /** `omega.alerts.<severity>` → ALERTS */
  alerts: (severity: string): string => `omega.alerts.${subjectToken(severity, 'alerts.severity')}`,
  /** `omega.tasks.<playbook>` → TASKS (work queue) */
  tasks: (playbook: string): string => `omega.tasks.${subjectToken(playbook, 'tasks.playbook')}`,
  /** `omega.wf.<workflowId>` → WORKFLOWS (one subject per workflow: its event history) */
  workflow: (id: string): string => `omega.wf.${subjectToken(id, 'workflow.id')}`,
  /** `omega.deception.<decoy>` → DECEPTION */
  deception: (decoy: string): string => `omega.deception.${subjectToken(decoy, 'deception.decoy')}`,
  /** `omega.deception.file.<node>` → DECEPTION (honeytoken files opened, as a node's sentinel saw) */
  deceptionFile: (node: string): string =>
    `omega.deception.file.${subjectToken(node, 'deception.node')}`,
  /** `omega.dlq.<stream>.<consumer>` → DLQ (dead letters of one durable consumer) */
  dlq: (stream: string, consumer: string): string =>
    `omega.dlq.${subjectToken(stream, 'dlq.stream')}.${subjectToken(consumer, 'dlq.consumer')}`,
  /** `omega.audit.leaves` → AUDIT (Merkle log leaves) */
  auditLeaves: 'omega.audit.leaves',
  /** `omega.audit.checkpoints` → AUDIT (signed checkpoints) */
  auditCheckpoints: 'omega.audit.checkpoints',
} as const;
