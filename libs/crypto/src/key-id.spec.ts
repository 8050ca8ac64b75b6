import { createHash, randomBytes } from 'node:crypto';
import { Code } from '@omega/runtime';
import { KEY_ID_PATTERN, hybridKeyId } from './key-id';

describe('hybridKeyId', () => {
  it('is the lowercase hex SHA-256 of the Ed25519 key followed by the ML-DSA-65 key', () => {
    const ed25519 = randomBytes(32);
    const mlDsa = randomBytes(1952);
    const expected = createHash('sha256')
      .update(Buffer.concat([ed25519, mlDsa]))
      .digest('hex');
    expect(hybridKeyId(ed25519, mlDsa)).toBe(expected);
    expect(hybridKeyId(ed25519, mlDsa)).toMatch(KEY_ID_PATTERN);
  });

  it('matches a fixed answer (computed with Python hashlib: 32 zero bytes, then 1952 0x01 bytes)', () => {
    expect(hybridKeyId(new Uint8Array(32), new Uint8Array(1952).fill(1))).toBe(
      '82089f5fe971f54b4eb00cb189230644526bb92f71501f6cab7d88ec2c7ce12b',
    );
  });

  it.each([
    ['an Ed25519 key of 31 bytes', 31, 1952, 'ed25519 key must be 32 bytes, got 31'],
    [
      'an ML-DSA-65 key of 1312 bytes (ML-DSA-44)',
      32,
      1312,
      'ml-dsa-65 key must be 1952 bytes, got 1312',
    ],
  ])('rejects %s', (_what, edBytes, mlDsaBytes, message) => {
    expect(() => hybridKeyId(new Uint8Array(edBytes), new Uint8Array(mlDsaBytes))).toThrow(
      expect.objectContaining({
        code: Code.InvalidArgument,
        message: expect.stringContaining(message),
      }),
    );
  });
});
