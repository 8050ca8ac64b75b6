import { Code, OmegaError } from '@omega/runtime';
import {
  SIGNED_MESSAGE_PREFIX,
  SignaturePurpose,
  signedMessage,
  validatePurpose,
} from './signed-message';

// SHA-512("abc"), FIPS 180-2 appendix C.1.
const SHA512_ABC =
  'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
  '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';

describe('signedMessage', () => {
  it('is the prefix line, the purpose line, then the 64-byte SHA-512 of the payload', () => {
    const message = signedMessage('audit-checkpoint', new TextEncoder().encode('abc'));
    const expected = Buffer.concat([
      Buffer.from('omega hybrid signature v1\naudit-checkpoint\n', 'ascii'),
      Buffer.from(SHA512_ABC, 'hex'),
    ]);
    expect(Buffer.from(message)).toEqual(expected);
    expect(SIGNED_MESSAGE_PREFIX).toBe('omega hybrid signature v1\n');
  });

  it('differs by purpose for the same payload', () => {
    const payload = new Uint8Array([1, 2, 3]);
    const messages = Object.values(SignaturePurpose).map((purpose) =>
      Buffer.from(signedMessage(purpose, payload)).toString('hex'),
    );
    expect(new Set(messages).size).toBe(messages.length);
  });

  it('is a plain Uint8Array, the only message type liboqs-js accepts', () => {
    expect(signedMessage('token', Buffer.from('x')).constructor).toBe(Uint8Array);
  });
});

describe('validatePurpose', () => {
  it.each(Object.values(SignaturePurpose))('accepts the standard purpose %s', (purpose) => {
    expect(() => validatePurpose(purpose)).not.toThrow();
  });

  it.each(['event-batch.v2', 'a', 'x9', 'k8s.token'])('accepts %s', (purpose) => {
    expect(() => validatePurpose(purpose)).not.toThrow();
  });

  it.each([
    ['empty', ''],
    ['uppercase', 'Audit-Checkpoint'],
    ['a newline', 'token\nevil'],
    ['a trailing newline', 'token\n'],
    ['a space', 'event batch'],
    ['a leading separator', '-token'],
    ['a doubled separator', 'event--batch'],
    ['a non-ASCII letter', 'tökén'],
    ['65 characters', 'a'.repeat(65)],
  ])('rejects a purpose with %s', (_what, purpose) => {
    let error: unknown;
    try {
      validatePurpose(purpose);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OmegaError);
    expect((error as OmegaError).code).toBe(Code.InvalidArgument);
    expect((error as OmegaError).message).toContain(`signature purpose ${JSON.stringify(purpose)}`);
  });
});
