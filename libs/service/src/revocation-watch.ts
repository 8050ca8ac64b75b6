// Keeps every mTLS server's view of what trust revoked: a watch on the identity records in the KV
// bucket `omega_identities` feeding RevokedCertificates, which the call authorizer consults. A
// revocation takes effect here as soon as the watch delivers trust's record update.
import type { KV } from '@nats-io/kv';
import { errorMessage, type Logger } from '@omega/runtime';
import { RevokedCertificates, decodeIdentityRecord } from '@omega/trust-client';

/** Identity records' keys (`id.<base64url subject>`); join tokens, nonces and the CA are others. */
const IDENTITY_RECORDS = 'id.>';

export interface RevocationWatch {
  readonly revoked: RevokedCertificates;
  /** Resolves once the records stored when the watch started have been read. */
  readonly initialized: Promise<void>;
  stop(): void;
}

export interface RevocationWatchOptions {
  readonly kv: KV;
  readonly logger: Logger;
  /** Told about each record that does not decode (skipped: it revokes nothing). */
  readonly onUnreadable?: (key: string, err: unknown) => void;
}

export async function watchRevocations(options: RevocationWatchOptions): Promise<RevocationWatch> {
  const { kv, logger } = options;
  const revoked = new RevokedCertificates();
  const watcher = await kv.watch({ key: IDENTITY_RECORDS });
  let markInitialized: () => void = () => {};
  const initialized = new Promise<void>((resolve) => (markInitialized = resolve));
  if (!(await anyIdentityRecord(kv))) markInitialized();
  const follow = async (): Promise<void> => {
    for await (const entry of watcher) {
      if (entry.operation !== 'PUT') {
        revoked.apply(entry.key, undefined);
      } else {
        try {
          const record = decodeIdentityRecord(
            entry.value,
            `${entry.key} revision ${entry.revision}`,
          );
          const before = revoked.size;
          revoked.apply(entry.key, record);
          if (revoked.size > before) {
            logger.warn(
              { identity: record.identity.id, revokedSerials: record.revokedSerials },
              `revocation of ${record.identity.id} now enforced: its revoked certificates are refused`,
            );
          }
        } catch (err) {
          // A record nobody can read revokes nothing; what it said before stays in force.
          options.onUnreadable?.(entry.key, err);
          logger.error(
            { err, key: entry.key, revision: entry.revision },
            `omega_identities ${entry.key} (revision ${entry.revision}) skipped by the revocation watch: ${errorMessage(err)}`,
          );
        }
      }
      if (entry.delta === 0 || entry.isUpdate) markInitialized();
    }
  };
  follow().catch((err: unknown) => {
    // Revocations stop arriving; the short credential lifetime still bounds what is missed.
    logger.error(
      { err },
      `revocation watch on omega_identities ended: ${errorMessage(err)}; revocations from now on are not seen until restart`,
    );
  });
  return { revoked, initialized, stop: () => watcher.stop() };
}

/** Whether any identity record is stored (with none, the watch delivers nothing to wait for). */
async function anyIdentityRecord(kv: KV): Promise<boolean> {
  const keys = await kv.keys(IDENTITY_RECORDS);
  for await (const key of keys) {
    if (key !== undefined) {
      keys.stop();
      return true;
    }
  }
  return false;
}
