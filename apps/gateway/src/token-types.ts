// What the token registry needs (a signer) and takes (settings, a new token's fields), and whom
// it accepts.
import type { HybridSignature } from '@omega/proto';
import type { TokenClaims } from './api-token';
import type { Role } from './gateway-roles';

/** What the registry needs from trust: a signature over the claims and a check of one. */
export interface TokenSigner {
  sign(
    document: Buffer,
    requestId: string,
  ): Promise<{ signature: HybridSignature; signerId: string }>;
  /** Undefined when valid; otherwise why not. */
  verify(
    document: Uint8Array,
    signature: HybridSignature,
    signerId: string,
  ): Promise<string | undefined>;
}

export interface TokenRegistrySettings {
  /** Lifetime when the request names none. */
  readonly defaultTtlSeconds: number;
  /** Longest lifetime granted. */
  readonly maxTtlSeconds: number;
  /** Most unexpired tokens kept; CreateToken answers RESOURCE_EXHAUSTED beyond. */
  readonly maxTokens: number;
}

export interface NewToken {
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly description: string;
  readonly ttlSeconds: number;
  /** Who asks: their principal id. */
  readonly createdBy: string;
  /** The latest the token may expire (a token-made token never outlives its maker's). */
  readonly notAfterMs?: number;
  readonly requestId: string;
}

/** A caller the registry accepted. */
export interface TokenHolder {
  readonly claims: TokenClaims;
}
