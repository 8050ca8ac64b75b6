// Checks signatures against identities trust issued: EventBatches as received on the bus, hybrid
// signatures over signed messages, and credentials. Every refusal names the failed check.
import { createPublicKey, verify as verifyEd25519 } from 'node:crypto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import {
  Identity,
  IdentityStatus,
  VerificationFailure,
  type Credential,
  type HybridPublicKey,
  type HybridSignature,
  type VerifyBatchResponse,
  type VerifySignatureRequest,
  type VerifySignatureResponse,
} from '@omega/proto';
import {
  ED25519_SIGNATURE_BYTES,
  ML_DSA_65_SIGNATURE_BYTES,
  SIGNED_MESSAGE_PREFIX,
  SignaturePurpose,
  signedMessage,
  type MlDsaBackend,
} from '@omega/crypto';
import { splitSignedEventBatch } from '@omega/trust-client';
import type { IdentityRecord, IdentityStore } from './identity-store';

/** Attribute of the identity document holding the credential's serial (also the X.509 serial). */
export const SERIAL_ATTRIBUTE = 'omega.credential.serial';

export interface Refusal {
  readonly failure: VerificationFailure;
  readonly detail: string;
}

/** A refusal as an error: Unauthenticated with the check's name first. */
export class VerificationError extends OmegaError {
  constructor(readonly refusal: Refusal) {
    super(Code.Unauthenticated, refusal.detail);
  }
}

/** The identity as a caller should see it now: an active identity past its expiry is EXPIRED. */
export function currentView(identity: Identity, nowMs: number): Identity {
  if (
    identity.status === IdentityStatus.IDENTITY_STATUS_ACTIVE &&
    identity.expireTimeNs <= BigInt(nowMs) * 1_000_000n
  ) {
    return { ...identity, status: IdentityStatus.IDENTITY_STATUS_EXPIRED };
  }
  return identity;
}

export class IdentityVerifier {
  constructor(
    private readonly store: IdentityStore,
    private readonly rootPublicKey: HybridPublicKey,
    private readonly mlDsa: MlDsaBackend,
  ) {}

  /**
   * Which parts of `signature` are valid for `publicKey` over the full signed `message`; a refusal
   * naming the bad part(s), or undefined when both verify.
   */
  checkParts(
    publicKey: HybridPublicKey,
    message: Uint8Array,
    signature: HybridSignature,
    who: string,
  ): Refusal | undefined {
    if (
      signature.ed25519.byteLength !== ED25519_SIGNATURE_BYTES ||
      signature.mlDsa.byteLength !== ML_DSA_65_SIGNATURE_BYTES
    ) {
      return refuse(
        VerificationFailure.VERIFICATION_FAILURE_MALFORMED,
        `${who}: signature parts must be ${ED25519_SIGNATURE_BYTES} (ed25519) and ${ML_DSA_65_SIGNATURE_BYTES} (ml-dsa-65) bytes, got ${signature.ed25519.byteLength} and ${signature.mlDsa.byteLength}`,
      );
    }
    const edKey = createPublicKey({
      key: Buffer.from(publicKey.ed25519),
      format: 'raw-public',
      asymmetricKeyType: 'ed25519',
    });
    const ed25519Valid = verifyEd25519(null, message, edKey, signature.ed25519);
    const mlDsaValid = this.mlDsa.verify(message, signature.mlDsa, publicKey.mlDsa);
    if (!ed25519Valid) {
      return refuse(
        VerificationFailure.VERIFICATION_FAILURE_ED25519_INVALID,
        `${who}: bad ed25519 part${mlDsaValid ? '' : ' and bad ml-dsa part'} (key ${publicKey.keyId})`,
      );
    }
    if (!mlDsaValid) {
      return refuse(
        VerificationFailure.VERIFICATION_FAILURE_ML_DSA_INVALID,
        `${who}: bad ml-dsa part (key ${publicKey.keyId})`,
      );
    }
    return undefined;
  }

  /** The identity record and key for a key id; a refusal when unknown, revoked or expired. */
  async usableKey(
    keyId: string,
    nowMs: number,
    who: string,
  ): Promise<{ record: IdentityRecord; key: HybridPublicKey } | Refusal> {
    const subject = await this.store.subjectOfKey(keyId);
    const stored = subject === undefined ? undefined : await this.store.get(subject);
    const key = stored?.record.identity.keys.find((k) => k.keyId === keyId);
    if (stored === undefined || key === undefined) {
      return refuse(
        VerificationFailure.VERIFICATION_FAILURE_UNKNOWN_KEY,
        `${who}: unknown key ${keyId.slice(0, 80)} (not issued by this trust)`,
      );
    }
    const identity = stored.record.identity;
    if (identity.status === IdentityStatus.IDENTITY_STATUS_REVOKED || key.revokeTimeNs !== 0n) {
      return refuse(
        VerificationFailure.VERIFICATION_FAILURE_KEY_REVOKED,
        `${who}: revoked: ${identity.status === IdentityStatus.IDENTITY_STATUS_REVOKED ? `identity ${identity.id}` : `key ${keyId}`}${identity.revocationReason ? ` (${identity.revocationReason})` : ''}`,
      );
    }
    const nowNs = BigInt(nowMs) * 1_000_000n;
    const notAfter = key.notAfterTimeNs !== 0n ? key.notAfterTimeNs : identity.expireTimeNs;
    if (notAfter <= nowNs) {
      return refuse(
        VerificationFailure.VERIFICATION_FAILURE_KEY_EXPIRED,
        `${who}: expired: key ${keyId} of ${identity.id} was valid until ${isoNs(notAfter)}`,
      );
    }
    return { record: stored.record, key };
  }

  /** VerifyBatch: the EventBatch exactly as received. */
  async verifyBatch(bytes: Uint8Array, nowMs: number): Promise<VerifyBatchResponse> {
    let split;
    try {
      split = splitSignedEventBatch(bytes);
    } catch (err) {
      return invalid(refuse(VerificationFailure.VERIFICATION_FAILURE_MALFORMED, errorMessage(err)));
    }
    const { batch, signedBytes, signature } = split;
    const senderId = batch.sender?.id ?? '';
    const who = `event batch from ${senderId || '(no sender)'} seq ${batch.sequence}`;
    if (senderId === '') {
      return invalid(
        refuse(VerificationFailure.VERIFICATION_FAILURE_MALFORMED, `${who}: sender.id is empty`),
      );
    }
    const found = await this.usableKey(signature.keyId, nowMs, who);
    if ('failure' in found) return invalid(found);
    if (
      found.record.identity.id !== senderId ||
      (batch.sender?.keyId && batch.sender.keyId !== signature.keyId)
    ) {
      return invalid(
        refuse(
          VerificationFailure.VERIFICATION_FAILURE_IDENTITY_MISMATCH,
          `${who}: signed by key ${signature.keyId} of ${found.record.identity.id}, but the batch names ${senderId} key ${batch.sender?.keyId || '(any)'}`,
        ),
      );
    }
    const refusal = this.checkParts(
      found.key,
      signedMessage(SignaturePurpose.EventBatch, signedBytes),
      signature,
      who,
    );
    if (refusal) return invalid(refusal);
    return {
      valid: true,
      failure: VerificationFailure.VERIFICATION_FAILURE_UNSPECIFIED,
      detail: '',
      sender: currentView(found.record.identity, nowMs),
    };
  }

  /**
   * VerifySignature. With `purpose` set, `message` is the payload and trust builds the signed
   * message, `signedMessage(purpose, payload)` from @omega/crypto. Without it, `message` must be
   * that complete signed message: either way trust never verifies a signature over bytes without
   * Omega's domain separation.
   */
  async verifySignature(
    request: VerifySignatureRequest,
    nowMs: number,
  ): Promise<VerifySignatureResponse> {
    const signature = request.signature;
    if (signature === undefined) {
      return invalid(
        refuse(VerificationFailure.VERIFICATION_FAILURE_MALFORMED, 'signature: missing'),
      );
    }
    const who = `signature by key ${signature.keyId.slice(0, 80)}`;
    let message: Uint8Array = request.message;
    if (request.purpose !== '') {
      try {
        message = signedMessage(request.purpose, request.message);
      } catch (err) {
        return invalid(
          refuse(
            VerificationFailure.VERIFICATION_FAILURE_MALFORMED,
            `${who}: ${errorMessage(err)}`,
          ),
        );
      }
    } else if (
      !Buffer.from(request.message)
        .subarray(0, SIGNED_MESSAGE_PREFIX.length)
        .equals(Buffer.from(SIGNED_MESSAGE_PREFIX))
    ) {
      return invalid(
        refuse(
          VerificationFailure.VERIFICATION_FAILURE_MALFORMED,
          `${who}: message must be signedMessage(purpose, payload), starting with ${JSON.stringify(SIGNED_MESSAGE_PREFIX)}, or set purpose and send the payload`,
        ),
      );
    }
    const found = await this.usableKey(signature.keyId, nowMs, who);
    if ('failure' in found) return invalid(found);
    if (
      request.expectedIdentityId !== '' &&
      request.expectedIdentityId !== found.record.identity.id
    ) {
      return invalid(
        refuse(
          VerificationFailure.VERIFICATION_FAILURE_IDENTITY_MISMATCH,
          `${who}: key belongs to ${found.record.identity.id}, not ${request.expectedIdentityId}`,
        ),
      );
    }
    const refusal = this.checkParts(found.key, message, signature, who);
    if (refusal) return invalid(refusal);
    return {
      valid: true,
      failure: VerificationFailure.VERIFICATION_FAILURE_UNSPECIFIED,
      detail: '',
      signer: currentView(found.record.identity, nowMs),
    };
  }

  /**
   * Checks a credential offline-style (root signature, validity) and against trust's records
   * (revoked identity, key or serial). Returns the signed identity; VerificationError otherwise.
   */
  async verifyCredential(credential: Credential, nowMs: number): Promise<Identity> {
    let identity: Identity;
    try {
      identity = Identity.decode(credential.identityDocument);
    } catch (err) {
      throw new VerificationError(
        refuse(
          VerificationFailure.VERIFICATION_FAILURE_MALFORMED,
          `credential: identity document does not decode: ${errorMessage(err)}`,
        ),
      );
    }
    const serial = identity.attributes[SERIAL_ATTRIBUTE] ?? '';
    const who = `credential ${serial || '(no serial)'} for ${identity.id}`;
    const signature = credential.issuerSignature;
    if (signature === undefined) {
      throw new VerificationError(
        refuse(VerificationFailure.VERIFICATION_FAILURE_MALFORMED, `${who}: no issuer signature`),
      );
    }
    if (signature.keyId !== this.rootPublicKey.keyId) {
      throw new VerificationError(
        refuse(
          VerificationFailure.VERIFICATION_FAILURE_UNKNOWN_KEY,
          `${who}: unknown issuer key ${signature.keyId.slice(0, 80)} (trust root is ${this.rootPublicKey.keyId})`,
        ),
      );
    }
    const refusal = this.checkParts(
      this.rootPublicKey,
      signedMessage(SignaturePurpose.Credential, credential.identityDocument),
      signature,
      who,
    );
    if (refusal) throw new VerificationError(refusal);
    const nowNs = BigInt(nowMs) * 1_000_000n;
    if (identity.expireTimeNs <= nowNs || identity.issueTimeNs > nowNs + 60_000_000_000n) {
      throw new VerificationError(
        refuse(
          VerificationFailure.VERIFICATION_FAILURE_KEY_EXPIRED,
          `${who}: expired or not yet valid: valid ${isoNs(identity.issueTimeNs)} to ${isoNs(identity.expireTimeNs)}`,
        ),
      );
    }
    const stored = await this.store.get(identity.id);
    if (stored === undefined) {
      throw new VerificationError(
        refuse(VerificationFailure.VERIFICATION_FAILURE_UNKNOWN_KEY, `${who}: unknown identity`),
      );
    }
    const record = stored.record;
    const currentKey = identity.keys[0];
    const recordKey = record.identity.keys.find((k) => k.keyId === currentKey?.keyId);
    if (
      record.identity.status === IdentityStatus.IDENTITY_STATUS_REVOKED ||
      record.revokedSerials.includes(serial) ||
      recordKey === undefined ||
      recordKey.revokeTimeNs !== 0n
    ) {
      throw new VerificationError(
        refuse(
          VerificationFailure.VERIFICATION_FAILURE_KEY_REVOKED,
          `${who}: revoked${record.identity.revocationReason ? ` (${record.identity.revocationReason})` : ''}`,
        ),
      );
    }
    return identity;
  }
}

function refuse(failure: VerificationFailure, detail: string): Refusal {
  return { failure, detail };
}

function invalid(refusal: Refusal): { valid: false; failure: VerificationFailure; detail: string } {
  return { valid: false, failure: refusal.failure, detail: refusal.detail };
}

export function isoNs(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}
