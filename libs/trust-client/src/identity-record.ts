// The identity records trust keeps in the KV bucket `omega_identities`, as services that verify
// signatures without calling trust read them: keys, the JSON record codec, and which of an
// identity's keys may sign now. Trust's identity store writes this same format.
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { Identity, IdentityStatus, VerificationFailure, type HybridPublicKey } from '@omega/proto';

export const IDENTITIES_BUCKET = 'omega_identities';

/** What trust keeps per identity: the identity and the serials of its credentials. */
export interface IdentityRecord {
  readonly identity: Identity;
  /** Serial of the newest credential. */
  readonly currentSerial: string;
  /** Serials verification refuses (every serial once the identity is revoked). */
  readonly revokedSerials: readonly string[];
  /** DER SPKI of the separate TLS key the X.509 leaf certifies; absent: the Ed25519 key. */
  readonly tlsPublicKeySpki?: Uint8Array;
}

interface StoredJson {
  identity: string;
  currentSerial: string;
  revokedSerials: string[];
  /** Base64 DER SPKI. */
  tlsPublicKeySpki?: string;
}

/** KV key of a subject's record: `id.<base64url subject>`. */
export function identityRecordKey(subject: string): string {
  return `id.${Buffer.from(subject, 'utf8').toString('base64url')}`;
}

/** KV key of the key-id index entry (its value is the subject): `key.<key id>`. */
export function keyIndexKey(keyId: string): string {
  return `key.${keyId}`;
}

export function encodeIdentityRecord(record: IdentityRecord): string {
  const json: StoredJson = {
    identity: Buffer.from(Identity.encode(record.identity).finish()).toString('base64'),
    currentSerial: record.currentSerial,
    revokedSerials: [...record.revokedSerials],
    ...(record.tlsPublicKeySpki !== undefined
      ? { tlsPublicKeySpki: Buffer.from(record.tlsPublicKeySpki).toString('base64') }
      : {}),
  };
  return JSON.stringify(json);
}

/** DataLoss naming `where` when the value is not a record. */
export function decodeIdentityRecord(value: Uint8Array, where: string): IdentityRecord {
  try {
    const json = JSON.parse(new TextDecoder().decode(value)) as StoredJson;
    return {
      identity: Identity.decode(Buffer.from(json.identity, 'base64')),
      currentSerial: json.currentSerial,
      revokedSerials: json.revokedSerials,
      ...(json.tlsPublicKeySpki !== undefined
        ? { tlsPublicKeySpki: Buffer.from(json.tlsPublicKeySpki, 'base64') }
        : {}),
    };
  } catch (err) {
    throw new OmegaError(
      Code.DataLoss,
      `${IDENTITIES_BUCKET} ${where}: record does not decode: ${errorMessage(err)}`,
      { cause: err },
    );
  }
}

/** Why a key may not sign: the proto's failure and a sentence naming the check. */
export interface KeyRefusal {
  readonly failure: VerificationFailure;
  readonly detail: string;
}

/**
 * The key `keyId` of `identity` if it may have signed at `atNs`: the identity and the key are not
 * revoked and `atNs` lies within the key's validity (its own not-before/not-after, else the
 * identity's issue/expire times). A refusal naming the check otherwise.
 */
export function signingKeyAt(
  identity: Identity,
  keyId: string,
  atNs: bigint,
  who: string,
): HybridPublicKey | KeyRefusal {
  const key = identity.keys.find((k) => k.keyId === keyId);
  if (key === undefined) {
    return {
      failure: VerificationFailure.VERIFICATION_FAILURE_UNKNOWN_KEY,
      detail: `${who}: key ${keyId.slice(0, 80)} is not a key of ${identity.id}`,
    };
  }
  if (identity.status === IdentityStatus.IDENTITY_STATUS_REVOKED || key.revokeTimeNs !== 0n) {
    const what =
      identity.status === IdentityStatus.IDENTITY_STATUS_REVOKED
        ? `identity ${identity.id}`
        : `key ${keyId}`;
    return {
      failure: VerificationFailure.VERIFICATION_FAILURE_KEY_REVOKED,
      detail: `${who}: revoked: ${what}${identity.revocationReason ? ` (${identity.revocationReason})` : ''}`,
    };
  }
  const notBefore = key.notBeforeTimeNs !== 0n ? key.notBeforeTimeNs : identity.issueTimeNs;
  const notAfter = key.notAfterTimeNs !== 0n ? key.notAfterTimeNs : identity.expireTimeNs;
  if (atNs < notBefore || atNs >= notAfter) {
    return {
      failure: VerificationFailure.VERIFICATION_FAILURE_KEY_EXPIRED,
      detail: `${who}: key ${keyId} of ${identity.id} is valid ${isoNs(notBefore)} to ${isoNs(notAfter)}, not at ${isoNs(atNs)}`,
    };
  }
  return key;
}

function isoNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : `${ns}ns`;
}
