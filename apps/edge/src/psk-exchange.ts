// The post-quantum pre-shared key of a pair (the Rosenpass idea on Omega's crypto library): the
// initiator sends a fresh ML-KEM-768 encapsulation key signed by its Ed25519 identity, the
// responder returns a ciphertext signed by its own, and both derive the WireGuard PSK with HKDF
// from the shared secret and the whole transcript (both identities, the epoch, key and ciphertext),
// then the initiator proves it holds the same PSK. Pure apart from the KEM's randomness.
import {
  createHash,
  createHmac,
  createPublicKey,
  hkdfSync,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import { Code, OmegaError } from '@omega/errors';
import type { MlKem768, SecretKey } from '@omega/crypto';

export const PSK_BYTES = 32;
export const PSK_MESSAGE_MAX_BYTES = 4096;

export interface PskInit {
  epoch: number;
  initiator: string; // identity key, base64url
  responder: string;
  encapsulationKey: string; // base64
  signature: string;
}

export interface PskResponse {
  ciphertext: string;
  signature: string;
}

export interface PskConfirm {
  mac: string;
}

function epochBytes(epoch: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(epoch));
  return bytes;
}

function initTranscript(init: Omit<PskInit, 'signature'>): Buffer {
  return Buffer.concat([
    Buffer.from('omega-edge psk init\0'),
    epochBytes(init.epoch),
    Buffer.from(init.initiator, 'base64url'),
    Buffer.from(init.responder, 'base64url'),
    Buffer.from(init.encapsulationKey, 'base64'),
  ]);
}

function responseTranscript(init: PskInit, ciphertext: string): Buffer {
  return Buffer.concat([
    Buffer.from('omega-edge psk response\0'),
    createHash('sha256').update(initTranscript(init)).digest(),
    Buffer.from(ciphertext, 'base64'),
  ]);
}

function ed25519(identity: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: identity }, format: 'jwk' });
}

/** PSK = HKDF-SHA256(shared secret, salt = SHA-256(transcript), info naming the purpose). */
export function derivePsk(sharedSecret: Uint8Array, init: PskInit, ciphertext: string): Buffer {
  const salt = createHash('sha256').update(responseTranscript(init, ciphertext)).digest();
  return Buffer.from(
    hkdfSync('sha256', sharedSecret, salt, 'omega-edge wireguard psk v1', PSK_BYTES),
  );
}

export function confirmMac(psk: Uint8Array): string {
  return createHmac('sha256', psk).update('omega-edge psk confirm').digest('base64');
}

export function createInit(
  kem: MlKem768,
  signingKey: KeyObject,
  initiator: string,
  responder: string,
  epoch: number,
): { init: PskInit; secretKey: SecretKey } {
  const pair = kem.generateKeyPair();
  const unsigned = {
    epoch,
    initiator,
    responder,
    encapsulationKey: Buffer.from(pair.publicKey).toString('base64'),
  };
  const signature = sign(null, initTranscript(unsigned), signingKey).toString('base64');
  return { init: { ...unsigned, signature }, secretKey: pair.secretKey };
}

/** The responder's side: checks the init is signed by `expectedInitiator`, returns its answer and the PSK. */
export function respond(
  kem: MlKem768,
  signingKey: KeyObject,
  init: PskInit,
  self: string,
  expectedInitiator: string,
): { response: PskResponse; psk: Buffer } {
  if (init.responder !== self || init.initiator !== expectedInitiator) {
    throw new OmegaError(
      Code.PermissionDenied,
      `psk init names ${init.initiator.slice(0, 12)}→${init.responder.slice(0, 12)}, not this pair`,
    );
  }
  if (
    !verify(
      null,
      initTranscript(init),
      ed25519(init.initiator),
      Buffer.from(init.signature, 'base64'),
    )
  ) {
    throw new OmegaError(
      Code.Unauthenticated,
      'psk init: signature does not verify for the initiator identity',
    );
  }
  const { ciphertext, sharedSecret } = kem.encapsulate(
    Buffer.from(init.encapsulationKey, 'base64'),
  );
  const ct = Buffer.from(ciphertext).toString('base64');
  const signature = sign(null, responseTranscript(init, ct), signingKey).toString('base64');
  return {
    response: { ciphertext: ct, signature },
    psk: derivePsk(sharedSecret.exposeBytes(), init, ct),
  };
}

/** The initiator's side: checks the response is the responder's and derives the PSK. */
export function finish(
  kem: MlKem768,
  init: PskInit,
  secretKey: SecretKey,
  response: PskResponse,
): Buffer {
  if (
    !verify(
      null,
      responseTranscript(init, response.ciphertext),
      ed25519(init.responder),
      Buffer.from(response.signature, 'base64'),
    )
  ) {
    throw new OmegaError(
      Code.Unauthenticated,
      'psk response: signature does not verify for the responder identity',
    );
  }
  const shared = kem.decapsulate(Buffer.from(response.ciphertext, 'base64'), secretKey);
  return derivePsk(shared.exposeBytes(), init, response.ciphertext);
}

export function checkConfirm(psk: Uint8Array, confirm: PskConfirm): void {
  const expected = Buffer.from(confirmMac(psk), 'base64');
  const got = Buffer.from(confirm.mac, 'base64');
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) {
    throw new OmegaError(
      Code.Unauthenticated,
      'psk confirm: the initiator derived a different key',
    );
  }
}
