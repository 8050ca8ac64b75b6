// Every action attempt's outcome goes to the trust audit log (TrustService.AppendAudit) before
// the step may complete: an ACTION entry whose payload is the ActionResult. The request id is
// the attempt's task id, so a retried append after a lost answer logs the outcome once. If the
// log cannot be written, the step fails (retryable): an unaudited action never counts as done.
// Actions are logged after they run, not before, because the entry records what they did (the
// omega_policy key and revision a block_ip wrote, its expiry): every action is idempotent for its
// workflow, so the retried step runs it again (a no-op) and appends until the entry is logged.
// The entry's actor is the orchestrator's identity and its subject the workflow that asked.
import { ActionResult, AuditEntry, AuditEntryKind } from '@omega/proto';
import { Code } from '@omega/runtime';
import type { AuditClient } from '@omega/trust-client';
import { ActivityError, type Activity, type ActivityContext } from '@omega/workflow';

export interface ActionAuditor {
  record(
    action: string,
    ctx: ActivityContext,
    outcome: { outputs?: Record<string, string>; error?: ActivityError },
  ): Promise<string>;
}

/** Logs through `log` (trustAuditClient: its per-call deadline is the append's). */
export function trustAuditor(log: AuditClient, actor: string): ActionAuditor {
  return {
    async record(action, ctx, outcome) {
      const taskId = `${ctx.idempotencyKey}/${ctx.attempt}`;
      const result = ActionResult.fromPartial({
        taskId,
        success: outcome.error === undefined,
        error: outcome.error?.message ?? '',
        retryable: outcome.error?.retryable ?? false,
        outputs: outcome.outputs ?? {},
        finishTimeNs: BigInt(Date.now()) * 1_000_000n,
        executor: { id: actor, keyId: '' },
      });
      const params = Object.entries(ctx.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      const entry = AuditEntry.fromPartial({
        kind: AuditEntryKind.AUDIT_ENTRY_KIND_ACTION,
        timeNs: result.finishTimeNs,
        actor: { id: actor, keyId: '' },
        subject: ctx.workflowId,
        summary: summaryOf(
          `${action}${ctx.dryRun ? ' (dry run)' : ''} ${params}${outputsText(outcome.outputs)}`,
          `: ${outcome.error ? `failed: ${outcome.error.message}` : 'ok'} [${taskId}]`,
        ),
        payloadType: 'omega.v1.ActionResult',
        payload: Buffer.from(ActionResult.encode(result).finish()),
      });
      const ref = await log.append(entry, {
        requestId: `orchestrator:${taskId}`,
        signal: ctx.signal,
      });
      return String(ref.logIndex);
    },
  };
}

/** ` -> key=… revision=…`: what the action changed, as its outputs say. */
function outputsText(outputs: Record<string, string> | undefined): string {
  const pairs = Object.entries(outputs ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? '' : ` -> ${pairs.join(' ')}`;
}

/** At most 500 characters, cutting the head so the outcome and task id always end the line. */
function summaryOf(head: string, outcome: string): string {
  return `${head.slice(0, Math.max(0, 500 - outcome.length))}${outcome}`;
}

/** Runs the action, then logs its outcome; the step's outputs name the audit log index. */
export function audited(action: string, activity: Activity, auditor: ActionAuditor): Activity {
  return async (ctx) => {
    let outputs: Record<string, string>;
    try {
      outputs = await activity(ctx);
    } catch (err) {
      const error = ActivityError.from(err);
      await recordOrFail(auditor, action, ctx, { error });
      throw error;
    }
    const logIndex = await recordOrFail(auditor, action, ctx, { outputs });
    return { ...outputs, audit_log_index: logIndex };
  };
}

async function recordOrFail(
  auditor: ActionAuditor,
  action: string,
  ctx: ActivityContext,
  outcome: { outputs?: Record<string, string>; error?: ActivityError },
): Promise<string> {
  try {
    return await auditor.record(action, ctx, outcome);
  } catch (err) {
    const cause = ActivityError.from(err);
    // Retried whatever the cause: an unaudited action never counts as done.
    throw ActivityError.transient(
      Code.Unavailable,
      `${action}: ${outcome.error ? `failed (${outcome.error.message}) and ` : ''}its audit entry could not be written: ${cause.message}`,
      { cause: err },
    );
  }
}
