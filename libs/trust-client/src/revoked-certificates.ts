// What trust revoked, as every mTLS server keeps it in memory from the `omega_identities` records
// (libs/service's revocation watch feeds it): revoked certificate serials and revoked subjects.
import { IdentityStatus } from '@omega/proto';
import type { IdentityRecord } from './identity-record';

/**
 * A certificate serial as it appears in the X.509 leaf trust issued for the record serial
 * `recordSerialHex`: at most 20 bytes, top bit cleared (a positive INTEGER, RFC 5280), lowercase,
 * without leading zeros, so a record serial and a peer certificate's `serialNumber` compare equal.
 */
export function certificateSerial(recordSerialHex: string): string {
  const trimmed = recordSerialHex.slice(0, 40);
  const first = parseInt(trimmed.slice(0, 1), 16) & 0x7;
  return normalSerial(`${first.toString(16)}${trimmed.slice(1)}`);
}

/** Lowercase hex without leading zeros (Node prints `serialNumber` in upper case). */
export function normalSerial(hex: string): string {
  return hex.toLowerCase().replace(/^0+(?=.)/, '');
}

interface RevokedOfRecord {
  readonly subject: string;
  readonly identityRevoked: boolean;
  readonly serials: ReadonlySet<string>;
}

export class RevokedCertificates {
  /** By KV key, so a record rewritten (or deleted) replaces what it said before. */
  readonly #byKey = new Map<string, RevokedOfRecord>();
  readonly #subjects = new Map<string, RevokedOfRecord>();
  #revoking = 0;

  /** Takes the record now stored under `key`; undefined when it was deleted. */
  apply(key: string, record: IdentityRecord | undefined): void {
    const before = this.#byKey.get(key);
    if (before !== undefined) {
      this.#subjects.delete(before.subject);
      if (revokesSomething(before)) this.#revoking -= 1;
    }
    if (record === undefined) {
      this.#byKey.delete(key);
      return;
    }
    const revoked: RevokedOfRecord = {
      subject: record.identity.id,
      identityRevoked: record.identity.status === IdentityStatus.IDENTITY_STATUS_REVOKED,
      serials: new Set(record.revokedSerials.map(certificateSerial)),
    };
    this.#byKey.set(key, revoked);
    this.#subjects.set(revoked.subject, revoked);
    if (revokesSomething(revoked)) this.#revoking += 1;
  }

  /** Why a certificate of `subject` with serial `serialHex` must be refused; undefined if not revoked. */
  refusal(subject: string, serialHex: string): string | undefined {
    const revoked = this.#subjects.get(subject);
    if (revoked === undefined) return undefined;
    if (revoked.identityRevoked) return `identity ${subject} is revoked`;
    const serial = normalSerial(serialHex);
    return revoked.serials.has(serial)
      ? `certificate serial ${serial} of ${subject} is revoked`
      : undefined;
  }

  /** How many records say something is revoked. */
  get size(): number {
    return this.#revoking;
  }
}

function revokesSomething(revoked: RevokedOfRecord): boolean {
  return revoked.identityRevoked || revoked.serials.size > 0;
}
