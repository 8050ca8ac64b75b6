// A signed checkpoint note as the omega.v1.Checkpoint message (bus and gRPC) and back.
import { Checkpoint } from '@omega/proto';
import { Code, OmegaError } from '@omega/errors';
import { parseCheckpoint } from './checkpoint';
import { ED25519_NOTE_TYPE } from './ed25519-note-key';
import { ML_DSA_65_NOTE_TYPE } from './ml-dsa-note-key';
import { formatSignedNote, noteKeyHash, parseSignedNote } from './signed-note';

/**
 * `note_body` is the signed text; `signature.ed25519` and `signature.ml_dsa` are the note's two
 * signatures (C2SP signed-note: over the text itself, not Omega's domain-separated message), and
 * `signature.key_id` the hybrid key id of the log key.
 */
export function checkpointToMessage(note: string, keyId: string, timeNs: bigint): Checkpoint {
  const parsed = parseSignedNote(note);
  const checkpoint = parseCheckpoint(parsed.text);
  const [ed25519, mlDsa] = parsed.signatures;
  if (!ed25519 || !mlDsa) {
    throw new OmegaError(Code.Internal, 'checkpoint: the log signs with two keys, found fewer');
  }
  return Checkpoint.fromPartial({
    origin: checkpoint.origin,
    treeSize: BigInt(checkpoint.size),
    rootHash: Buffer.from(checkpoint.rootHash),
    timeNs,
    signature: {
      keyId,
      ed25519: Buffer.from(ed25519.signature),
      mlDsa: Buffer.from(mlDsa.signature),
    },
    noteBody: parsed.text,
  });
}

/** The signed note a Checkpoint message carries, for a log whose key and origin are known. */
export function checkpointNoteOf(
  message: Checkpoint,
  publicKey: { readonly ed25519: Uint8Array; readonly mlDsa: Uint8Array },
): string {
  if (!message.signature) {
    throw new OmegaError(Code.InvalidArgument, 'checkpoint message: no signature');
  }
  const origin = parseCheckpoint(message.noteBody).origin;
  return formatSignedNote({
    text: message.noteBody,
    signatures: [
      {
        name: origin,
        keyHash: noteKeyHash(origin, ED25519_NOTE_TYPE, publicKey.ed25519),
        signature: message.signature.ed25519,
      },
      {
        name: origin,
        keyHash: noteKeyHash(origin, ML_DSA_65_NOTE_TYPE, publicKey.mlDsa),
        signature: message.signature.mlDsa,
      },
    ],
  });
}
