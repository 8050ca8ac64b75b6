// The offline proof an append returns: entry, index, inclusion proof and signed checkpoint note.
import { AuditEntry } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/errors';
import { type Checkpoint } from './checkpoint';
import { verifyCheckpoint, type CheckpointPolicy } from './checkpoint-verifier';
import { verifyCommitmentOpening, type CommitmentOpening } from './commitment';
import { verifyInclusion } from './inclusion-proof';
import { hashLeaf } from './merkle-hash';

/** payload_type of a leaf whose payload is a salted commitment to the real entry. */
export const COMMITTED_ENTRY_TYPE = 'omega.auditlog.Commitment';

/** Everything needed to prove, with no network, that an entry is in the log. */
export interface AuditBundle {
  /** The log's origin line. */
  readonly origin: string;
  /** Zero-based leaf index. */
  readonly index: number;
  /** The leaf: the encoded AuditEntry exactly as hashed. */
  readonly entry: Uint8Array;
  /** RFC 9162 inclusion proof of `index` in the checkpoint's tree. */
  readonly inclusionProof: readonly Uint8Array[];
  /** The C2SP signed checkpoint note (Ed25519 and ML-DSA-65 lines). */
  readonly checkpoint: string;
  /** For a committed entry: the salt and the real encoded entry (keep them secret). */
  readonly opening?: CommitmentOpening;
}

/** What a verified bundle says. */
export interface VerifiedBundle {
  readonly checkpoint: Checkpoint;
  /** The leaf as logged (for a committed entry: kind, time and the commitment). */
  readonly logged: AuditEntry;
  /** The real entry behind a commitment, when the bundle carries its opening. */
  readonly revealed?: AuditEntry;
}

/** The JSON form written to disk and handed between tools (bytes in base64). */
export function bundleToJson(bundle: AuditBundle): string {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return `${JSON.stringify(
    {
      origin: bundle.origin,
      index: bundle.index,
      entry: b64(bundle.entry),
      inclusionProof: bundle.inclusionProof.map(b64),
      checkpoint: bundle.checkpoint,
      ...(bundle.opening
        ? { opening: { salt: b64(bundle.opening.salt), body: b64(bundle.opening.body) } }
        : {}),
    },
    null,
    2,
  )}\n`;
}

/** Parses bundleToJson's form; InvalidArgument names the field that is wrong. */
export function bundleFromJson(text: string, source = 'audit bundle'): AuditBundle {
  const fail = (detail: string) => new OmegaError(Code.InvalidArgument, `${source}: ${detail}`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw fail(`not JSON: ${errorMessage(err)}`);
  }
  const bytes = (value: unknown, field: string): Uint8Array => {
    if (typeof value !== 'string') throw fail(`${field} is not a base64 string`);
    return new Uint8Array(Buffer.from(value, 'base64'));
  };
  if (typeof raw['origin'] !== 'string') throw fail('origin is not a string');
  if (!Number.isSafeInteger(raw['index']) || (raw['index'] as number) < 0) {
    throw fail('index is not a non-negative integer');
  }
  if (typeof raw['checkpoint'] !== 'string') throw fail('checkpoint is not a string');
  if (!Array.isArray(raw['inclusionProof'])) throw fail('inclusionProof is not an array');
  const opening = raw['opening'] as Record<string, unknown> | undefined;
  return {
    origin: raw['origin'],
    index: raw['index'] as number,
    entry: bytes(raw['entry'], 'entry'),
    inclusionProof: raw['inclusionProof'].map((h, i) => bytes(h, `inclusionProof[${i}]`)),
    checkpoint: raw['checkpoint'],
    ...(opening
      ? {
          opening: {
            salt: bytes(opening['salt'], 'opening.salt'),
            body: bytes(opening['body'], 'opening.body'),
          },
        }
      : {}),
  };
}

/**
 * Verifies a bundle against a pinned log policy, alone. Checks, in order, each failure naming its
 * check: `checkpoint signature` (origin, both signatures by the pinned key), `inclusion` (the
 * entry's leaf hash leads to the checkpoint's root), `entry` (the leaf decodes) and, for a
 * committed entry with its opening, `commitment`.
 */
export async function verifyBundle(
  bundle: AuditBundle,
  policy: CheckpointPolicy,
): Promise<VerifiedBundle> {
  const fail = (check: string, err: unknown) =>
    OmegaError.wrap(err, `audit bundle for entry ${bundle.index}: ${check} check failed`);
  let checkpoint: Checkpoint;
  try {
    ({ checkpoint } = await verifyCheckpoint(bundle.checkpoint, policy));
  } catch (err) {
    throw fail('checkpoint signature', err);
  }
  try {
    if (bundle.index >= checkpoint.size) {
      throw new OmegaError(
        Code.DataLoss,
        `index ${bundle.index} is beyond the checkpoint's tree size ${checkpoint.size}`,
      );
    }
    verifyInclusion(
      hashLeaf(bundle.entry),
      bundle.index,
      checkpoint.size,
      bundle.inclusionProof,
      checkpoint.rootHash,
    );
  } catch (err) {
    throw fail('inclusion', err);
  }
  let logged: AuditEntry;
  try {
    logged = AuditEntry.decode(bundle.entry);
  } catch (err) {
    throw fail('entry', new OmegaError(Code.DataLoss, `not an AuditEntry: ${errorMessage(err)}`));
  }
  if (!bundle.opening) return { checkpoint, logged };
  try {
    if (logged.payloadType !== COMMITTED_ENTRY_TYPE) {
      throw new OmegaError(
        Code.InvalidArgument,
        'the bundle has an opening but the entry is not committed',
      );
    }
    verifyCommitmentOpening(logged.payload, bundle.opening);
    return { checkpoint, logged, revealed: AuditEntry.decode(bundle.opening.body) };
  } catch (err) {
    throw fail('commitment', err);
  }
}
