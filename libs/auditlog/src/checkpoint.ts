// C2SP tlog-checkpoint note text: origin, tree size, base64 root hash, optional extension lines.
import { Code, OmegaError } from '@omega/errors';
import { checkCount, fromBase64Strict, toBase64 } from './bytes';
import { HASH_SIZE } from './merkle-hash';

/** A log's signed statement of its tree head, as carried in a checkpoint note's text. */
export interface Checkpoint {
  /** The log's identity, e.g. "omega.local/audit". */
  readonly origin: string;
  /** Number of leaves. */
  readonly size: number;
  /** RFC 9162 root hash of the tree of `size` leaves. */
  readonly rootHash: Uint8Array;
  /** Opaque, non-empty extension lines (not recommended by the spec; kept for round trips). */
  readonly extensions?: readonly string[];
}

const SIZE = /^(?:0|[1-9][0-9]*)$/;

function invalid(message: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `checkpoint: ${message}`);
}

function checkLine(line: string, what: string): void {
  if (line.length === 0) throw invalid(`${what} is empty`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(line)) throw invalid(`${what} contains a control character`);
}

/** The note text of a checkpoint: the exact bytes its signatures cover. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  checkLine(checkpoint.origin, 'origin');
  checkCount(checkpoint.size, 'checkpoint: size');
  if (checkpoint.rootHash.length !== HASH_SIZE) {
    throw invalid(`root hash is ${checkpoint.rootHash.length} bytes, want ${HASH_SIZE}`);
  }
  const extensions = checkpoint.extensions ?? [];
  extensions.forEach((line, i) => checkLine(line, `extension line ${i + 1}`));
  const lines = [checkpoint.origin, String(checkpoint.size), toBase64(checkpoint.rootHash)];
  return [...lines, ...extensions].map((line) => `${line}\n`).join('');
}

/**
 * Parses a checkpoint's note text (without signatures; see parseSignedNote). Strict: the text ends
 * with a newline, every line is non-empty, the size is canonical decimal, the root hash canonical
 * base64 of 32 bytes. Errors name the line.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw invalid('text does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) {
    throw invalid(`text has ${lines.length} lines, want at least 3 (origin, size, root hash)`);
  }
  lines.forEach((line, i) => checkLine(line, `line ${i + 1}`));
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string];
  if (!SIZE.test(sizeText)) {
    throw invalid(
      `line 2: tree size ${JSON.stringify(sizeText)} is not a decimal without leading zeros`,
    );
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) {
    throw invalid(
      `line 2: tree size ${sizeText} is above 2^53-1, the largest this verifier handles`,
    );
  }
  const rootHash = fromBase64Strict(rootText);
  if (!rootHash) throw invalid(`line 3: root hash ${JSON.stringify(rootText)} is not base64`);
  if (rootHash.length !== HASH_SIZE) {
    throw invalid(`line 3: root hash is ${rootHash.length} bytes, want ${HASH_SIZE}`);
  }
  return extensions.length > 0
    ? { origin, size, rootHash, extensions }
    : { origin, size, rootHash };
}
