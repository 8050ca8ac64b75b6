// Key material that cannot leak through logs: every way of printing a SecretKey prints [redacted].
import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

/**
 * Secret bytes (a private key, a seed, a shared secret) behind a private field: JSON.stringify,
 * util.inspect (so console.log and pino), String() and template literals all print `[redacted]`, and
 * no enumerable or inspectable property holds the bytes. Read them with `exposeBytes()`, which makes
 * every place key material leaves the wrapper easy to find.
 */
export class SecretKey {
  readonly #bytes: Uint8Array;

  /**
   * @param algorithm what the bytes are, for error messages (`ed25519`, `ml-dsa-65`, `ml-kem-768`).
   * @param bytes taken over, not copied: the caller must not keep or reuse the array.
   */
  constructor(
    readonly algorithm: string,
    bytes: Uint8Array,
  ) {
    this.#bytes = bytes;
  }

  get byteLength(): number {
    return this.#bytes.byteLength;
  }

  /** The secret bytes themselves (not a copy): use them, never store or log them. */
  exposeBytes(): Uint8Array {
    return this.#bytes;
  }

  /** Overwrites the bytes with zeros; the key is unusable afterwards. */
  destroy(): void {
    this.#bytes.fill(0);
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
