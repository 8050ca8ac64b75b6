// Gateway tokens: short-lived, audience-bound, hybrid-signed assertions with a nonce against replay.
//
// Text form: `omegat1.<base64url payload>.<base64url signature>`. The payload is UTF-8 JSON
// (`GatewayTokenClaims`); the signature is an encoded omega.v1.HybridSignature by the issuer's key
// for the purpose 'token' over the payload bytes exactly as carried (never re-serialised JSON).
import { randomBytes } from 'node:crypto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { HybridSignature } from '@omega/proto';
import { SignaturePurpose, type HybridSigner } from '@omega/crypto';

export const GATEWAY_TOKEN_PREFIX = 'omegat1';
/** Longest lifetime a gateway token may claim; verifiers refuse longer ones. */
export const GATEWAY_TOKEN_MAX_TTL_MS = 5 * 60_000;

export interface GatewayTokenClaims {
  /** Issuer: the subject of the identity whose key signed (`omega://local/service/gateway`). */
  readonly iss: string;
  /** Key id of the signing key. */
  readonly kid: string;
  /** Audience: the one service that may accept it, e.g. `omega-gateway`. */
  readonly aud: string;
  /** Issued at and expires at, Unix milliseconds. */
  readonly iatMs: number;
  readonly expMs: number;
  /** 128 random bits, base64url; a verifier accepts each (iss, nonce) once. */
  readonly nonce: string;
  /** Roles asked for; the gateway grants at most the identity's roles. */
  readonly roles?: readonly string[];
}

export interface ParsedGatewayToken {
  readonly claims: GatewayTokenClaims;
  /** The signed bytes, exactly as carried in the token. */
  readonly payload: Uint8Array;
  readonly signature: HybridSignature;
}

export interface MintGatewayTokenOptions {
  /** The issuer's subject (its credential's identity id). */
  readonly issuer: string;
  readonly audience: string;
  readonly nowMs: number;
  /** Default 60 s; at most GATEWAY_TOKEN_MAX_TTL_MS. */
  readonly ttlMs?: number;
  readonly roles?: readonly string[];
  /** Default: 16 random bytes. */
  readonly nonce?: string;
}

/** Signs a token with the issuer's hybrid key. */
export function mintGatewayToken(signer: HybridSigner, options: MintGatewayTokenOptions): string {
  const ttlMs = options.ttlMs ?? 60_000;
  if (!(ttlMs > 0 && ttlMs <= GATEWAY_TOKEN_MAX_TTL_MS)) {
    throw new OmegaError(
      Code.InvalidArgument,
      `gateway token: ttlMs ${ttlMs} must be in (0, ${GATEWAY_TOKEN_MAX_TTL_MS}]`,
    );
  }
  const claims: GatewayTokenClaims = {
    iss: options.issuer,
    kid: signer.keyId,
    aud: options.audience,
    iatMs: options.nowMs,
    expMs: options.nowMs + ttlMs,
    nonce: options.nonce ?? randomBytes(16).toString('base64url'),
    ...(options.roles ? { roles: [...options.roles] } : {}),
  };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8');
  const signature = signer.sign(SignaturePurpose.Token, payload);
  return [
    GATEWAY_TOKEN_PREFIX,
    payload.toString('base64url'),
    Buffer.from(HybridSignature.encode(signature).finish()).toString('base64url'),
  ].join('.');
}

/** Splits and decodes a token without checking it; InvalidArgument (malformed) otherwise. */
export function parseGatewayToken(token: string): ParsedGatewayToken {
  const fail = (detail: string, cause?: unknown): OmegaError =>
    new OmegaError(Code.InvalidArgument, `gateway token: malformed: ${detail}`, { cause });
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== GATEWAY_TOKEN_PREFIX) {
    throw fail(`expected '${GATEWAY_TOKEN_PREFIX}.<payload>.<signature>'`);
  }
  const [, payloadText, signatureText] = parts as [string, string, string];
  const base64url = /^[A-Za-z0-9_-]+$/;
  if (!base64url.test(payloadText) || !base64url.test(signatureText)) {
    throw fail('payload and signature must be base64url without padding');
  }
  const payload = Buffer.from(payloadText, 'base64url');
  let claims: unknown;
  try {
    claims = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw fail(`payload is not JSON: ${errorMessage(err)}`, err);
  }
  checkClaims(claims, fail);
  let signature: HybridSignature;
  try {
    signature = HybridSignature.decode(Buffer.from(signatureText, 'base64url'));
  } catch (err) {
    throw fail(`signature is not an omega.v1.HybridSignature: ${errorMessage(err)}`, err);
  }
  return { claims, payload, signature };
}

function checkClaims(
  claims: unknown,
  fail: (detail: string) => OmegaError,
): asserts claims is GatewayTokenClaims {
  if (typeof claims !== 'object' || claims === null) throw fail('payload is not a JSON object');
  const c = claims as Record<string, unknown>;
  for (const field of ['iss', 'kid', 'aud', 'nonce'] as const) {
    if (typeof c[field] !== 'string' || c[field] === '') throw fail(`claim '${field}' missing`);
  }
  for (const field of ['iatMs', 'expMs'] as const) {
    if (!Number.isSafeInteger(c[field])) throw fail(`claim '${field}' must be an integer`);
  }
  if (
    c.roles !== undefined &&
    !(Array.isArray(c.roles) && c.roles.every((r) => typeof r === 'string'))
  ) {
    throw fail("claim 'roles' must be a list of strings");
  }
}
