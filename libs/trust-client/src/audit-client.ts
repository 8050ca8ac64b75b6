// Appending to trust's audit log, one interface for every writer: services call trust over gRPC
// (trustAuditClient); trust's own identity code appends in process through the same interface.
import type {
  AppendAuditRequest,
  AppendAuditResponse,
  AuditEntry,
  AuditRef,
  TrustServiceClient,
} from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { callTrust, DEFAULT_CALL_TIMEOUT_MS, type Unary } from './trust-calls';

export interface AuditAppendOptions {
  /**
   * De-duplication id: an append retried with the same id (after a lost answer, a restart, by
   * another replica) answers with the first append's place instead of logging the entry twice.
   */
  readonly requestId?: string;
  /** Gives up on the append (it rejects with Code.Canceled); it may still have been logged. */
  readonly signal?: AbortSignal;
}

/** The audit log as a writer sees it. */
export interface AuditClient {
  /** Appends `entry` and resolves, once a signed checkpoint covers it, with where it landed. */
  append(entry: AuditEntry, options?: AuditAppendOptions): Promise<AuditRef>;
}

/**
 * AppendAudit on `client`, each call with a deadline of `timeoutMs`. Failures are OmegaErrors
 * carrying trust's status code and naming the method and trust's address.
 */
export function trustAuditClient(
  client: TrustServiceClient,
  timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
): AuditClient {
  const method = client.appendAudit as Unary<AppendAuditRequest, AppendAuditResponse>;
  return {
    async append(entry, options = {}) {
      const response = await callTrust(
        client,
        method,
        'AppendAudit',
        { entry, requestId: options.requestId ?? '', commit: false },
        timeoutMs,
        options.signal,
      );
      if (!response.audit) {
        throw new OmegaError(
          Code.DataLoss,
          `trust AppendAudit at ${client.getChannel().getTarget()}: the answer has no audit ref`,
        );
      }
      return response.audit;
    },
  };
}
