// Artifact attestations: an in-toto statement in a DSSE envelope, hybrid-signed and logged.
import { createHash } from 'node:crypto';
import { dssePae } from '@omega/auditlog';
import { HybridVerifier, SignaturePurpose, type HybridSigner } from '@omega/crypto';
import {
  ArtifactSubject,
  AuditEntry,
  AuditEntryKind,
  DsseEnvelope,
  VerificationFailure,
  type HybridPublicKey,
} from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const DSSE_ENVELOPE_TYPE = 'omega.v1.DsseEnvelope';

/** The in-toto statement for one subject; `predicate` must be JSON (empty means `{}`). */
export function inTotoStatement(
  subject: ArtifactSubject,
  predicateType: string,
  predicate: Uint8Array,
): Uint8Array {
  if (subject.sha256.length !== 32) {
    throw new OmegaError(
      Code.InvalidArgument,
      `attestation: subject.sha256 is ${subject.sha256.length} bytes, want 32`,
    );
  }
  let parsed: unknown = {};
  if (predicate.length > 0) {
    try {
      parsed = JSON.parse(Buffer.from(predicate).toString('utf8'));
    } catch (err) {
      throw new OmegaError(
        Code.InvalidArgument,
        `attestation: predicate is not JSON: ${errorMessage(err)}`,
      );
    }
  }
  return Buffer.from(
    JSON.stringify({
      _type: IN_TOTO_STATEMENT_TYPE,
      subject: [
        { name: subject.name, digest: { sha256: Buffer.from(subject.sha256).toString('hex') } },
      ],
      predicateType,
      predicate: parsed,
    }),
  );
}

/** Signs a statement about `subject` as a DSSE envelope with the hybrid key. */
export function signAttestation(
  signer: HybridSigner,
  subject: ArtifactSubject,
  predicateType: string,
  predicate: Uint8Array,
): DsseEnvelope {
  const payload = inTotoStatement(subject, predicateType, predicate);
  return DsseEnvelope.fromPartial({
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: Buffer.from(payload),
    signatures: [signer.sign(SignaturePurpose.Attestation, dssePae(IN_TOTO_PAYLOAD_TYPE, payload))],
  });
}

/** The audit entry recording an attestation: its envelope is the payload. */
export function attestationEntry(
  envelope: DsseEnvelope,
  subject: ArtifactSubject,
  signer: { id: string; keyId: string },
  timeNs: bigint,
): AuditEntry {
  return AuditEntry.fromPartial({
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ARTIFACT_ATTESTED,
    timeNs,
    actor: signer,
    subject: `sha256:${Buffer.from(subject.sha256).toString('hex')}`,
    summary: `attested ${subject.name}`,
    payloadType: DSSE_ENVELOPE_TYPE,
    payload: Buffer.from(DsseEnvelope.encode(envelope).finish()),
  });
}

/** Why an envelope does not attest `sha256`, or undefined when it does (signed by `publicKey`). */
export function checkAttestation(
  envelope: DsseEnvelope,
  sha256: Uint8Array,
  publicKey: HybridPublicKey,
  verifier: HybridVerifier,
  expectedPredicateType?: string,
): { failure: VerificationFailure; detail: string } | undefined {
  let statement: { subject?: Array<{ digest?: { sha256?: string } }>; predicateType?: string };
  try {
    statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
  } catch (err) {
    return {
      failure: VerificationFailure.VERIFICATION_FAILURE_MALFORMED,
      detail: `statement is not JSON: ${errorMessage(err)}`,
    };
  }
  const want = Buffer.from(sha256).toString('hex');
  if (!statement.subject?.some((s) => s.digest?.sha256 === want)) {
    return {
      failure: VerificationFailure.VERIFICATION_FAILURE_DIGEST_MISMATCH,
      detail: `digest check failed: the statement is not about sha256:${want}`,
    };
  }
  if (expectedPredicateType && statement.predicateType !== expectedPredicateType) {
    return {
      failure: VerificationFailure.VERIFICATION_FAILURE_MALFORMED,
      detail: `predicate type is ${statement.predicateType}, want ${expectedPredicateType}`,
    };
  }
  const signature = envelope.signatures.find((s) => s.keyId === publicKey.keyId);
  if (!signature) {
    return {
      failure: VerificationFailure.VERIFICATION_FAILURE_UNKNOWN_KEY,
      detail: `signature check failed: no signature by key ${publicKey.keyId}`,
    };
  }
  try {
    verifier.verify(
      publicKey,
      SignaturePurpose.Attestation,
      dssePae(envelope.payloadType, envelope.payload),
      signature,
    );
  } catch (err) {
    const message = errorMessage(err);
    return {
      failure: /ml-dsa-65 signature invalid$/.test(message)
        ? VerificationFailure.VERIFICATION_FAILURE_ML_DSA_INVALID
        : VerificationFailure.VERIFICATION_FAILURE_ED25519_INVALID,
      detail: `signature check failed: ${message}`,
    };
  }
  return undefined;
}

/** SHA-256 of bytes, as attestation subjects carry it. */
export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}
