// Signing checkpoints and verifying them against pinned keys with a policy (Ed25519 + ML-DSA-65).
import { Code, OmegaError } from '@omega/errors';
import { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint';
import {
  DEFAULT_NOTE_LIMITS,
  parseSignedNote,
  signNote,
  verifyKnownSignatures,
  verifyNote,
  type NoteAlgorithm,
  type NoteLimits,
  type NoteSigner,
  type NoteVerifier,
  type SignedNote,
} from './signed-note';

/** Hybrid by default: a checkpoint is trusted only with both a classical and a post-quantum signature. */
export const DEFAULT_REQUIRED_ALGORITHMS: readonly NoteAlgorithm[] = ['ed25519', 'ml-dsa-65'];

/** What a client pins about a log. */
export interface CheckpointPolicy {
  /** The log's origin line; a checkpoint for any other origin is rejected. */
  readonly origin: string;
  /** The log's public keys. */
  readonly verifiers: readonly NoteVerifier[];
  /**
   * For each algorithm, at least one pinned key of that algorithm must have signed. Defaults to
   * DEFAULT_REQUIRED_ALGORITHMS; an empty list accepts any one verified pinned signature.
   */
  readonly requiredAlgorithms?: readonly NoteAlgorithm[];
  readonly limits?: NoteLimits;
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: SignedNote;
  /** The pinned keys whose signatures verified. */
  readonly verifiedBy: readonly NoteVerifier[];
}

/** The signed checkpoint note, signed by every signer in order (e.g. Ed25519 then ML-DSA-65). */
export function signCheckpoint(
  checkpoint: Checkpoint,
  signers: readonly NoteSigner[],
  limits: NoteLimits = DEFAULT_NOTE_LIMITS,
): Promise<string> {
  return signNote(formatCheckpoint(checkpoint), signers, limits);
}

/**
 * Parses and verifies a signed checkpoint. Rejects, with a message saying which check failed: a
 * malformed note or checkpoint (InvalidArgument, with the line), another log's origin
 * (InvalidArgument, `unknown origin`), a pinned key's signature that does not verify (DataLoss,
 * `ed25519 signature from <name> does not verify`), and a required algorithm with no verified
 * signature (DataLoss, `no signature from <name> ml-dsa-65`).
 */
export async function verifyCheckpoint(
  note: string | Uint8Array,
  policy: CheckpointPolicy,
): Promise<VerifiedCheckpoint> {
  const required = policy.requiredAlgorithms ?? DEFAULT_REQUIRED_ALGORITHMS;
  for (const algorithm of required) {
    if (!policy.verifiers.some((v) => v.algorithm === algorithm)) {
      throw new OmegaError(
        Code.InvalidArgument,
        `checkpoint policy: requires a ${algorithm} signature but pins no ${algorithm} key`,
      );
    }
  }
  let parsed: SignedNote;
  try {
    parsed = parseSignedNote(note, policy.limits ?? DEFAULT_NOTE_LIMITS);
  } catch (err) {
    throw OmegaError.wrap(err, 'checkpoint', Code.InvalidArgument);
  }
  const checkpoint = parseCheckpoint(parsed.text);
  if (checkpoint.origin !== policy.origin) {
    throw new OmegaError(
      Code.InvalidArgument,
      `checkpoint: unknown origin ${JSON.stringify(checkpoint.origin)}, want ${JSON.stringify(policy.origin)}`,
    );
  }
  const verifiedBy =
    required.length === 0
      ? await verifyNote(parsed, policy.verifiers, 'checkpoint')
      : await verifyKnownSignatures(parsed, policy.verifiers, 'checkpoint');
  for (const algorithm of required) {
    if (!verifiedBy.some((v) => v.algorithm === algorithm)) {
      const names = policy.verifiers
        .filter((v) => v.algorithm === algorithm)
        .map((v) => v.name)
        .join(' or ');
      throw new OmegaError(Code.DataLoss, `checkpoint: no signature from ${names} ${algorithm}`);
    }
  }
  return { checkpoint, note: parsed, verifiedBy };
}
