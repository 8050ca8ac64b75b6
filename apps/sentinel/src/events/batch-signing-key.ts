// The key each EventBatch is signed with: the identity trust issued when the sentinel enrolled,
// otherwise a local hybrid key kept in the sentinel's data directory (0600) until trust is there.
import { constants } from 'node:fs';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  generateHybridSecretKey,
  HybridSigner,
  loadMlDsaBackend,
  secretKeyFromText,
  secretKeyToText,
} from '@omega/crypto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { CredentialSource } from '@omega/trust-client';

export const LOCAL_KEY_FILE = 'batch-signing.key';

/** Who signs the batches, as the publisher needs it: the sender id and the current signer. */
export interface BatchSigning {
  /** EventBatch.sender.id */
  readonly senderId: string;
  /** Whether the key was issued by trust or is local. */
  readonly source: 'trust' | 'local';
  /** The signer to use now (trust renews keys: ask per batch). */
  signer(): HybridSigner;
}

export interface BatchSigningOptions {
  /** The enrolled identity, when the service enrolled with trust. */
  identity?: (CredentialSource & { readonly subject: string }) | undefined;
  /** Where the local key lives when there is no identity. */
  dataDir: string;
  /** Sender id for batches signed with the local key. */
  localSenderId: string;
  logger: Logger;
}

export async function batchSigning(options: BatchSigningOptions): Promise<BatchSigning> {
  const { identity, logger } = options;
  if (identity) {
    logger.info({ subject: identity.subject }, `signing telemetry batches as ${identity.subject}`);
    return { senderId: identity.subject, source: 'trust', signer: () => identity.current().signer };
  }
  const signer = await localSigner(options.dataDir);
  logger.info(
    { keyId: signer.keyId, dataDir: options.dataDir },
    `signing telemetry batches with the local key ${signer.keyId} (no trust identity; enrollment.mode is off)`,
  );
  return { senderId: options.localSenderId, source: 'local', signer: () => signer };
}

/** Reads the local key, or creates it (0600, never overwriting one a concurrent start wrote). */
export async function localSigner(dataDir: string): Promise<HybridSigner> {
  const path = join(dataDir, LOCAL_KEY_FILE);
  const mlDsa = await loadMlDsaBackend();
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `sentinel.dataDir ${dataDir}: cannot create it for the batch signing key: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new OmegaError(Code.FailedPrecondition, `${path}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
  if (text === undefined) {
    const secretKey = generateHybridSecretKey(mlDsa);
    const file = await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      0o600,
    ).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return undefined;
      throw new OmegaError(Code.FailedPrecondition, `${path}: ${errorMessage(err)}`, {
        cause: err,
      });
    });
    if (!file) return localSigner(dataDir); // another start created it first: use theirs
    try {
      await file.writeFile(secretKeyToText(secretKey));
    } finally {
      await file.close();
    }
    return new HybridSigner(secretKey, mlDsa);
  }
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) await chmod(path, 0o600); // a key others can read is tightened, not trusted less
  try {
    return new HybridSigner(secretKeyFromText(text), mlDsa);
  } catch (err) {
    throw new OmegaError(
      Code.DataLoss,
      `${path}: not a hybrid secret key (${errorMessage(err)}); move it away to have a new one generated`,
      { cause: err },
    );
  }
}
