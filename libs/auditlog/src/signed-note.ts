// C2SP signed-note: text signed by one or more keys, each signature line `— <name> base64(keyhash||sig)`.
import { createHash } from 'node:crypto';
import { Code, OmegaError } from '@omega/errors';
import { bytesEqual, fromBase64Strict, toBase64 } from './bytes';

/** The signature algorithms Omega's notes use; see ed25519-note-key.ts and ml-dsa-note-key.ts. */
export type NoteAlgorithm = 'ed25519' | 'ml-dsa-65';

/** Signs note text. `keyHash` is the 4-byte key ID that starts every signature it makes. */
export interface NoteSigner {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly algorithm: NoteAlgorithm;
  sign(message: Uint8Array): Promise<Uint8Array> | Uint8Array;
}

/** Verifies signatures made by the key named `name` with key ID `keyHash`. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly algorithm: NoteAlgorithm;
  verify(message: Uint8Array, signature: Uint8Array): boolean | Promise<boolean>;
}

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  /** The 4-byte key ID (big-endian uint32 in the spec). */
  readonly keyHash: Uint8Array;
  /** The signature proper, without the key ID. */
  readonly signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text, ending in a newline; the separating blank line is not part of it. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** Bounds a parser applies before doing any work, so a hostile note cannot cost much. */
export interface NoteLimits {
  /** Whole note in UTF-8 bytes. */
  readonly maxNoteBytes: number;
  /** The spec requires accepting at least 16. */
  readonly maxSignatures: number;
}

/** 32 signatures (twice the spec's minimum) of up to ~4.5 KiB of base64 each (ML-DSA-65). */
export const DEFAULT_NOTE_LIMITS: NoteLimits = { maxNoteBytes: 256 * 1024, maxSignatures: 32 };

export const KEY_HASH_SIZE = 4;

const EM_DASH_SPACE = '\u2014 ';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const BAD_NAME = /[\s+]/u;

/**
 * The recommended key ID: SHA-256(name || "\n" || signature type || public key)[:4]. The signature
 * type is one byte for assigned types (0x01 Ed25519) or 0xff plus an identifier (ours for ML-DSA-65).
 */
export function noteKeyHash(
  name: string,
  signatureType: Uint8Array,
  publicKey: Uint8Array,
): Uint8Array {
  checkKeyName(name, 'note key');
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update('\n')
    .update(signatureType)
    .update(publicKey)
    .digest();
  return Uint8Array.from(digest.subarray(0, KEY_HASH_SIZE));
}

/** Key names are non-empty and contain no Unicode space and no `+`. */
export function checkKeyName(name: string, context: string): void {
  if (name.length === 0 || BAD_NAME.test(name) || LONE_SURROGATE.test(name) || CONTROL.test(name)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${context}: key name ${JSON.stringify(name)} is empty or contains a space, a plus or a control character`,
    );
  }
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function checkText(text: string, context: string, maxBytes: number): void {
  const invalid = (why: string) => new OmegaError(Code.InvalidArgument, `${context}: ${why}`);
  if (utf8Length(text) > maxBytes) throw invalid(`longer than ${maxBytes} bytes`);
  if (LONE_SURROGATE.test(text)) throw invalid('not valid UTF-8');
  const control = CONTROL.exec(text);
  if (control) {
    const line = text.slice(0, control.index).split('\n').length;
    throw invalid(
      `line ${line}: control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (!text.endsWith('\n')) throw invalid('does not end with a newline');
}

function decodeNote(note: string | Uint8Array, maxBytes: number): string {
  if (typeof note === 'string') return note;
  if (note.length > maxBytes) {
    throw new OmegaError(Code.InvalidArgument, `note: longer than ${maxBytes} bytes`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
  } catch (err) {
    throw new OmegaError(Code.InvalidArgument, 'note: not valid UTF-8', { cause: err });
  }
}

/**
 * Parses a signed note strictly: valid UTF-8 without control characters, ending in a newline, the
 * text separated from one or more well-formed signature lines by its last blank line. Errors name
 * the line. Signatures are not verified here (see verifyNote).
 */
export function parseSignedNote(
  note: string | Uint8Array,
  limits: NoteLimits = DEFAULT_NOTE_LIMITS,
): SignedNote {
  const whole = decodeNote(note, limits.maxNoteBytes);
  checkText(whole, 'note', limits.maxNoteBytes);
  const split = whole.lastIndexOf('\n\n');
  if (split < 0) {
    throw new OmegaError(
      Code.InvalidArgument,
      'note: no blank line separating the text from the signatures',
    );
  }
  const text = whole.slice(0, split + 1);
  const signatureLines = whole.slice(split + 2, -1);
  const firstLine = text.split('\n').length + 1;
  if (whole.length === split + 2) {
    throw new OmegaError(Code.InvalidArgument, `note: line ${firstLine}: no signature lines`);
  }
  const lines = signatureLines.split('\n');
  if (lines.length > limits.maxSignatures) {
    throw new OmegaError(
      Code.InvalidArgument,
      `note: ${lines.length} signatures, more than the limit of ${limits.maxSignatures}`,
    );
  }
  const signatures = lines.map((line, i) => parseSignatureLine(line, firstLine + i));
  return { text, signatures };
}

function parseSignatureLine(line: string, lineNumber: number): NoteSignature {
  const invalid = (why: string) =>
    new OmegaError(Code.InvalidArgument, `note: line ${lineNumber}: ${why}`);
  if (!line.startsWith(EM_DASH_SPACE)) {
    throw invalid('signature line does not start with "\u2014 " (em dash, space)');
  }
  const fields = line.slice(EM_DASH_SPACE.length).split(' ');
  if (fields.length !== 2) {
    throw invalid('signature line is not "\u2014 <key name> <base64 signature>"');
  }
  const [name, encoded] = fields as [string, string];
  if (name.length === 0 || BAD_NAME.test(name)) {
    throw invalid(`key name ${JSON.stringify(name)} is empty or contains a space or a plus`);
  }
  const bytes = fromBase64Strict(encoded);
  if (!bytes) throw invalid(`signature of ${name} is not base64`);
  if (bytes.length <= KEY_HASH_SIZE) {
    throw invalid(
      `signature of ${name} is ${bytes.length} bytes, too short for a key ID and a signature`,
    );
  }
  return {
    name,
    keyHash: bytes.slice(0, KEY_HASH_SIZE),
    signature: bytes.slice(KEY_HASH_SIZE),
  };
}

function signatureLine(signature: NoteSignature): string {
  checkKeyName(signature.name, 'note');
  if (signature.keyHash.length !== KEY_HASH_SIZE) {
    throw new OmegaError(
      Code.InvalidArgument,
      `note: key ID of ${signature.name} is ${signature.keyHash.length} bytes, want ${KEY_HASH_SIZE}`,
    );
  }
  if (signature.signature.length === 0) {
    throw new OmegaError(Code.InvalidArgument, `note: signature of ${signature.name} is empty`);
  }
  const bytes = new Uint8Array(KEY_HASH_SIZE + signature.signature.length);
  bytes.set(signature.keyHash);
  bytes.set(signature.signature, KEY_HASH_SIZE);
  return `${EM_DASH_SPACE}${signature.name} ${toBase64(bytes)}\n`;
}

/** The wire form of a note: text, a blank line, one line per signature. */
export function formatSignedNote(
  note: SignedNote,
  limits: NoteLimits = DEFAULT_NOTE_LIMITS,
): string {
  checkText(note.text, 'note text', limits.maxNoteBytes);
  if (note.signatures.length === 0) {
    throw new OmegaError(Code.InvalidArgument, 'note: no signatures');
  }
  const formatted = `${note.text}\n${note.signatures.map(signatureLine).join('')}`;
  if (utf8Length(formatted) > limits.maxNoteBytes) {
    throw new OmegaError(
      Code.InvalidArgument,
      `note: signed note is ${utf8Length(formatted)} bytes, more than the limit of ${limits.maxNoteBytes}`,
    );
  }
  return formatted;
}

/** Signs `text` (which must end in a newline) with every signer, in order, and formats the note. */
export async function signNote(
  text: string,
  signers: readonly NoteSigner[],
  limits: NoteLimits = DEFAULT_NOTE_LIMITS,
): Promise<string> {
  checkText(text, 'note text', limits.maxNoteBytes);
  const message = new TextEncoder().encode(text);
  const signatures: NoteSignature[] = [];
  for (const signer of signers) {
    let signature: Uint8Array;
    try {
      signature = await signer.sign(message);
    } catch (err) {
      throw OmegaError.wrap(err, `note: ${signer.algorithm} signer ${signer.name}`);
    }
    signatures.push({ name: signer.name, keyHash: signer.keyHash, signature });
  }
  return formatSignedNote({ text, signatures }, limits);
}

/**
 * Verifies a parsed note against known keys, per the spec: signatures from unknown keys (name and
 * key ID not both matching) are ignored; a signature from a known key that fails to verify rejects
 * the note; a note with no verified signature is rejected. Returns the verifiers that verified,
 * each once, in note order. `context` prefixes error messages (e.g. "checkpoint").
 */
export async function verifyNote(
  note: SignedNote,
  verifiers: readonly NoteVerifier[],
  context = 'note',
): Promise<NoteVerifier[]> {
  const verified = await verifyKnownSignatures(note, verifiers, context);
  if (verified.length === 0) {
    const known = verifiers.map((v) => `${v.name} ${v.algorithm}`).join(', ');
    throw new OmegaError(Code.DataLoss, `${context}: no signature from a known key (${known})`);
  }
  return verified;
}

/** verifyNote without the final "at least one" rule, for callers with a stricter policy. */
export async function verifyKnownSignatures(
  note: SignedNote,
  verifiers: readonly NoteVerifier[],
  context: string,
): Promise<NoteVerifier[]> {
  const message = new TextEncoder().encode(note.text);
  const verified: NoteVerifier[] = [];
  for (const signature of note.signatures) {
    const verifier = verifiers.find(
      (v) => v.name === signature.name && bytesEqual(v.keyHash, signature.keyHash),
    );
    if (!verifier) continue;
    let ok: boolean;
    try {
      ok = await verifier.verify(message, signature.signature);
    } catch (err) {
      throw OmegaError.wrap(err, `${context}: ${verifier.algorithm} verifier ${verifier.name}`);
    }
    if (!ok) {
      throw new OmegaError(
        Code.DataLoss,
        `${context}: ${verifier.algorithm} signature from ${verifier.name} does not verify`,
      );
    }
    if (!verified.includes(verifier)) verified.push(verifier);
  }
  return verified;
}
