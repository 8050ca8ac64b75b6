// Idempotency on request_id for the RPCs that create (MintHoneytoken, DeployDecoy): the first call
// of a requester with a request_id claims a key `request.<sha256 of requester and id>` in the
// bucket the created thing lives in, then names what it created there; a repeat within the window
// finds it. Kept in the bucket, so a restarted service, or another replica, answers the same.
import { createHash } from 'node:crypto';
import type { KV } from '@omega/bus';
import { Code, OmegaError } from '@omega/runtime';
import type { Requester } from '@omega/trust-client';

/** How long a request_id is remembered: a repeat later creates again. */
export const REQUEST_ID_WINDOW_MS = 24 * 3600 * 1000;
/** A claim not completed in this long was left by a call that died: it may be taken over. */
export const REQUEST_CLAIM_STALE_MS = 60_000;
/** The keys of request records (any replica's), e.g. for a sweep. */
export const REQUEST_KEY = /^request\.[0-9a-f]{64}$/;

interface RequestRecord {
  v: 1;
  /** What the request created, once it has. */
  id?: string;
  claimedMs: number;
}

/** A request_id's record: what it already created, or a claim to complete or release. */
export type RequestClaim =
  | { readonly done: true; readonly id: string; readonly claimedMs: number }
  | {
      readonly done: false;
      /**
       * Names what the request created; a repeat now finds it. False when that write failed: the
       * call still succeeded (a minted secret must reach its caller), only a repeat may create again.
       */
      complete(id: string): Promise<boolean>;
      /** The request failed: a repeat may try again. */
      release(): Promise<void>;
    };

function keyOf(requester: Requester | undefined, requestId: string): string {
  // Per requester: two callers choosing the same request_id are two requests. Without mutual TLS
  // nobody has an identity and every caller is the same one.
  const digest = createHash('sha256')
    .update(`${requester?.subject ?? ''}\n${requestId}`)
    .digest('hex');
  return `request.${digest}`;
}

function decode(value: Uint8Array): RequestRecord | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value).toString('utf8')) as Partial<RequestRecord>;
    if (parsed.v !== 1 || typeof parsed.claimedMs !== 'number') return undefined;
    return { v: 1, claimedMs: parsed.claimedMs, ...(parsed.id ? { id: parsed.id } : {}) };
  } catch {
    return undefined;
  }
}

const encode = (record: RequestRecord) => Buffer.from(JSON.stringify(record));

export class RequestIds {
  constructor(
    private readonly kv: KV,
    private readonly method: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Claims `requestId` for `requester`, or says what it created within the window. */
  async claim(requester: Requester | undefined, requestId: string): Promise<RequestClaim> {
    const key = keyOf(requester, requestId);
    for (let attempt = 0; ; attempt++) {
      const nowMs = this.clock();
      const entry = await this.kv.get(key);
      const record = entry !== null && entry.operation === 'PUT' ? decode(entry.value) : undefined;
      const live = record !== undefined && nowMs - record.claimedMs < REQUEST_ID_WINDOW_MS;
      if (live && record.id !== undefined) {
        return { done: true, id: record.id, claimedMs: record.claimedMs };
      }
      if (live && nowMs - record.claimedMs < REQUEST_CLAIM_STALE_MS) {
        throw new OmegaError(
          Code.Aborted,
          `${this.method}: request_id "${requestId.slice(0, 64)}": a call with it is under way; retry after it ends`,
        );
      }
      const claim: RequestRecord = { v: 1, claimedMs: nowMs };
      try {
        const revision =
          entry === null
            ? await this.kv.create(key, encode(claim))
            : await this.kv.update(key, encode(claim), entry.revision);
        return {
          done: false,
          complete: (id) =>
            this.kv.update(key, encode({ ...claim, id }), revision).then(
              () => true,
              () => false,
            ),
          release: async () => {
            await this.kv.delete(key, { previousSeq: revision }).catch(() => undefined);
          },
        };
      } catch (err) {
        // Another call claimed it between the read and the write: read again.
        if (attempt >= 2) throw OmegaError.wrap(err, `${this.method}: claiming request_id`);
      }
    }
  }

  /** Deletes up to `max` request records older than the window; returns how many. */
  async sweep(max: number): Promise<number> {
    let deleted = 0;
    const nowMs = this.clock();
    for await (const key of await this.kv.keys('request.>')) {
      if (deleted >= max) break;
      if (!REQUEST_KEY.test(key)) continue;
      const entry = await this.kv.get(key);
      if (entry === null || entry.operation !== 'PUT') continue;
      const record = decode(entry.value);
      if (record !== undefined && nowMs - record.claimedMs < REQUEST_ID_WINDOW_MS) continue;
      await this.kv.purge(key, { previousSeq: entry.revision }).catch(() => undefined);
      deleted++;
    }
    return deleted;
  }
}
