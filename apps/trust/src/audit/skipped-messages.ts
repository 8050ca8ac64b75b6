// Junk in AUDIT that restore steps over: each skipped message is logged with its stream sequence,
// subject and reason, and counted by reason, so one bad message never wedges the log.
import type { Logger } from '@omega/runtime';
import type { AuditLogMetrics } from '../trust-metrics';

/** Why a message was skipped; the `reason` label of omega_trust_audit_skipped_messages_total. */
export type SkipReason =
  /** Not an omega.v1.Checkpoint message, or its note does not parse. */
  | 'checkpoint_undecodable'
  /** Names another log key, or its signatures do not verify with the log key. */
  | 'checkpoint_not_signed_by_log_key'
  /** No valid Omega-Audit-Leaf-Seq header. */
  | 'checkpoint_no_leaf_seq'
  /** Signed by the log key but smaller than the checkpoint this trust recorded (a replay). */
  | 'checkpoint_stale'
  /** No valid Omega-Audit-Index header, or a packed body that does not match its header. */
  | 'leaf_malformed'
  /** Its index is not the next one of the tree. */
  | 'leaf_wrong_index'
  /** A leaf that is not an encoded AuditEntry within the entry size limit. */
  | 'leaf_not_an_entry';

export interface SkippedMessage {
  readonly seq: number;
  readonly subject: string;
  readonly reason: SkipReason;
  /** What exactly was wrong, for the log line. */
  readonly detail: string;
}

export type SkipReporter = (skipped: SkippedMessage) => void;

/** Logs a warning naming the message and counts it. */
export function skipReporter(logger: Logger, metrics?: AuditLogMetrics): SkipReporter {
  return ({ seq, subject, reason, detail }) => {
    metrics?.skippedMessages.inc({ reason });
    logger.warn(
      { stream: 'AUDIT', seq, subject, reason },
      `audit log: skipped the message at stream AUDIT seq ${seq} on ${subject} (${reason}): ${detail}; it is not part of the log`,
    );
  };
}
