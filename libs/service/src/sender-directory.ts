// Who holds a signing key: trust's identity records in the KV bucket `omega_identities` (written
// only by trust), read through a small cache so a batch costs no KV round trip in the steady state.
import type { KV } from '@omega/bus';
import type { Identity } from '@omega/proto';
import { decodeIdentityRecord, identityRecordKey, keyIndexKey } from '@omega/trust-client';

export interface SenderDirectoryOptions {
  /** How long a found identity is trusted before it is read again (revocations show within it). */
  readonly cacheMs?: number;
  /** How long "unknown key" is remembered (short: a sentinel that just enrolled is found soon). */
  readonly negativeCacheMs?: number;
  /** Most keys cached; the oldest entry is dropped beyond it. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Cached {
  readonly identity: Identity | undefined;
  readonly expiresAtMs: number;
}

export class SenderDirectory {
  private readonly cache = new Map<string, Cached>();
  private readonly cacheMs: number;
  private readonly negativeCacheMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly kv: KV,
    options: SenderDirectoryOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 30_000;
    this.negativeCacheMs = options.negativeCacheMs ?? 1_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The identity trust issued key `keyId` to, or undefined when trust has no such key. */
  async identityOfKey(keyId: string): Promise<Identity | undefined> {
    const nowMs = this.now();
    const hit = this.cache.get(keyId);
    if (hit !== undefined && hit.expiresAtMs > nowMs) return hit.identity;
    const identity = await this.read(keyId);
    this.cache.delete(keyId);
    this.cache.set(keyId, {
      identity,
      expiresAtMs: nowMs + (identity === undefined ? this.negativeCacheMs : this.cacheMs),
    });
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    return identity;
  }

  private async read(keyId: string): Promise<Identity | undefined> {
    // Key ids are hex; anything else cannot be a KV key trust wrote (and could not be a key token).
    if (!/^[0-9a-f]{1,128}$/.test(keyId)) return undefined;
    const subjectEntry = await this.kv.get(keyIndexKey(keyId));
    if (subjectEntry === null || subjectEntry.operation !== 'PUT') return undefined;
    const subject = new TextDecoder().decode(subjectEntry.value);
    const recordKey = identityRecordKey(subject);
    const recordEntry = await this.kv.get(recordKey);
    if (recordEntry === null || recordEntry.operation !== 'PUT') return undefined;
    const { identity } = decodeIdentityRecord(recordEntry.value, recordKey);
    return identity.keys.some((k) => k.keyId === keyId) ? identity : undefined;
  }
}
