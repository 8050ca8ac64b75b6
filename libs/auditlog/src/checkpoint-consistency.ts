// The client-side check that a new checkpoint extends one seen before: no fork, no rollback.
import { Code, OmegaError } from '@omega/errors';
import { bytesEqual, toHex } from './bytes';
import type { Checkpoint } from './checkpoint';
import { verifyConsistency } from './consistency-proof';
import { EMPTY_ROOT } from './merkle-hash';

/**
 * Checks that `next` is an append-only extension of `previous` (both already signature-verified,
 * same origin) using the consistency proof from previous.size to next.size. Throws DataLoss whose
 * message starts with `log rolled back` (next is smaller) or `log forked` (same size with another
 * root, or a proof that does not verify: the two checkpoints cannot both be honest).
 */
export function verifyCheckpointConsistency(
  previous: Checkpoint,
  next: Checkpoint,
  proof: readonly Uint8Array[],
): void {
  if (previous.origin !== next.origin) {
    throw new OmegaError(
      Code.InvalidArgument,
      `checkpoint consistency: origin ${JSON.stringify(next.origin)} is not the previously seen ${JSON.stringify(previous.origin)}`,
    );
  }
  const where = `log ${previous.origin}`;
  if (next.size < previous.size) {
    throw new OmegaError(
      Code.DataLoss,
      `log rolled back: ${where} is at size ${next.size}, smaller than the previously seen size ${previous.size}`,
    );
  }
  if (next.size === previous.size && !bytesEqual(next.rootHash, previous.rootHash)) {
    throw new OmegaError(
      Code.DataLoss,
      `log forked: ${where} has two roots at size ${next.size}: ${toHex(next.rootHash)} now, ${toHex(previous.rootHash)} seen before`,
    );
  }
  if (previous.size === 0) {
    // Every tree extends the empty one; there is no proof to check, only the empty root itself.
    if (!bytesEqual(previous.rootHash, EMPTY_ROOT)) {
      throw new OmegaError(
        Code.DataLoss,
        `log forked: ${where} signed size 0 with root ${toHex(previous.rootHash)}, not the empty-tree root`,
      );
    }
    if (proof.length !== 0) {
      throw new OmegaError(
        Code.InvalidArgument,
        `checkpoint consistency: a proof from size 0 must be empty, got ${proof.length} hashes`,
      );
    }
    return;
  }
  try {
    verifyConsistency(previous.size, next.size, proof, previous.rootHash, next.rootHash);
  } catch (err) {
    throw OmegaError.wrap(
      err,
      `log forked: ${where} size ${next.size} is not proven consistent with the previously seen size ${previous.size}`,
      Code.DataLoss,
    );
  }
}
