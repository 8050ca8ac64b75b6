// The PSK exchange on liboqs's ML-KEM-768: both ends derive the same 32-byte key; a signature by the
// wrong identity, a message for another pair, a tampered ciphertext and a wrong confirmation fail.
import { generateKeyPairSync } from 'node:crypto';
import { MlKem768 } from '@omega/crypto';
import { checkConfirm, confirmMac, createInit, finish, respond } from './psk-exchange';

const identity = () => {
  const pair = generateKeyPairSync('ed25519');
  return { key: pair.privateKey, id: pair.publicKey.export({ format: 'jwk' }).x! };
};
const alice = identity();
const bob = identity();
const mallory = identity();
let kem: MlKem768;

beforeAll(async () => {
  kem = await MlKem768.load();
});

describe('PSK exchange', () => {
  it('gives both ends the same 32-byte key, different at every exchange', () => {
    const keys: string[] = [];
    for (let epoch = 1; epoch <= 2; epoch++) {
      const { init, secretKey } = createInit(kem, alice.key, alice.id, bob.id, epoch);
      const { response, psk } = respond(kem, bob.key, init, bob.id, alice.id);
      const initiatorPsk = finish(kem, init, secretKey, response);
      expect(initiatorPsk).toHaveLength(32);
      expect(initiatorPsk.equals(psk)).toBe(true);
      expect(() => checkConfirm(psk, { mac: confirmMac(initiatorPsk) })).not.toThrow();
      keys.push(psk.toString('hex'));
    }
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('refuses an init signed by another identity than the one it names', () => {
    const { init } = createInit(kem, mallory.key, alice.id, bob.id, 1);
    expect(() => respond(kem, bob.key, init, bob.id, alice.id)).toThrow(
      /signature does not verify for the initiator/,
    );
  });

  it('refuses an init from a host that is not the expected peer', () => {
    const { init } = createInit(kem, mallory.key, mallory.id, bob.id, 1);
    expect(() => respond(kem, bob.key, init, bob.id, alice.id)).toThrow(/not this pair/);
  });

  it('refuses a response whose ciphertext was changed in transit', () => {
    const { init, secretKey } = createInit(kem, alice.key, alice.id, bob.id, 1);
    const { response } = respond(kem, bob.key, init, bob.id, alice.id);
    const ct = Buffer.from(response.ciphertext, 'base64');
    ct[0]! ^= 1;
    expect(() =>
      finish(kem, init, secretKey, { ...response, ciphertext: ct.toString('base64') }),
    ).toThrow(/signature does not verify for the responder/);
  });

  it('refuses a confirmation made with another key', () => {
    const { init } = createInit(kem, alice.key, alice.id, bob.id, 1);
    const { psk } = respond(kem, bob.key, init, bob.id, alice.id);
    expect(() => checkConfirm(psk, { mac: confirmMac(Buffer.alloc(32)) })).toThrow(
      /derived a different key/,
    );
  });
});
