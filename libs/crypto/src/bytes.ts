// Byte helpers shared by the backends and codecs.
import { timingSafeEqual } from 'node:crypto';

/**
 * The same bytes as a plain `Uint8Array` view (no copy). liboqs-js rejects subclasses such as
 * `Buffer` by constructor name, and noble accepts only `Uint8Array`s it can recognise across realms.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.constructor === Uint8Array) return bytes;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The same bytes as a `Buffer` view (no copy), the type ts-proto uses for `bytes` fields. */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Constant-time equality for secret-derived values; lengths are not secret. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}
