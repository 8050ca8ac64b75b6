// A witness's side of C2SP tlog-witness add-checkpoint: the request's wire form, and the decision
// to cosign a checkpoint only when the log key signed it and it extends, by a verified consistency
// proof, the last checkpoint this witness cosigned. Pure: state and time are passed in.
import { Code, OmegaError, errorMessage } from '@omega/errors';
import { fromBase64Strict, toBase64 } from './bytes';
import type { Checkpoint } from './checkpoint';
import { verifyCheckpointConsistency } from './checkpoint-consistency';
import { verifyCheckpoint, type CheckpointPolicy } from './checkpoint-verifier';

/** The body of POST /add-checkpoint. */
export interface AddCheckpointRequest {
  /** The size of the checkpoint the client believes the witness last cosigned (0 for none). */
  readonly oldSize: number;
  /** Consistency proof from oldSize to the new checkpoint's size. */
  readonly proof: readonly Uint8Array[];
  /** The log's signed checkpoint note. */
  readonly note: string;
}

/** `old <size>\n`, one base64 proof hash per line, a blank line, then the checkpoint note. */
export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  const proof = request.proof.map((hash) => `${toBase64(hash)}\n`).join('');
  return `old ${request.oldSize}\n${proof}\n${request.note}`;
}

export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const bad = (why: string) => new OmegaError(Code.InvalidArgument, `add-checkpoint: ${why}`);
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw bad('no blank line before the checkpoint');
  const [first, ...hashes] = body.slice(0, blank).split('\n');
  const old = /^old (0|[1-9]\d{0,15})$/.exec(first ?? '');
  if (!old) throw bad(`first line ${JSON.stringify(first)} is not "old <size>"`);
  if (hashes.length > 63) throw bad(`${hashes.length} proof lines, at most 63`);
  const proof = hashes.map((line, i) => {
    const hash = fromBase64Strict(line);
    if (!hash || hash.length !== 32) throw bad(`proof line ${i + 1} is not a base64 SHA-256 hash`);
    return hash;
  });
  return { oldSize: Number(old[1]), proof, note: body.slice(blank + 2) };
}

/** What a witness decides about a request. */
export type WitnessDecision =
  | { readonly kind: 'cosign'; readonly checkpoint: Checkpoint }
  /** The request's old size is not the witness's: the client retries from `latestSize`. */
  | { readonly kind: 'conflict'; readonly latestSize: number };

/**
 * Decides on `request` given the last checkpoint this witness cosigned (undefined for none):
 * cosign when `policy` verifies the note and it extends `latest` by the proof. Throws
 * PermissionDenied for a note the log key did not sign, InvalidArgument for a malformed one, and
 * DataLoss (`log rolled back` / `log forked`) for one that does not extend `latest`.
 */
export async function decideAddCheckpoint(
  request: AddCheckpointRequest,
  latest: Checkpoint | undefined,
  policy: CheckpointPolicy,
): Promise<WitnessDecision> {
  let checkpoint: Checkpoint;
  try {
    ({ checkpoint } = await verifyCheckpoint(request.note, policy));
  } catch (err) {
    throw new OmegaError(
      Code.PermissionDenied,
      `add-checkpoint: the checkpoint does not verify with the log key: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  const latestSize = latest?.size ?? 0;
  if (request.oldSize !== latestSize) return { kind: 'conflict', latestSize };
  if (checkpoint.size < request.oldSize) {
    throw new OmegaError(
      Code.InvalidArgument,
      `add-checkpoint: the checkpoint's size ${checkpoint.size} is below old size ${request.oldSize}`,
    );
  }
  if (latest) verifyCheckpointConsistency(latest, checkpoint, request.proof);
  else if (request.proof.length > 0) {
    throw new OmegaError(Code.InvalidArgument, 'add-checkpoint: a proof from size 0 must be empty');
  }
  return { kind: 'cosign', checkpoint };
}
