// Verifies gateway tokens: format, lifetime, audience, a known and unrevoked issuer, both signature
// parts, then the nonce (recorded in KV with create(), so a replay is refused by every replica).
import { Code, OmegaError } from '@omega/runtime';
import { SignaturePurpose, signedMessage } from '@omega/crypto';
import {
  GATEWAY_TOKEN_MAX_TTL_MS,
  parseGatewayToken,
  type GatewayTokenClaims,
} from '@omega/trust-client';
import type { Identity } from '@omega/proto';
import type { IdentityStore } from './identity-store';
import { currentView, type IdentityVerifier } from './identity-verifier';

/** The check a token failed, first word of the error message. */
export type GatewayTokenCheck =
  | 'malformed'
  | 'expired'
  | 'not yet valid'
  | 'lifetime too long'
  | 'wrong audience'
  | 'unknown issuer'
  | 'revoked'
  | 'bad ed25519 part'
  | 'bad ml-dsa part'
  | 'replayed nonce';

export class GatewayTokenError extends OmegaError {
  constructor(
    readonly check: GatewayTokenCheck,
    detail: string,
  ) {
    super(Code.Unauthenticated, `gateway token: ${check}: ${detail}`);
  }
}

export interface VerifiedGatewayToken {
  readonly claims: GatewayTokenClaims;
  readonly issuer: Identity;
}

export class GatewayTokenVerifier {
  constructor(
    private readonly store: IdentityStore,
    private readonly verifier: IdentityVerifier,
    private readonly options: { clockSkewMs: number },
  ) {}

  /** Returns the claims and issuer, or throws GatewayTokenError naming the failed check. */
  async verify(token: string, audience: string, nowMs: number): Promise<VerifiedGatewayToken> {
    let parsed;
    try {
      parsed = parseGatewayToken(token);
    } catch (err) {
      throw new GatewayTokenError(
        'malformed',
        (err as Error).message.replace(/^gateway token: malformed: /, ''),
      );
    }
    const { claims, payload, signature } = parsed;
    const from = `from ${claims.iss}`;
    if (nowMs >= claims.expMs) {
      throw new GatewayTokenError(
        'expired',
        `${from} expired at ${new Date(claims.expMs).toISOString()}`,
      );
    }
    if (claims.iatMs > nowMs + this.options.clockSkewMs) {
      throw new GatewayTokenError(
        'not yet valid',
        `${from} issued at ${new Date(claims.iatMs).toISOString()}, in the future`,
      );
    }
    if (claims.expMs - claims.iatMs > GATEWAY_TOKEN_MAX_TTL_MS) {
      throw new GatewayTokenError(
        'lifetime too long',
        `${from} lives ${claims.expMs - claims.iatMs} ms, at most ${GATEWAY_TOKEN_MAX_TTL_MS}`,
      );
    }
    if (claims.aud !== audience) {
      throw new GatewayTokenError(
        'wrong audience',
        `${from} is for '${claims.aud}', not '${audience}'`,
      );
    }
    if (signature.keyId !== claims.kid) {
      throw new GatewayTokenError(
        'malformed',
        `${from}: signature key ${signature.keyId.slice(0, 80)} is not kid ${claims.kid.slice(0, 80)}`,
      );
    }
    const found = await this.verifier.usableKey(claims.kid, nowMs, `token ${from}`);
    if ('failure' in found) {
      const revoked = found.detail.includes(': revoked:') || found.detail.includes(': expired:');
      throw new GatewayTokenError(revoked ? 'revoked' : 'unknown issuer', found.detail);
    }
    if (found.record.identity.id !== claims.iss) {
      throw new GatewayTokenError(
        'unknown issuer',
        `${from}: key ${claims.kid} belongs to ${found.record.identity.id}`,
      );
    }
    const refusal = this.verifier.checkParts(
      found.key,
      signedMessage(SignaturePurpose.Token, payload),
      signature,
      `token ${from}`,
    );
    if (refusal) {
      throw new GatewayTokenError(
        refusal.detail.includes('bad ed25519 part')
          ? 'bad ed25519 part'
          : refusal.detail.includes('bad ml-dsa part')
            ? 'bad ml-dsa part'
            : 'malformed',
        refusal.detail,
      );
    }
    // Last, so that forged or expired tokens never use up a nonce.
    if (!(await this.store.recordNonce(claims.iss, claims.nonce, claims.expMs))) {
      throw new GatewayTokenError(
        'replayed nonce',
        `${from}: nonce ${claims.nonce.slice(0, 40)} was already used`,
      );
    }
    return { claims, issuer: currentView(found.record.identity, nowMs) };
  }
}
