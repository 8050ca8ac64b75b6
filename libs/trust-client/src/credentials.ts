// What a workload holds after enrolling: its identity, the credential trust signed, its hybrid
// secret key and the TLS material (leaf certificate, chain, trust bundle) for mutual TLS.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { Code, OmegaError } from '@omega/runtime';
import type { Credential, Identity } from '@omega/proto';
import { HybridSigner, type HybridSecretKey, type MlDsaBackend } from '@omega/crypto';

export interface Credentials {
  /** `omega://<cluster>/<kind>/<name>`. */
  readonly subject: string;
  readonly identity: Identity;
  /** As trust issued it: identity document, trust root's signature, X.509 leaf and chain. */
  readonly credential: Credential;
  readonly secretKey: HybridSecretKey;
  /** Signs with `secretKey` (event batches, gateway tokens, renewal requests). */
  readonly signer: HybridSigner;
  /** The ML-DSA-65 implementation `signer` uses. */
  readonly mlDsa: MlDsaBackend;
  /** The TLS key the X.509 leaf certifies: a separate P-256 key since enrollment sends one. */
  readonly tlsPrivateKey: KeyObject;
  /** Leaf certificate then its issuers, PEM. */
  readonly certificateChainPem: string;
  /** The trust CA certificate(s), PEM: the only roots a peer's certificate may chain to. */
  readonly trustBundlePem: string;
  /** Credential validity, Unix milliseconds. */
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

/**
 * Assembles Credentials from trust's answer, checking that it is about `secretKey`: the identity's
 * current key is ours and the X.509 leaf certifies our TLS key: `tlsPrivateKey`, or when that is
 * absent the Ed25519 half of `secretKey` (credentials enrolled before TLS keys were separate).
 */
export function credentialsFrom(
  identity: Identity,
  credential: Credential,
  secretKey: HybridSecretKey,
  mlDsa: MlDsaBackend,
  tlsPrivateKey: KeyObject = createPrivateKey({
    key: Buffer.from(secretKey.ed25519.exposeBytes()),
    format: 'raw-private',
    asymmetricKeyType: 'ed25519',
  }),
): Credentials {
  const where = `credential for ${identity.id}`;
  const currentKey = identity.keys[0];
  if (currentKey?.keyId !== secretKey.keyId) {
    throw new OmegaError(
      Code.Internal,
      `${where}: trust answered for key ${currentKey?.keyId ?? '(none)'}, not ours (${secretKey.keyId})`,
    );
  }
  if (credential.x509CertificateDer.byteLength === 0 || credential.x509ChainDer.length === 0) {
    throw new OmegaError(Code.Internal, `${where}: no X.509 certificate or chain in the answer`);
  }
  const leaf = new X509Certificate(credential.x509CertificateDer);
  if (!leaf.checkPrivateKey(tlsPrivateKey)) {
    throw new OmegaError(
      Code.Internal,
      `${where}: the X.509 leaf (serial ${leaf.serialNumber}) does not certify our ${tlsPrivateKey.asymmetricKeyType} TLS key`,
    );
  }
  const chain = credential.x509ChainDer.map((der) => new X509Certificate(der));
  return {
    subject: identity.id,
    identity,
    credential,
    secretKey,
    signer: new HybridSigner(secretKey, mlDsa),
    mlDsa,
    tlsPrivateKey,
    certificateChainPem: [leaf, ...chain.slice(0, -1)].map((c) => c.toString()).join(''),
    trustBundlePem: chain.slice(-1)[0]!.toString(),
    notBeforeMs: Number(identity.issueTimeNs / 1_000_000n),
    notAfterMs: Number(identity.expireTimeNs / 1_000_000n),
  };
}
