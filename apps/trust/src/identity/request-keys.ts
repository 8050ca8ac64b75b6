// Checks on the keys an identity request brings: the hybrid key's id, the TLS key to certify.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { hybridKeyId } from '@omega/crypto';
import type { HybridPublicKey } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';

/** Only the key material and id: validity fields are trust's to set. */
export function bareKey(key: HybridPublicKey): HybridPublicKey {
  return {
    keyId: key.keyId,
    ed25519: key.ed25519,
    mlDsa: key.mlDsa,
    notBeforeTimeNs: 0n,
    notAfterTimeNs: 0n,
    revokeTimeNs: 0n,
  };
}

/** The TLS key a DER SPKI holds; InvalidArgument unless it is a P-256 or Ed25519 public key. */
export function tlsPublicKeyOf(spki: Uint8Array, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (err) {
    throw OmegaError.wrap(err, `${where}: tls_public_key_spki`, Code.InvalidArgument);
  }
  const p256 =
    key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!p256 && key.asymmetricKeyType !== 'ed25519') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw invalid(
      `${where}: tls_public_key_spki: ${key.asymmetricKeyType}${curve ? ` (${curve})` : ''} key; trust certifies P-256 or Ed25519 TLS keys`,
    );
  }
  return key;
}

/** InvalidArgument unless the key id is the one the key's two halves give. */
export function checkKeyIdOf(key: HybridPublicKey, where: string): void {
  let expected: string;
  try {
    expected = hybridKeyId(key.ed25519, key.mlDsa);
  } catch (err) {
    throw OmegaError.wrap(err, where, Code.InvalidArgument);
  }
  if (expected !== key.keyId) {
    throw invalid(
      `${where}: key id ${JSON.stringify(key.keyId.slice(0, 80))} is not the one its keys give (${expected})`,
    );
  }
}

export function invalid(message: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, message);
}
