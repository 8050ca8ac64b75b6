// The domain-separated message both halves of a hybrid signature sign: prefix, purpose, SHA-512(payload).
import { createHash } from 'node:crypto';
import { Code, OmegaError } from '@omega/runtime';

/** Fixed first line of every signed message; the version changes only with this format. */
export const SIGNED_MESSAGE_PREFIX = 'omega hybrid signature v1\n';

/** What a signature is for. A signature made for one purpose never verifies for another. */
export const SignaturePurpose = {
  /** A Merkle audit log checkpoint (libs/auditlog, apps/trust). */
  AuditCheckpoint: 'audit-checkpoint',
  /** An actor's signature over an audit entry's payload. */
  AuditEntry: 'audit-entry',
  /** A telemetry or event batch on the bus. */
  EventBatch: 'event-batch',
  /** An identity document issued by trust. */
  Credential: 'credential',
  /** A gateway token. */
  Token: 'token',
  /** A new key's proof of possession when enrolling or rotating. */
  ProofOfPossession: 'proof-of-possession',
  /** An artifact attestation (DSSE envelope). */
  Attestation: 'attestation',
} as const;

/** Lowercase words of letters and digits joined by single '-' or '.', at most 64 characters. */
const PURPOSE_PATTERN = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;
const MAX_PURPOSE_LENGTH = 64;

/** Throws InvalidArgument unless `purpose` is a well-formed purpose label. */
export function validatePurpose(purpose: string): void {
  if (purpose.length > MAX_PURPOSE_LENGTH || !PURPOSE_PATTERN.test(purpose)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `signature purpose ${JSON.stringify(purpose)} is malformed: use at most ${MAX_PURPOSE_LENGTH} ` +
        `lowercase letters and digits in words joined by '-' or '.', e.g. 'audit-checkpoint'`,
    );
  }
}

/**
 * `"omega hybrid signature v1\n" || purpose || "\n" || SHA-512(payload)` (ASCII, then 64 raw bytes).
 * Hashing first keeps both algorithms' input small and fixed-size however large the payload; the
 * prefix keeps these signatures apart from any other use of the same keys, and the purpose keeps a
 * signature over one kind of object from being replayed as another.
 */
export function signedMessage(purpose: string, payload: Uint8Array): Uint8Array {
  validatePurpose(purpose);
  const head = `${SIGNED_MESSAGE_PREFIX}${purpose}\n`;
  // Prefix and purpose are ASCII: one byte per character.
  const message = new Uint8Array(head.length + 64);
  new TextEncoder().encodeInto(head, message);
  message.set(createHash('sha512').update(payload).digest(), head.length);
  return message;
}
