// Salted commitments: the leaf hides the body; the opening proves it.
import { createHash } from 'node:crypto';
import { commitToEntry, verifyCommitmentOpening } from './commitment';

const salt = new Uint8Array(32).fill(7);
const body = new TextEncoder().encode('{"kind":"IDENTITY_ISSUED","subject":"sentinel/node-a"}');

describe('salted commitments', () => {
  test('are SHA-256 over the domain, the 32-byte salt and the body', () => {
    const want = createHash('sha256')
      .update(Buffer.concat([Buffer.from('omega/auditlog/commitment/v1\0'), salt, body]))
      .digest();
    expect(Buffer.from(commitToEntry({ salt, body }))).toEqual(want);
  });

  test('the opening verifies; another body or salt does not', () => {
    const commitment = commitToEntry({ salt, body });
    verifyCommitmentOpening(commitment, { salt, body });
    expect(() => verifyCommitmentOpening(commitment, { salt, body: body.subarray(1) })).toThrow(
      'commitment: opening does not match (wrong salt or body)',
    );
    expect(() => verifyCommitmentOpening(commitment, { salt: new Uint8Array(32), body })).toThrow(
      'commitment: opening does not match',
    );
  });

  test('different salts hide equal bodies from each other', () => {
    expect(commitToEntry({ salt, body })).not.toEqual(
      commitToEntry({ salt: new Uint8Array(32).fill(8), body }),
    );
  });

  test('refuse salts that are not 32 bytes and commitments that are not 32 bytes', () => {
    expect(() => commitToEntry({ salt: new Uint8Array(16), body })).toThrow(
      'commitment: salt is 16 bytes, want 32',
    );
    expect(() => verifyCommitmentOpening(new Uint8Array(31), { salt, body })).toThrow(
      'commitment: commitment is 31 bytes, want 32',
    );
  });
});
