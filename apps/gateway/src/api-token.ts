// Bearer tokens for people and automation: the secret a caller sends and the claims trust signs.
//
// Secret: `omegat_<id>_<secret>`, sent as `authorization: Bearer <secret>`. The id (16 hex
// digits) names the token's record; the secret part (32 random bytes, base64url) is known only
// to the holder: the gateway keeps its SHA-256 in the signed claims, never the secret.
// Claims: UTF-8 JSON, signed by trust (TrustService.Sign, purpose `gateway-api-token`) and kept
// as signed, so a record altered in the KV bucket no longer verifies. Pure: no I/O, no clock.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { isRole, type Role } from './gateway-roles';

export const TOKEN_PREFIX = 'omegat';
export const TOKEN_SIGN_PURPOSE = 'gateway-api-token';
/** Longest secret accepted before parsing: the format's own length is 7 + 16 + 1 + 43. */
export const MAX_BEARER_LENGTH = 256;

const SECRET = /^omegat_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface TokenClaims {
  readonly v: 1;
  /** Token id (16 hex digits). */
  readonly id: string;
  /** The principal it acts as: `user:<name>` or a trust identity (`omega://…/operator/cli`). */
  readonly sub: string;
  readonly roles: readonly Role[];
  /** Trust domain of the gateway it is for: a token of one cluster is refused by another. */
  readonly aud: string;
  readonly iatMs: number;
  readonly expMs: number;
  /** Who created it. */
  readonly by: string;
  /** SHA-256 of the secret, hex. */
  readonly secretSha256: string;
}

export interface BearerSecret {
  readonly id: string;
  readonly text: string;
}

/** `omegat_<id>_<secret>` from 8 id bytes and 32 secret bytes (randomness is passed in). */
export function formatSecret(idBytes: Uint8Array, secretBytes: Uint8Array): BearerSecret {
  if (idBytes.length !== 8 || secretBytes.length !== 32) {
    throw new OmegaError(Code.Internal, 'token: needs 8 id bytes and 32 secret bytes');
  }
  const id = Buffer.from(idBytes).toString('hex');
  return { id, text: `${TOKEN_PREFIX}_${id}_${Buffer.from(secretBytes).toString('base64url')}` };
}

/**
 * The token in an `authorization` header value, or undefined when the header is not a bearer
 * credential at all; UNAUTHENTICATED when it is one but not an Omega token.
 */
export function parseBearer(header: string): BearerSecret | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.slice(0, MAX_BEARER_LENGTH + 16));
  if (match === null) {
    if (/^Bearer\b/i.test(header)) {
      throw new OmegaError(
        Code.Unauthenticated,
        `authorization: bearer token too long or malformed (at most ${MAX_BEARER_LENGTH} characters)`,
      );
    }
    return undefined;
  }
  const text = match[1]!;
  const parts = text.length <= MAX_BEARER_LENGTH ? SECRET.exec(text) : null;
  if (parts === null) {
    throw new OmegaError(
      Code.Unauthenticated,
      "authorization: not an Omega token (expected 'Bearer omegat_<16 hex>_<43 base64url>', from CreateToken or `omega tokens create`)",
    );
  }
  return { id: parts[1]!, text };
}

export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** True when `secret` hashes to `sha256Hex`, compared in constant time. */
export function secretMatches(secret: string, sha256Hex: string): boolean {
  const expected = Buffer.from(sha256Hex, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function encodeClaims(claims: TokenClaims): Buffer {
  return Buffer.from(JSON.stringify(claims), 'utf8');
}

/** The claims in a signed document; DATA_LOSS naming the token when they are not well formed. */
export function decodeClaims(document: Uint8Array, id: string): TokenClaims {
  const fail = (detail: string, cause?: unknown): OmegaError =>
    new OmegaError(Code.DataLoss, `token ${id}: stored claims unreadable: ${detail}`, { cause });
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(document).toString('utf8'));
  } catch (err) {
    throw fail(`not JSON: ${errorMessage(err)}`, err);
  }
  if (typeof value !== 'object' || value === null) throw fail('not a JSON object');
  const c = value as Record<string, unknown>;
  if (c['v'] !== 1) throw fail(`version ${String(c['v'])}, expected 1`);
  for (const field of ['id', 'sub', 'aud', 'by', 'secretSha256'] as const) {
    if (typeof c[field] !== 'string' || c[field] === '') throw fail(`'${field}' missing`);
  }
  for (const field of ['iatMs', 'expMs'] as const) {
    if (!Number.isSafeInteger(c[field])) throw fail(`'${field}' must be an integer`);
  }
  const roles = c['roles'];
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && isRole(r))) {
    throw fail("'roles' must be a list of roles");
  }
  if (c['id'] !== id) throw fail(`signed for token ${String(c['id'])}`);
  return value as TokenClaims;
}
