// signed-note verifier keys ("vkeys"): `<name>+<hex key ID>+<base64(type || public key)>`.
import { Code, OmegaError } from '@omega/errors';
import { bytesEqual, fromBase64Strict, toBase64, toHex } from './bytes';
import { ED25519_NOTE_TYPE, ED25519_PUBLIC_KEY_SIZE } from './ed25519-note-key';
import { ML_DSA_65_NOTE_TYPE, ML_DSA_65_PUBLIC_KEY_SIZE } from './ml-dsa-note-key';
import { checkKeyName, noteKeyHash, type NoteAlgorithm } from './signed-note';

/** A public note key as pinned in configuration. */
export interface VerifierKey {
  readonly name: string;
  readonly algorithm: NoteAlgorithm;
  readonly keyHash: Uint8Array;
  readonly publicKey: Uint8Array;
}

const TYPES: ReadonlyArray<{ algorithm: NoteAlgorithm; type: Uint8Array; keySize: number }> = [
  { algorithm: 'ed25519', type: ED25519_NOTE_TYPE, keySize: ED25519_PUBLIC_KEY_SIZE },
  { algorithm: 'ml-dsa-65', type: ML_DSA_65_NOTE_TYPE, keySize: ML_DSA_65_PUBLIC_KEY_SIZE },
];

function typeOf(algorithm: NoteAlgorithm) {
  const found = TYPES.find((t) => t.algorithm === algorithm);
  if (!found)
    throw new OmegaError(Code.InvalidArgument, `verifier key: unknown algorithm ${algorithm}`);
  return found;
}

/** The vkey text for a public key. */
export function formatVerifierKey(
  name: string,
  algorithm: NoteAlgorithm,
  publicKey: Uint8Array,
): string {
  checkKeyName(name, 'verifier key');
  const { type, keySize } = typeOf(algorithm);
  if (publicKey.length !== keySize) {
    throw new OmegaError(
      Code.InvalidArgument,
      `verifier key: ${algorithm} public key is ${publicKey.length} bytes, want ${keySize}`,
    );
  }
  const keyHash = noteKeyHash(name, type, publicKey);
  const material = new Uint8Array(type.length + publicKey.length);
  material.set(type);
  material.set(publicKey, type.length);
  return `${name}+${toHex(keyHash)}+${toBase64(material)}`;
}

/**
 * Parses a vkey of a type Omega uses (Ed25519 0x01, ML-DSA-65 0xff||"omega-auditlog/ml-dsa-65"),
 * checking that its key ID is the one the name, type and key imply.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  const invalid = (why: string) =>
    new OmegaError(
      Code.InvalidArgument,
      `verifier key ${JSON.stringify(vkey.slice(0, 80))}: ${why}`,
    );
  // Names hold no '+', so the first two separate the fields; base64 may hold more.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw invalid('not of the form <name>+<hex key ID>+<base64 key>');
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const keyText = vkey.slice(second + 1);
  checkKeyName(name, 'verifier key');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw invalid('key ID is not 8 lowercase hex digits');
  const material = fromBase64Strict(keyText);
  if (!material || material.length === 0) throw invalid('key is not base64');
  const match = TYPES.find(
    (t) =>
      material.length === t.type.length + t.keySize &&
      bytesEqual(material.subarray(0, t.type.length), t.type),
  );
  if (!match) {
    throw invalid(
      `signature type 0x${material[0]!.toString(16).padStart(2, '0')} with a ${material.length - 1}-byte key is not Ed25519 or Omega's ML-DSA-65`,
    );
  }
  const publicKey = material.slice(match.type.length);
  const keyHash = noteKeyHash(name, match.type, publicKey);
  if (toHex(keyHash) !== idHex) {
    throw invalid(`key ID ${idHex} does not match the key (want ${toHex(keyHash)})`);
  }
  return { name, algorithm: match.algorithm, keyHash, publicKey };
}
