// The gateway's bearer tokens: issued (claims signed by trust, the issue logged in the audit log,
// the record kept in the KV bucket omega_gateway_tokens), checked on every call, listed and
// revoked. Every replica watches the bucket, so a revocation made on one is refused by all.
import { randomBytes } from 'node:crypto';
import type { KV } from '@omega/bus';
import { AuditEntry, AuditEntryKind, GatewayTokenRecord, TokenInfo } from '@omega/proto';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { AuditClient } from '@omega/trust-client';
import {
  decodeClaims,
  encodeClaims,
  formatSecret,
  secretDigest,
  secretMatches,
  type BearerSecret,
  type TokenClaims,
} from './api-token';
import type { NewToken, TokenHolder, TokenRegistrySettings, TokenSigner } from './token-types';

export const TOKENS_BUCKET = 'omega_gateway_tokens';
/** How long an id found missing is not read again; how many such ids are remembered. */
const MISSING_RECHECK_MS = 5_000;
const MAX_MISSING = 4096;
/** A token's key in the bucket: its id. */
const TOKEN_ID = /^[0-9a-f]{16}$/;

export type { NewToken, TokenHolder, TokenRegistrySettings, TokenSigner } from './token-types';

interface Known {
  record: GatewayTokenRecord;
  revision: number;
  /** Set once trust confirmed the signature over this record's document. */
  verified?: TokenClaims;
}

export class TokenRegistry {
  readonly #known = new Map<string, Known>();
  readonly #lastUseMs = new Map<string, number>();
  /** Ids read and found missing, and when. */
  readonly #missing = new Map<string, number>();
  #stopWatch: () => void = () => {};

  private constructor(
    private readonly kv: KV,
    private readonly signer: TokenSigner,
    private readonly audit: AuditClient,
    private readonly actor: () => { id: string; keyId: string },
    private readonly audience: string,
    private readonly settings: TokenRegistrySettings,
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {}

  /** Opens the registry and waits until the records stored now have been read. */
  static async open(options: {
    kv: KV;
    signer: TokenSigner;
    audit: AuditClient;
    actor: () => { id: string; keyId: string };
    audience: string;
    settings: TokenRegistrySettings;
    logger: Logger;
    clock?: () => number;
    onUnreadable?: (key: string) => void;
  }): Promise<TokenRegistry> {
    const registry = new TokenRegistry(
      options.kv,
      options.signer,
      options.audit,
      options.actor,
      options.audience,
      options.settings,
      options.logger,
      options.clock ?? Date.now,
    );
    await registry.#watch(options.onUnreadable);
    return registry;
  }

  stop(): void {
    this.#stopWatch();
  }

  async #watch(onUnreadable?: (key: string) => void): Promise<void> {
    const watcher = await this.kv.watch({ key: '>' });
    this.#stopWatch = () => watcher.stop();
    let ready: () => void = () => {};
    const initialized = new Promise<void>((resolve) => (ready = resolve));
    if ((await this.kv.status()).values === 0) ready();
    void (async () => {
      for await (const entry of watcher) {
        if (!TOKEN_ID.test(entry.key)) {
          // The gateway's own markers (first-admin-token), not tokens.
        } else if (entry.operation !== 'PUT') {
          this.#known.delete(entry.key);
        } else {
          try {
            const record = GatewayTokenRecord.decode(entry.value);
            if (record.info?.id !== entry.key) {
              throw new Error(`names token ${record.info?.id ?? '(none)'}`);
            }
            const before = this.#known.get(entry.key);
            // A newer revision of the same signed document keeps its verification.
            const verified =
              before !== undefined &&
              Buffer.from(before.record.document).equals(Buffer.from(record.document))
                ? before.verified
                : undefined;
            this.#known.set(entry.key, {
              record,
              revision: entry.revision,
              ...(verified ? { verified } : {}),
            });
          } catch (err) {
            // A record nobody can read lets nobody in: its token is refused as unknown.
            this.#known.delete(entry.key);
            onUnreadable?.(entry.key);
            this.logger.error(
              { err, key: entry.key, revision: entry.revision },
              `${TOKENS_BUCKET} ${entry.key} (revision ${entry.revision}) unreadable, its token is refused: ${errorMessage(err)}`,
            );
          }
        }
        if (entry.delta === 0) ready();
      }
    })().catch((err: unknown) => {
      this.logger.error(
        { err },
        `watch on ${TOKENS_BUCKET} ended: ${errorMessage(err)}; tokens issued or revoked elsewhere are not seen until restart`,
      );
    });
    await initialized;
  }

  /** Issues a token: claims signed by trust, logged, stored; the secret is returned only here. */
  async create(request: NewToken): Promise<{ info: TokenInfo; secret: string }> {
    const nowMs = this.clock();
    const live = [...this.#known.values()].filter(
      ({ record }) => Number(record.info?.expireTimeNs ?? 0n) / 1e6 > nowMs,
    ).length;
    if (live >= this.settings.maxTokens) {
      throw new OmegaError(
        Code.ResourceExhausted,
        `CreateToken: ${live} unexpired tokens, the most this gateway keeps (gateway.tokens.maxTokens); revoke some or wait for them to expire`,
      );
    }
    const ttlSeconds = Math.min(
      request.ttlSeconds > 0 ? request.ttlSeconds : this.settings.defaultTtlSeconds,
      this.settings.maxTtlSeconds,
    );
    const expMs = Math.min(nowMs + ttlSeconds * 1000, request.notAfterMs ?? Infinity);
    const secret: BearerSecret = formatSecret(randomBytes(8), randomBytes(32));
    const claims: TokenClaims = {
      v: 1,
      id: secret.id,
      sub: request.subject,
      roles: [...request.roles],
      aud: this.audience,
      iatMs: nowMs,
      expMs,
      by: request.createdBy,
      secretSha256: secretDigest(secret.text),
    };
    const document = encodeClaims(claims);
    const { signature, signerId } = await this.signer.sign(
      document,
      request.requestId === '' ? `token:${secret.id}` : `token:${request.requestId}`,
    );
    const info: TokenInfo = {
      id: secret.id,
      subject: claims.sub,
      roles: [...claims.roles],
      description: request.description,
      createdBy: claims.by,
      createTimeNs: BigInt(nowMs) * 1_000_000n,
      expireTimeNs: BigInt(expMs) * 1_000_000n,
      lastUseTimeNs: 0n,
      revokeTimeNs: 0n,
    };
    // Logged before it exists: no token works that the audit log does not show.
    await this.#log(
      AuditEntryKind.AUDIT_ENTRY_KIND_TOKEN_ISSUED,
      info,
      `token ${info.id} for ${info.subject} (roles ${info.roles.join(', ')}) created by ${info.createdBy}, expires ${new Date(expMs).toISOString()}`,
      `token-issued:${info.id}`,
    );
    const record: GatewayTokenRecord = { info, document, signature, signerId };
    const revision = await this.kv.create(info.id, GatewayTokenRecord.encode(record).finish());
    this.#known.set(info.id, { record, revision, verified: claims });
    return { info, secret: secret.text };
  }

  /**
   * The holder of `secret`, after checking it against the signed claims: known, the right secret,
   * signed by trust, for this cluster, not revoked, not expired. UNAUTHENTICATED naming the
   * token and the check it failed otherwise.
   */
  async authenticate(secret: BearerSecret): Promise<TokenHolder> {
    const refuse = (why: string): OmegaError =>
      new OmegaError(Code.Unauthenticated, `token ${secret.id}: ${why}`);
    const known = this.#known.get(secret.id) ?? (await this.#read(secret.id));
    if (known === undefined) throw refuse('unknown to this gateway (never issued, or removed)');
    const claims = known.verified ?? (await this.#verify(secret.id, known));
    if (!secretMatches(secret.text, claims.secretSha256)) throw refuse('wrong secret');
    if (claims.aud !== this.audience) {
      throw refuse(`issued for trust domain ${claims.aud}, not ${this.audience}`);
    }
    const current = this.#known.get(secret.id)?.record.info ?? known.record.info;
    if (current !== undefined && current.revokeTimeNs > 0n) {
      throw refuse(`revoked at ${isoNs(current.revokeTimeNs)}`);
    }
    const nowMs = this.clock();
    if (nowMs >= claims.expMs) throw refuse(`expired at ${new Date(claims.expMs).toISOString()}`);
    this.#lastUseMs.set(secret.id, nowMs);
    return { claims };
  }

  /** A token made on another replica may not have come through the watch yet: read it once
   * (an id found missing is not read again for MISSING_RECHECK_MS: made-up ids cost little). */
  async #read(id: string): Promise<Known | undefined> {
    const nowMs = this.clock();
    const missingSince = this.#missing.get(id);
    if (missingSince !== undefined && nowMs - missingSince < MISSING_RECHECK_MS) return undefined;
    const entry = await this.kv.get(id);
    if (entry === null || entry.operation !== 'PUT') {
      if (this.#missing.size >= MAX_MISSING) this.#missing.clear();
      this.#missing.set(id, nowMs);
      return undefined;
    }
    let record: GatewayTokenRecord;
    try {
      record = GatewayTokenRecord.decode(entry.value);
    } catch {
      return undefined; // unreadable: the watch logged and counted it, and lets nobody in
    }
    if (record.info?.id !== id) return undefined;
    const known: Known = { record, revision: entry.revision };
    const current = this.#known.get(id);
    if (current !== undefined && current.revision >= known.revision) return current;
    this.#known.set(id, known);
    return known;
  }

  async #verify(id: string, known: Known): Promise<TokenClaims> {
    const signature = known.record.signature;
    if (signature === undefined) {
      throw new OmegaError(Code.Unauthenticated, `token ${id}: its record carries no signature`);
    }
    const why = await this.signer.verify(known.record.document, signature, known.record.signerId);
    if (why !== undefined) {
      this.logger.error(
        { token: id },
        `${TOKENS_BUCKET} ${id}: trust's signature over the token's claims does not verify (${why}): the record was altered; the token is refused`,
      );
      throw new OmegaError(
        Code.Unauthenticated,
        `token ${id}: its claims are not signed by trust (${why})`,
      );
    }
    const claims = decodeClaims(known.record.document, id);
    const now = this.#known.get(id);
    if (now !== undefined && Buffer.from(now.record.document).equals(known.record.document)) {
      now.verified = claims;
    }
    return claims;
  }

  /** Tokens, newest first, filtered; `lastUseTimeNs` is the last use this replica saw. */
  list(filter: {
    subject?: string;
    createdBy?: string;
    includeRevoked: boolean;
    includeExpired: boolean;
  }): TokenInfo[] {
    const nowNs = BigInt(this.clock()) * 1_000_000n;
    return [...this.#known.values()]
      .map(({ record }) => record.info)
      .filter((info): info is TokenInfo => info !== undefined)
      .filter(
        (info) =>
          (filter.subject === undefined || info.subject === filter.subject) &&
          (filter.createdBy === undefined ||
            info.createdBy === filter.createdBy ||
            info.subject === filter.createdBy) &&
          (filter.includeRevoked || info.revokeTimeNs === 0n) &&
          (filter.includeExpired || info.expireTimeNs > nowNs),
      )
      .map((info) => ({
        ...info,
        lastUseTimeNs: BigInt(this.#lastUseMs.get(info.id) ?? 0) * 1_000_000n,
      }))
      .sort((a, b) =>
        a.createTimeNs === b.createTimeNs
          ? a.id.localeCompare(b.id)
          : a.createTimeNs > b.createTimeNs
            ? -1
            : 1,
      );
  }

  get(id: string): TokenInfo | undefined {
    return this.#known.get(id)?.record.info;
  }

  /** Revokes a token: logged, then stored (each replica refuses it once its watch delivers). */
  async revoke(id: string, reason: string, by: string): Promise<TokenInfo> {
    for (let attempt = 0; ; attempt++) {
      const known = this.#known.get(id);
      if (known?.record.info === undefined) {
        throw new OmegaError(
          Code.NotFound,
          `RevokeToken: token ${id} is not known to this gateway`,
        );
      }
      if (known.record.info.revokeTimeNs > 0n) return known.record.info;
      const info: TokenInfo = {
        ...known.record.info,
        revokeTimeNs: BigInt(this.clock()) * 1_000_000n,
      };
      await this.#log(
        AuditEntryKind.AUDIT_ENTRY_KIND_TOKEN_REVOKED,
        info,
        `token ${id} for ${info.subject} revoked by ${by}${reason === '' ? '' : `: ${reason}`}`,
        `token-revoked:${id}`,
      );
      const record = { ...known.record, info };
      try {
        const revision = await this.kv.update(
          id,
          GatewayTokenRecord.encode(record).finish(),
          known.revision,
        );
        this.#known.set(id, { ...known, record, revision });
        return info;
      } catch (err) {
        // Another replica wrote it first: read it again and retry (a revocation it made wins).
        if (attempt >= 3) throw OmegaError.wrap(err, `RevokeToken ${id}`);
        const entry = await this.kv.get(id);
        if (entry !== null && entry.operation === 'PUT') {
          this.#known.set(id, {
            record: GatewayTokenRecord.decode(entry.value),
            revision: entry.revision,
          });
        }
      }
    }
  }

  async #log(kind: AuditEntryKind, info: TokenInfo, summary: string, requestId: string) {
    await this.audit.append(
      AuditEntry.fromPartial({
        kind,
        timeNs: BigInt(this.clock()) * 1_000_000n,
        actor: this.actor(),
        subject: `token/${info.id}`,
        summary,
        payloadType: 'omega.v1.TokenInfo',
        // The secret is never logged: TokenInfo does not carry it.
        payload: Buffer.from(TokenInfo.encode(info).finish()),
      }),
      { requestId },
    );
  }
}

function isoNs(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}
