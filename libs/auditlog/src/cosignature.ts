// C2SP tlog-cosignature (cosignature/v1, Ed25519, signature type 0x04): a witness's timestamped
// signature line on a checkpoint note, and the vkey/skey text forms of witness keys (as
// golang.org/x/mod/sumdb/note and transparency-dev/formats write them). Time is passed in.
import { Code, OmegaError } from '@omega/errors';
import { bytesEqual, fromBase64Strict, toBase64, toHex } from './bytes';
import { ed25519NoteSigner, ed25519NoteVerifier, ed25519PublicKeyOfSeed } from './ed25519-note-key';
import {
  checkKeyName,
  noteKeyHash,
  parseSignedNote,
  type NoteSignature,
  type SignedNote,
} from './signed-note';

/** signed-note's assigned signature type for timestamped Ed25519 cosignatures. */
export const COSIGNATURE_V1_TYPE: Uint8Array = Uint8Array.of(0x04);
const TIMESTAMP_BYTES = 8;
const SIGNATURE_BYTES = 64;

/** A witness's public key as a verifier knows it. */
export interface WitnessKey {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A witness's signing key: its name and RFC 8032 seed. */
export interface WitnessSigner extends WitnessKey {
  readonly seed: Uint8Array;
}

/** `<name>+<key ID hex>+<base64(0x04 || public key)>`. */
export function formatWitnessVerifierKey(key: WitnessKey): string {
  return `${key.name}+${toHex(key.keyHash)}+${toBase64(concat(COSIGNATURE_V1_TYPE, key.publicKey))}`;
}

/** `PRIVATE+KEY+<name>+<key ID hex>+<base64(0x04 || seed)>`: keep it secret. */
export function formatWitnessSignerKey(signer: WitnessSigner): string {
  return `PRIVATE+KEY+${signer.name}+${toHex(signer.keyHash)}+${toBase64(concat(COSIGNATURE_V1_TYPE, signer.seed))}`;
}

/** The witness key `name` with this seed. */
export function witnessSigner(name: string, seed: Uint8Array): WitnessSigner {
  checkKeyName(name, 'witness key');
  const publicKey = ed25519PublicKeyOfSeed(seed);
  return {
    name,
    seed: Uint8Array.from(seed),
    publicKey,
    keyHash: noteKeyHash(name, COSIGNATURE_V1_TYPE, publicKey),
  };
}

/** Parses a vkey, checking its key ID; errors say which part is wrong. */
export function parseWitnessVerifierKey(vkey: string): WitnessKey {
  // Base64 may hold `+` itself: the key is everything after the second one.
  const [name, hash, encoded] = cut(vkey.trim(), 2);
  const bad = (why: string) =>
    new OmegaError(Code.InvalidArgument, `witness key ${JSON.stringify(vkey)}: ${why}`);
  if (!name || !hash || !encoded) {
    throw bad('not <name>+<key ID hex>+<base64 key>');
  }
  const bytes = fromBase64Strict(encoded);
  if (!bytes || bytes.length !== 1 + 32 || bytes[0] !== COSIGNATURE_V1_TYPE[0]) {
    throw bad('the key is not 0x04 (cosignature/v1 Ed25519) followed by a 32-byte public key');
  }
  checkKeyName(name, 'witness key');
  const publicKey = bytes.slice(1);
  const keyHash = noteKeyHash(name, COSIGNATURE_V1_TYPE, publicKey);
  if (hash.toLowerCase() !== toHex(keyHash)) {
    throw bad(`key ID ${hash} does not match the key (want ${toHex(keyHash)})`);
  }
  return { name, keyHash, publicKey };
}

/** Parses an skey written by formatWitnessSignerKey (or Go's note/formats packages). */
export function parseWitnessSignerKey(skey: string): WitnessSigner {
  const parts = cut(skey.trim(), 4);
  const bad = (why: string) => new OmegaError(Code.InvalidArgument, `witness signer key: ${why}`);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw bad('not PRIVATE+KEY+<name>+<key ID hex>+<base64 key>');
  }
  const bytes = fromBase64Strict(parts[4]!);
  if (!bytes || bytes.length !== 1 + 32 || bytes[0] !== COSIGNATURE_V1_TYPE[0]) {
    throw bad('the key is not 0x04 (cosignature/v1 Ed25519) followed by a 32-byte seed');
  }
  const signer = witnessSigner(parts[2]!, bytes.slice(1));
  if (parts[3]!.toLowerCase() !== toHex(signer.keyHash)) {
    throw bad(`key ID ${parts[3]} does not match the key`);
  }
  return signer;
}

/** What a cosignature/v1 signs: `cosignature/v1\ntime <seconds>\n` then the checkpoint text. */
export function cosignatureV1Message(timestampSeconds: number, noteText: string): Uint8Array {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new OmegaError(
      Code.InvalidArgument,
      `cosignature: time ${timestampSeconds} is not a count`,
    );
  }
  if (noteText.split('\n').length < 4 || !noteText.endsWith('\n')) {
    throw new OmegaError(Code.InvalidArgument, 'cosignature: the note text is not a checkpoint');
  }
  return new TextEncoder().encode(`cosignature/v1\ntime ${timestampSeconds}\n${noteText}`);
}

/** The witness's signature line on checkpoint text `noteText`, timestamped `timestampSeconds`. */
export async function cosignCheckpoint(
  noteText: string,
  signer: WitnessSigner,
  timestampSeconds: number,
): Promise<NoteSignature> {
  const message = cosignatureV1Message(timestampSeconds, noteText);
  const signature = await ed25519NoteSigner(signer.name, signer.seed).sign(message);
  const timestamp = new Uint8Array(TIMESTAMP_BYTES);
  new DataView(timestamp.buffer).setBigUint64(0, BigInt(timestampSeconds));
  return { name: signer.name, keyHash: signer.keyHash, signature: concat(timestamp, signature) };
}

/**
 * Checks that `note` carries a valid cosignature of `witness` and returns its time. Throws
 * DataLoss naming the witness when there is none, or when any with its name and key ID fails.
 */
export async function verifyCosignature(
  note: string | SignedNote,
  witness: WitnessKey,
): Promise<{ timestampSeconds: number }> {
  const parsed = typeof note === 'string' ? parseSignedNote(note) : note;
  const lines = parsed.signatures.filter(
    (s) => s.name === witness.name && bytesEqual(s.keyHash, witness.keyHash),
  );
  const who = `witness ${witness.name} (key ID ${toHex(witness.keyHash)})`;
  if (lines.length === 0) {
    throw new OmegaError(
      Code.DataLoss,
      `cosignature: the checkpoint has no cosignature from ${who}`,
    );
  }
  const verifier = ed25519NoteVerifier(witness.name, witness.publicKey);
  let timestampSeconds = 0;
  for (const line of lines) {
    if (line.signature.length !== TIMESTAMP_BYTES + SIGNATURE_BYTES) {
      throw new OmegaError(
        Code.DataLoss,
        `cosignature: ${who} signed with ${line.signature.length} bytes, want ${TIMESTAMP_BYTES + SIGNATURE_BYTES}`,
      );
    }
    const time = new DataView(
      line.signature.buffer,
      line.signature.byteOffset,
      TIMESTAMP_BYTES,
    ).getBigUint64(0);
    timestampSeconds = Number(time);
    const message = cosignatureV1Message(timestampSeconds, parsed.text);
    if (!(await verifier.verify(message, line.signature.subarray(TIMESTAMP_BYTES)))) {
      throw new OmegaError(
        Code.DataLoss,
        `cosignature: ${who}'s signature (time ${timestampSeconds}) does not verify over this checkpoint`,
      );
    }
  }
  return { timestampSeconds };
}

/** `text` split at its first `count` plus signs (the last part keeps any others). */
function cut(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf('+');
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
