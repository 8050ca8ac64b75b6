// The nucleus protocol's messages: JSON bodies signed with the sender's Ed25519 identity key, sent
// as one UDP datagram each. Pure: verification takes the time and a replay cache from the caller.
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { Code, OmegaError } from '@omega/errors';
import { z } from 'zod';
import { formatPublicIdentity, parsePublicIdentity, type PublicIdentity } from './edge-identity';

export const SIGNAL_MAX_BYTES = 1200;
/** A signed message older or newer than this is refused (clocks of edge hosts drift). */
export const SIGNAL_MAX_SKEW_MS = 30_000;

const hostMessage = z.strictObject({
  type: z.enum(['register', 'heartbeat', 'query', 'relay']),
  cluster: z.string().max(63),
  identity: z.string().max(200),
  wireguardPort: z.int().min(1).max(65535),
  timeMs: z.int().nonnegative(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/),
  /** For `relay`: the peer the direct path to failed. */
  peer: z.string().max(200).optional(),
});
export type HostMessage = z.output<typeof hostMessage>;

const envelope = z.strictObject({ body: z.string().max(1000), sig: z.string().max(100) });

export function encodeSigned(message: HostMessage, key: KeyObject): Buffer {
  const body = Buffer.from(JSON.stringify(message));
  return Buffer.from(
    JSON.stringify({
      body: body.toString('base64url'),
      sig: sign(null, body, key).toString('base64url'),
    }),
  );
}

export interface VerifiedMessage {
  message: HostMessage;
  sender: PublicIdentity;
}

/** Keeps seen nonces for the skew window so a recorded registration cannot be played again. */
export class ReplayCache {
  private readonly seen = new Map<string, number>();
  constructor(private readonly maxEntries = 100_000) {}

  /** False when the nonce was seen within the window. */
  admit(nonce: string, nowMs: number): boolean {
    for (const [n, at] of this.seen) {
      if (nowMs - at <= 2 * SIGNAL_MAX_SKEW_MS) break;
      this.seen.delete(n);
    }
    if (this.seen.has(nonce)) return false;
    if (this.seen.size >= this.maxEntries) {
      throw new OmegaError(Code.ResourceExhausted, `replay cache full (${this.maxEntries} nonces)`);
    }
    this.seen.set(nonce, nowMs);
    return true;
  }
}

/**
 * Parses and checks one datagram: size, shape, signature by the identity it names, clock skew and
 * replay. Each refusal says which of these failed.
 */
export function verifySigned(
  datagram: Buffer,
  nowMs: number,
  replay: ReplayCache,
): VerifiedMessage {
  if (datagram.length > SIGNAL_MAX_BYTES) {
    throw new OmegaError(
      Code.InvalidArgument,
      `message of ${datagram.length} bytes exceeds ${SIGNAL_MAX_BYTES}`,
    );
  }
  let outer: z.output<typeof envelope>;
  let body: Buffer;
  let message: HostMessage;
  try {
    outer = envelope.parse(JSON.parse(datagram.toString('utf8')));
    body = Buffer.from(outer.body, 'base64url');
    message = hostMessage.parse(JSON.parse(body.toString('utf8')));
  } catch (err) {
    const first = err instanceof z.ZodError ? err.issues[0] : undefined;
    throw new OmegaError(
      Code.InvalidArgument,
      `malformed message${first ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : `: ${(err as Error).message}`}`,
    );
  }
  const sender = parsePublicIdentity(message.identity, 'identity');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(sender.identityKey).toString('base64url') },
    format: 'jwk',
  });
  if (!verify(null, body, publicKey, Buffer.from(outer.sig, 'base64url'))) {
    throw new OmegaError(
      Code.Unauthenticated,
      `signature does not verify for identity ${message.identity.slice(0, 43)}`,
    );
  }
  if (Math.abs(nowMs - message.timeMs) > SIGNAL_MAX_SKEW_MS) {
    throw new OmegaError(
      Code.Unauthenticated,
      `message time ${message.timeMs} is more than ${SIGNAL_MAX_SKEW_MS} ms from now (${nowMs})`,
    );
  }
  if (!replay.admit(message.nonce, nowMs)) {
    throw new OmegaError(Code.Unauthenticated, `nonce ${message.nonce} replayed`);
  }
  return { message, sender };
}

export function identityText(identity: PublicIdentity): string {
  return formatPublicIdentity(identity);
}
