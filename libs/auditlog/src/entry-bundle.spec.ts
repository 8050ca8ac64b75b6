// tlog-tiles entry bundles: big-endian uint16 length-prefixed entries.
import { decodeEntryBundle, encodeEntryBundle } from './entry-bundle';

describe('entry bundles', () => {
  test('are each entry prefixed by its big-endian uint16 length', () => {
    const bundle = encodeEntryBundle([Uint8Array.of(0xaa), new Uint8Array(0), new Uint8Array(258)]);
    expect(Buffer.from(bundle.subarray(0, 5)).toString('hex')).toBe('0001aa0000');
    expect(Buffer.from(bundle.subarray(5, 7)).toString('hex')).toBe('0102');
    expect(bundle).toHaveLength(3 + 2 + 2 + 258);
  });

  test('round-trip 256 entries up to the 65535-byte limit', () => {
    const entries = Array.from({ length: 256 }, (_, i) =>
      new Uint8Array(i === 7 ? 65535 : i).fill(i),
    );
    expect(decodeEntryBundle(encodeEntryBundle(entries), 256)).toEqual(entries);
  });

  test('refuse entries a uint16 cannot frame, and more than 256 entries', () => {
    expect(() => encodeEntryBundle([new Uint8Array(65536)])).toThrow(
      'entry bundle: entry 0 is 65536 bytes, above the 65535-byte limit of a uint16 length',
    );
    expect(() => encodeEntryBundle(Array.from({ length: 257 }, () => new Uint8Array(0)))).toThrow(
      'entry bundle: 257 entries, want 1 to 256',
    );
  });

  test('decoding names the offset of truncated or extra bytes, and a wrong count', () => {
    const bundle = encodeEntryBundle([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    expect(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1))).toThrow(
      'entry bundle: entry 1 at offset 5 claims 1 bytes, only 0 remain',
    );
    expect(() => decodeEntryBundle(bundle.subarray(0, 6))).toThrow(
      'entry bundle: truncated length prefix of entry 1 at offset 5',
    );
    expect(() => decodeEntryBundle(bundle, 3)).toThrow('entry bundle: holds 2 entries, want 3');
    const tooMany = new Uint8Array(257 * 2);
    expect(() => decodeEntryBundle(tooMany)).toThrow(
      'entry bundle: more than 256 entries (extra bytes at offset 512)',
    );
  });
});
