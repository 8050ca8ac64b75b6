// What a RenewIdentity request must prove before trust renews anything: the current credential as
// trust issued it (its root signature on the identity document, its CA on the certificate), not
// expired or revoked, and the request signed by that credential's key. Nothing here is taken from
// the KV record except what makes it stricter (revocations) and the revision to write over.
import { X509Certificate } from 'node:crypto';
import { Code, OmegaError } from '@omega/runtime';
import {
  RenewIdentityRequest,
  type Credential,
  type HybridPublicKey,
  type Identity,
} from '@omega/proto';
import { signedMessage } from '@omega/crypto';
import { RENEWAL_PURPOSE, certificateSerial, normalSerial } from '@omega/trust-client';
import type { IdentityStore, StoredIdentity } from './identity-store';
import { SERIAL_ATTRIBUTE, VerificationError, type IdentityVerifier } from './identity-verifier';
import { invalid } from './request-keys';
import type { TlsAuthority } from './tls-authority';

export interface RenewalProof {
  /** The identity as trust signed it in the current credential. */
  readonly signed: Identity;
  /** Its current key, which signed the request. */
  readonly key: HybridPublicKey;
  readonly stored: StoredIdentity;
  /** DER SPKI of the separate TLS key the current certificate binds; undefined: the Ed25519 key. */
  readonly tlsPublicKeySpki: Uint8Array | undefined;
}

export interface RenewalProofDeps {
  readonly store: IdentityStore;
  readonly verifier: IdentityVerifier;
  readonly tlsAuthority: TlsAuthority;
}

/**
 * Checks `request` (`where` names it in refusals). `caller` is the subject of the verified client
 * certificate when trust serves mutual TLS: an identity renews only itself.
 */
export async function checkRenewalProof(
  request: RenewIdentityRequest,
  deps: RenewalProofDeps,
  nowMs: number,
  caller: string | undefined,
  where: string,
): Promise<RenewalProof> {
  if (caller !== undefined && caller !== request.identityId) {
    throw new OmegaError(
      Code.PermissionDenied,
      `${where}: the caller's certificate names ${caller}; an identity renews only itself`,
    );
  }
  if (request.proof === undefined) throw invalid(`${where}: proof is missing`);
  const credential = request.currentCredential;
  if (credential === undefined) {
    throw new OmegaError(
      Code.Unauthenticated,
      `${where}: current_credential is missing: renewal needs the credential trust issued, signed by its root (a record in omega_identities proves nothing)`,
    );
  }
  let signed: Identity;
  try {
    signed = await deps.verifier.verifyCredential(credential, nowMs);
  } catch (err) {
    if (!(err instanceof VerificationError)) throw err;
    throw new OmegaError(
      Code.Unauthenticated,
      `${where}: current credential: ${err.refusal.detail}`,
      {
        cause: err,
      },
    );
  }
  if (signed.id !== request.identityId) {
    throw new OmegaError(
      Code.PermissionDenied,
      `${where}: the current credential is for ${signed.id}`,
    );
  }
  const key = signed.keys[0];
  if (key === undefined || key.keyId !== request.proof.keyId) {
    throw new OmegaError(
      Code.Unauthenticated,
      `${where}: proof is signed by key ${request.proof.keyId}, not by the current credential's key ${key?.keyId ?? '(none)'}`,
    );
  }
  const unsigned = RenewIdentityRequest.encode({ ...request, proof: undefined }).finish();
  const refusal = deps.verifier.checkParts(
    key,
    signedMessage(RENEWAL_PURPOSE, unsigned),
    request.proof,
    where,
  );
  if (refusal) throw new OmegaError(Code.Unauthenticated, refusal.detail);
  const stored = await deps.store.get(signed.id);
  if (stored === undefined) {
    throw new OmegaError(
      Code.NotFound,
      `${where}: trust has no record of ${signed.id}; enroll again`,
    );
  }
  return {
    signed,
    key,
    stored,
    tlsPublicKeySpki: certifiedTlsKey(credential, signed, key, deps.tlsAuthority, where),
  };
}

/** The TLS key of the credential's certificate, after checking trust's CA issued it for `signed`. */
function certifiedTlsKey(
  credential: Credential,
  signed: Identity,
  key: HybridPublicKey,
  authority: TlsAuthority,
  where: string,
): Uint8Array | undefined {
  const refuse = (detail: string): OmegaError =>
    new OmegaError(Code.Unauthenticated, `${where}: current certificate: ${detail}`);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(credential.x509CertificateDer);
  } catch {
    throw refuse('x509_certificate_der does not parse');
  }
  const ca = new X509Certificate(authority.caCertificateDer);
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) {
    throw refuse('not issued by the trust CA');
  }
  const serial = signed.attributes[SERIAL_ATTRIBUTE] ?? '';
  if (normalSerial(certificate.serialNumber) !== certificateSerial(serial)) {
    throw refuse(`serial ${certificate.serialNumber} is not the credential's (${serial})`);
  }
  if (!(certificate.subjectAltName ?? '').split(', ').includes(`URI:${signed.id}`)) {
    throw refuse(`does not name ${signed.id}`);
  }
  const publicKey = certificate.publicKey;
  // Credentials enrolled before TLS keys were separate: the certificate binds the Ed25519 half.
  if (
    publicKey.asymmetricKeyType === 'ed25519' &&
    Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').equals(
      Buffer.from(key.ed25519),
    )
  ) {
    return undefined;
  }
  return publicKey.export({ format: 'der', type: 'spki' });
}
