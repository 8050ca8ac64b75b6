// Verifies hybrid signatures: valid only if the key id, the Ed25519 part and the ML-DSA-65 part all check out.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { Code, OmegaError } from '@omega/runtime';
import type { HybridPublicKey, HybridSignature } from '@omega/proto';
import { bufferView } from './bytes';
import { checkKeyId, describeKeyId } from './key-id';
import { ML_DSA_SIZES, requireMlDsa65, type MlDsaBackend } from './ml-dsa-backend';
import { SignaturePurpose, signedMessage } from './signed-message';

export const ED25519_SIGNATURE_BYTES = 64;
export const ML_DSA_65_SIGNATURE_BYTES = ML_DSA_SIZES['ML-DSA-65'].signature;

export interface HybridVerifierOptions {
  /**
   * Purposes tried when both parts fail, to tell "signed for another purpose" from "forged"
   * (Ed25519 only, so a failure costs at most one Ed25519 verification per purpose). Default: every
   * `SignaturePurpose`; `[]` turns the diagnosis off.
   */
  readonly knownPurposes?: readonly string[];
}

/**
 * Checks, in order: the signature's shape (InvalidArgument), its key id against the public key's,
 * and both parts over `signedMessage(purpose, payload)` (Unauthenticated). Both parts are always
 * checked, so the error names exactly the parts that failed.
 */
export class HybridVerifier {
  readonly #knownPurposes: readonly string[];
  /**
   * Public keys already checked against their key id, with their parsed Ed25519 key. Keyed by the
   * object, which is treated as immutable (decoded messages are fresh objects, so they are checked).
   */
  readonly #checkedKeys = new WeakMap<HybridPublicKey, KeyObject>();

  readonly #mlDsa: MlDsaBackend;

  constructor(mlDsa: MlDsaBackend, options: HybridVerifierOptions = {}) {
    requireMlDsa65(mlDsa);
    this.#mlDsa = mlDsa;
    this.#knownPurposes = options.knownPurposes ?? Object.values(SignaturePurpose);
  }

  /** Returns if `signature` is `publicKey`'s valid hybrid signature of `payload` for `purpose`. */
  verify(
    publicKey: HybridPublicKey,
    purpose: string,
    payload: Uint8Array,
    signature: HybridSignature,
  ): void {
    const fail = (code: Code, detail: string): OmegaError =>
      new OmegaError(
        code,
        `hybrid signature by key ${describeKeyId(signature.keyId)} for '${purpose}': ${detail}`,
      );
    const message = signedMessage(purpose, payload);
    if (signature.ed25519.byteLength !== ED25519_SIGNATURE_BYTES) {
      throw fail(
        Code.InvalidArgument,
        `ed25519 signature must be ${ED25519_SIGNATURE_BYTES} bytes, got ${signature.ed25519.byteLength}`,
      );
    }
    if (signature.mlDsa.byteLength !== ML_DSA_65_SIGNATURE_BYTES) {
      throw fail(
        Code.InvalidArgument,
        `ml-dsa-65 signature must be ${ML_DSA_65_SIGNATURE_BYTES} bytes, got ${signature.mlDsa.byteLength}`,
      );
    }
    const ed25519Key = this.#checkedKey(publicKey);
    if (signature.keyId !== publicKey.keyId) {
      throw fail(Code.Unauthenticated, `key id mismatch: verifying with key ${publicKey.keyId}`);
    }
    const ed25519Valid = verify(null, message, ed25519Key, signature.ed25519);
    const mlDsaValid = this.#mlDsa.verify(message, signature.mlDsa, publicKey.mlDsa);
    if (ed25519Valid && mlDsaValid) return;
    if (!ed25519Valid && !mlDsaValid) {
      const signedFor = this.#purposeSignedFor(ed25519Key, purpose, payload, signature.ed25519);
      if (signedFor !== undefined) {
        throw fail(Code.Unauthenticated, `purpose mismatch: signed for '${signedFor}'`);
      }
      throw fail(Code.Unauthenticated, 'ed25519 and ml-dsa-65 signatures invalid');
    }
    throw fail(
      Code.Unauthenticated,
      ed25519Valid ? 'ml-dsa-65 signature invalid' : 'ed25519 signature invalid',
    );
  }

  #checkedKey(publicKey: HybridPublicKey): KeyObject {
    let key = this.#checkedKeys.get(publicKey);
    if (key === undefined) {
      checkKeyId(publicKey);
      key = createPublicKey({
        key: bufferView(publicKey.ed25519),
        format: 'raw-public',
        asymmetricKeyType: 'ed25519',
      });
      this.#checkedKeys.set(publicKey, key);
    }
    return key;
  }

  #purposeSignedFor(
    ed25519Key: KeyObject,
    purpose: string,
    payload: Uint8Array,
    ed25519Signature: Uint8Array,
  ): string | undefined {
    return this.#knownPurposes.find(
      (other) =>
        other !== purpose &&
        verify(null, signedMessage(other, payload), ed25519Key, ed25519Signature),
    );
  }
}
