// The KV bucket `omega_identities`: identity records, the key-id index, join tokens (hashed) and
// gateway-token nonces, with compare-and-set so several trust replicas agree.
//
// Keys: `id.<base64url subject>` → IdentityRecord, `key.<key id>` → subject,
// `join.<sha256 hex of token>` → JoinTokenRecord, `nonce.<sha256 hex of issuer NUL nonce>` → expiry.
import { createHash } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import {
  decodeIdentityRecord,
  encodeIdentityRecord,
  identityRecordKey,
  keyIndexKey,
  type IdentityRecord,
} from '@omega/trust-client';

// The record format is @omega/trust-client's, which services that verify signatures read too.
export type { IdentityRecord };

export interface StoredIdentity {
  readonly record: IdentityRecord;
  /** KV revision, for compare-and-set. */
  readonly revision: number;
}

/** A join token as stored: only its hash is the key; the token itself is never stored. */
export interface JoinTokenRecord {
  readonly kind: string;
  /** The name it may enroll, or `*` for any name of its kind. */
  readonly name: string;
  readonly roles: readonly string[];
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly usedAtMs?: number;
  readonly usedBy?: string;
}

export class IdentityStore {
  constructor(private readonly kv: KV) {}

  static identityKey(subject: string): string {
    return identityRecordKey(subject);
  }

  async get(subject: string): Promise<StoredIdentity | undefined> {
    const entry = await this.#get(IdentityStore.identityKey(subject));
    if (entry === undefined) return undefined;
    return { record: decodeIdentityRecord(entry.value, subject), revision: entry.revision };
  }

  /** The subject a key id belongs to. */
  async subjectOfKey(keyId: string): Promise<string | undefined> {
    const entry = await this.#get(keyIndexKey(keyId));
    return entry === undefined ? undefined : new TextDecoder().decode(entry.value);
  }

  /**
   * Writes a record: created when `revision` is undefined, else only over that revision (Aborted
   * when another replica wrote in between). Indexes every key of the identity.
   */
  async put(record: IdentityRecord, revision: number | undefined): Promise<number> {
    const key = IdentityStore.identityKey(record.identity.id);
    const value = encodeIdentityRecord(record);
    let written: number;
    try {
      written =
        revision === undefined
          ? await this.kv.create(key, value)
          : await this.kv.update(key, value, revision);
    } catch (err) {
      throw new OmegaError(
        Code.Aborted,
        `omega_identities ${key} (${record.identity.id}): changed concurrently, retry: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    for (const publicKey of record.identity.keys) {
      await this.kv.put(keyIndexKey(publicKey.keyId), record.identity.id);
    }
    return written;
  }

  /** Every identity record, in key order, starting after `afterKey`. */
  async list(
    afterKey: string | undefined,
    limit: number,
  ): Promise<{ records: IdentityRecord[]; lastKey?: string }> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys('id.>')) keys.push(key);
    keys.sort();
    const records: IdentityRecord[] = [];
    let lastKey: string | undefined;
    for (const key of keys) {
      if (afterKey !== undefined && key <= afterKey) continue;
      if (records.length === limit) return { records, lastKey };
      const entry = await this.#get(key);
      if (entry === undefined) continue;
      records.push(decodeIdentityRecord(entry.value, key));
      lastKey = key;
    }
    return { records };
  }

  /** Stores a new join token's record under its hash; AlreadyExists on a (vanishingly unlikely) clash. */
  async createJoinToken(tokenHash: string, record: JoinTokenRecord): Promise<void> {
    try {
      await this.kv.create(`join.${tokenHash}`, JSON.stringify(record));
    } catch (err) {
      throw new OmegaError(Code.AlreadyExists, `join token ${tokenHash.slice(0, 12)}… exists`, {
        cause: err,
      });
    }
  }

  async getJoinToken(
    tokenHash: string,
  ): Promise<{ record: JoinTokenRecord; revision: number } | undefined> {
    const entry = await this.#get(`join.${tokenHash}`);
    if (entry === undefined) return undefined;
    return {
      record: JSON.parse(new TextDecoder().decode(entry.value)) as JoinTokenRecord,
      revision: entry.revision,
    };
  }

  /**
   * Replaces a join token's record, only over `revision`: exactly one of two concurrent redeemers
   * wins. The new revision, or undefined when another writer got there first.
   */
  async updateJoinToken(
    tokenHash: string,
    record: JoinTokenRecord,
    revision: number,
  ): Promise<number | undefined> {
    try {
      return await this.kv.update(`join.${tokenHash}`, JSON.stringify(record), revision);
    } catch {
      // The only expected failure is a wrong last sequence: someone else redeemed it first.
      return undefined;
    }
  }

  /**
   * Records a nonce; false when it was already recorded (a replay). KV create() fails if the key
   * exists, so replicas sharing the bucket agree on the first use.
   */
  async recordNonce(issuer: string, nonce: string, expiresAtMs: number): Promise<boolean> {
    const key = `nonce.${createHash('sha256').update(issuer).update('\0').update(nonce).digest('hex')}`;
    try {
      await this.kv.create(key, JSON.stringify({ expiresAtMs }));
      return true;
    } catch (err) {
      const existing = await this.#get(key);
      if (existing !== undefined) return false;
      throw OmegaError.wrap(
        err,
        `omega_identities ${key}: recording a gateway-token nonce`,
        Code.Unavailable,
      );
    }
  }

  /**
   * Deletes nonces whose token has expired (an expired token is refused before its nonce is looked
   * at, so forgetting the nonce then is safe). Returns how many were removed.
   */
  async sweepNonces(nowMs: number): Promise<number> {
    let removed = 0;
    const keys: string[] = [];
    for await (const key of await this.kv.keys('nonce.>')) keys.push(key);
    for (const key of keys) {
      const entry = await this.#get(key);
      if (entry === undefined) continue;
      const { expiresAtMs } = JSON.parse(new TextDecoder().decode(entry.value)) as {
        expiresAtMs: number;
      };
      if (expiresAtMs < nowMs) {
        await this.kv.purge(key);
        removed++;
      }
    }
    return removed;
  }

  async #get(key: string): Promise<{ value: Uint8Array; revision: number } | undefined> {
    const entry = await this.kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    return { value: entry.value, revision: entry.revision };
  }
}
