// Trust's own writers (identity code) append to the audit log in process, through the AuditClient
// interface services use over gRPC.
import type { AuditClient } from '@omega/trust-client';
import type { AuditLog } from './audit-log';

/**
 * `log` as an AuditClient: the answer is the bundle's own index, leaf hash and checkpoint size.
 * An append in process is not abandoned half-way, so `signal` is not consulted.
 */
export function auditLogClient(log: Pick<AuditLog, 'append'>): AuditClient {
  return {
    async append(entry, options = {}) {
      const bundle = await log.append(
        entry,
        options.requestId !== undefined ? { requestId: options.requestId } : {},
      );
      return {
        logIndex: BigInt(bundle.index),
        leafHash: Buffer.from(bundle.leafHash),
        checkpointSize: BigInt(bundle.checkpointSize),
      };
    },
  };
}
