// Salted commitments to entry bodies: the leaf reveals nothing; the opening proves the content.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Code, OmegaError } from '@omega/errors';

/** Domain separation: a commitment can never be confused with a leaf or node hash. */
export const COMMITMENT_DOMAIN = 'omega/auditlog/commitment/v1\0';
export const COMMITMENT_SALT_SIZE = 32;
export const COMMITMENT_SIZE = 32;

/** What the holder keeps to prove the content behind a commitment. */
export interface CommitmentOpening {
  /** 32 secret random bytes, chosen by the caller (this lib has no randomness). */
  readonly salt: Uint8Array;
  readonly body: Uint8Array;
}

function checkSalt(salt: Uint8Array): void {
  if (salt.length !== COMMITMENT_SALT_SIZE) {
    throw new OmegaError(
      Code.InvalidArgument,
      `commitment: salt is ${salt.length} bytes, want ${COMMITMENT_SALT_SIZE}`,
    );
  }
}

/** SHA-256(COMMITMENT_DOMAIN || salt || body). */
export function commitToEntry(opening: CommitmentOpening): Uint8Array {
  checkSalt(opening.salt);
  return Uint8Array.from(
    createHash('sha256')
      .update(COMMITMENT_DOMAIN, 'utf8')
      .update(opening.salt)
      .update(opening.body)
      .digest(),
  );
}

/** Checks that `opening` is what `commitment` commits to; throws DataLoss when it is not. */
export function verifyCommitmentOpening(commitment: Uint8Array, opening: CommitmentOpening): void {
  if (commitment.length !== COMMITMENT_SIZE) {
    throw new OmegaError(
      Code.InvalidArgument,
      `commitment: commitment is ${commitment.length} bytes, want ${COMMITMENT_SIZE}`,
    );
  }
  if (!timingSafeEqual(commitToEntry(opening), commitment)) {
    throw new OmegaError(Code.DataLoss, 'commitment: opening does not match (wrong salt or body)');
  }
}
