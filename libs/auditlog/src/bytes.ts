// Byte helpers shared inside the lib: equality, short hex for messages, strict base64.
import { OmegaError, Code } from '@omega/errors';

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lowercase hex, for error messages (a hash is short enough to print whole). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Standard (RFC 4648 section 4) base64 with padding, decoded strictly: Node's decoder skips
 * characters it does not know and accepts non-canonical trailing bits, which would let two
 * different texts carry the same bytes. Returns undefined when `text` is not canonical base64.
 */
export function fromBase64Strict(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Throws InvalidArgument unless `n` is an integer in [0, 2^53). */
export function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new OmegaError(Code.InvalidArgument, `${what} ${n} is not an integer in [0, 2^53)`);
  }
}
