// What the nucleus sends a host: a peer to set up now (both ends of a pair get theirs at once),
// signed with the nucleus's Ed25519 key, addressed to one host, with a time and a nonce, so a
// forged or replayed push cannot add a peer (and so a tunnel) to a host.
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { Code, OmegaError } from '@omega/errors';
import { z } from 'zod';
import { ReplayCache, SIGNAL_MAX_BYTES, SIGNAL_MAX_SKEW_MS } from './signalling';

const pushSchema = z.strictObject({
  type: z.literal('peer'),
  /** The host this push is for (its public identity). */
  to: z.string().max(200),
  identity: z.string().max(200),
  endpoint: z.string().max(60),
  timeMs: z.int().nonnegative(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/),
});
export type PeerPush = z.output<typeof pushSchema>;

const envelope = z.strictObject({ body: z.string().max(1000), sig: z.string().max(100) });

export function encodePush(push: PeerPush, nucleusKey: KeyObject): Buffer {
  const body = Buffer.from(JSON.stringify(push));
  return Buffer.from(
    JSON.stringify({
      body: body.toString('base64url'),
      sig: sign(null, body, nucleusKey).toString('base64url'),
    }),
  );
}

/** Checks size, shape, the nucleus's signature, the recipient, the time and the nonce. */
export function verifyPush(
  datagram: Buffer,
  nucleusIdentityKey: Uint8Array,
  self: string,
  nowMs: number,
  replay: ReplayCache,
): PeerPush {
  if (datagram.length > SIGNAL_MAX_BYTES) {
    throw new OmegaError(
      Code.InvalidArgument,
      `push of ${datagram.length} bytes exceeds ${SIGNAL_MAX_BYTES}`,
    );
  }
  let body: Buffer;
  let sig: Buffer;
  let push: PeerPush;
  try {
    const outer = envelope.parse(JSON.parse(datagram.toString('utf8')));
    body = Buffer.from(outer.body, 'base64url');
    sig = Buffer.from(outer.sig, 'base64url');
    push = pushSchema.parse(JSON.parse(body.toString('utf8')));
  } catch (err) {
    throw new OmegaError(
      Code.InvalidArgument,
      `malformed push: ${(err as Error).message.slice(0, 200)}`,
    );
  }
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(nucleusIdentityKey).toString('base64url') },
    format: 'jwk',
  });
  if (!verify(null, body, key, sig)) {
    throw new OmegaError(
      Code.Unauthenticated,
      'push: signature does not verify for the nucleus key',
    );
  }
  if (push.to !== self)
    throw new OmegaError(Code.PermissionDenied, 'push: addressed to another host');
  if (Math.abs(nowMs - push.timeMs) > SIGNAL_MAX_SKEW_MS) {
    throw new OmegaError(
      Code.Unauthenticated,
      `push time ${push.timeMs} is more than ${SIGNAL_MAX_SKEW_MS} ms from now`,
    );
  }
  if (!replay.admit(push.nonce, nowMs))
    throw new OmegaError(Code.Unauthenticated, `push nonce ${push.nonce} replayed`);
  return push;
}
