// Credential renewal: a request signed with the current key, and a loop that renews at about two
// thirds of the credential's lifetime, retrying with backoff until it expires.
import type * as grpc from '@grpc/grpc-js';
import { Code, OmegaError } from '@omega/runtime';
import { RenewIdentityRequest } from '@omega/proto';
import { credentialsFrom, type Credentials } from './credentials';
import type { CredentialSource } from './mutual-tls';
import { DEFAULT_CALL_TIMEOUT_MS, trustServiceClient } from './trust-calls';

/** Signature purpose of renewal requests (the current key over the request without `proof`). */
export const RENEWAL_PURPOSE = 'identity-renewal';
/** Renew once this share of the lifetime has passed. */
export const RENEW_AT_FRACTION = 2 / 3;

/** A RenewIdentityRequest for the same key, carrying the current credential, signed with the key. */
export function renewalRequest(
  credentials: Credentials,
  options: { nowMs: number; ttlSeconds?: number },
): RenewIdentityRequest {
  const unsigned = RenewIdentityRequest.fromPartial({
    identityId: credentials.subject,
    ttlSeconds: options.ttlSeconds ?? 0,
    requestTimeNs: BigInt(options.nowMs) * 1_000_000n,
    requestId: `renew-${credentials.subject}-${options.nowMs}`,
    // Trust takes the key that signs `proof` from its own signature on this, not from KV.
    currentCredential: credentials.credential,
  });
  const proof = credentials.signer.sign(
    RENEWAL_PURPOSE,
    RenewIdentityRequest.encode(unsigned).finish(),
  );
  return { ...unsigned, proof };
}

export interface RenewOptions {
  readonly trustAddress: string;
  readonly channelCredentials?: grpc.ChannelCredentials;
  readonly ttlSeconds?: number;
  readonly timeoutMs?: number;
  /** Default Date.now. */
  readonly clock?: () => number;
}

/** Renews once: new validity and TLS certificate for the same key. */
export async function renew(credentials: Credentials, options: RenewOptions): Promise<Credentials> {
  const nowMs = (options.clock ?? Date.now)();
  const client = trustServiceClient(options.trustAddress, options.channelCredentials);
  try {
    const response = await client.renewIdentity(
      renewalRequest(credentials, {
        nowMs,
        ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
      }),
      { timeoutMs: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS },
    );
    if (!response.identity || !response.credential) {
      throw new OmegaError(
        Code.Internal,
        `renew ${credentials.subject}: trust answered without identity or credential`,
      );
    }
    return credentialsFrom(
      response.identity,
      response.credential,
      credentials.secretKey,
      credentials.mlDsa,
      credentials.tlsPrivateKey,
    );
  } finally {
    client.close();
  }
}

/** Milliseconds from `nowMs` until the renewal point (never negative). */
export function renewalDelayMs(credentials: Credentials, nowMs: number): number {
  const lifetime = credentials.notAfterMs - credentials.notBeforeMs;
  return Math.max(0, credentials.notBeforeMs + lifetime * RENEW_AT_FRACTION - nowMs);
}

export interface CredentialRenewalOptions extends RenewOptions {
  /** Told about every failed attempt; the loop keeps trying until the credential expires. */
  readonly onError?: (err: OmegaError) => void;
  /** Renews with this instead of `renew` (tests, or a caller with its own transport). */
  readonly renewOnce?: (credentials: Credentials) => Promise<Credentials>;
}

/** Keeps credentials fresh in the background; a CredentialSource for mutual-TLS servers. */
export class CredentialRenewal implements CredentialSource {
  #current: Credentials;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  readonly #listeners = new Set<(credentials: Credentials) => void>();
  readonly #clock: () => number;

  constructor(
    initial: Credentials,
    private readonly options: CredentialRenewalOptions,
  ) {
    this.#current = initial;
    this.#clock = options.clock ?? Date.now;
  }

  current(): Credentials {
    return this.#current;
  }

  onRenewed(listener: (credentials: Credentials) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): this {
    if (this.#stopped) {
      this.#stopped = false;
      this.#schedule(renewalDelayMs(this.#current, this.#clock()));
    }
    return this;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Renews now; resolves with the new credentials (listeners are told first). */
  async renewNow(): Promise<Credentials> {
    const renewOnce = this.options.renewOnce ?? ((c: Credentials) => renew(c, this.options));
    const renewed = await renewOnce(this.#current);
    this.#current = renewed;
    for (const listener of this.#listeners) listener(renewed);
    return renewed;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#attempt(), delayMs);
    this.#timer.unref();
  }

  async #attempt(): Promise<void> {
    try {
      const renewed = await this.renewNow();
      this.#schedule(renewalDelayMs(renewed, this.#clock()));
    } catch (err) {
      const remainingMs = this.#current.notAfterMs - this.#clock();
      this.options.onError?.(
        OmegaError.wrap(
          err,
          `renewing ${this.#current.subject} (expires in ${Math.round(remainingMs / 1000)} s)`,
          Code.Unavailable,
        ),
      );
      // Retry sooner as expiry nears, but not in a tight loop: between 1 s and 30 s.
      this.#schedule(Math.min(30_000, Math.max(1_000, remainingMs / 4)));
    }
  }
}
