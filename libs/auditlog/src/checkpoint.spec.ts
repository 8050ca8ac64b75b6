// tlog-checkpoint note text, checked against the spec's example.
import { formatCheckpoint, parseCheckpoint } from './checkpoint';
import { parseSignedNote } from './signed-note';

// The example checkpoint of c2sp.org/tlog-checkpoint (C2SP/C2SP tlog-checkpoint.md).
const SPEC_EXAMPLE =
  'example.com/behind-the-sofa\n' +
  '20852163\n' +
  'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n' +
  '\n' +
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';

describe('checkpoints', () => {
  test('the spec example parses: origin, tree size, root hash', () => {
    const note = parseSignedNote(SPEC_EXAMPLE);
    const checkpoint = parseCheckpoint(note.text);
    expect(checkpoint.origin).toBe('example.com/behind-the-sofa');
    expect(checkpoint.size).toBe(20852163);
    expect(Buffer.from(checkpoint.rootHash).toString('base64')).toBe(
      'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
    );
    expect(checkpoint.extensions).toBeUndefined();
    expect(formatCheckpoint(checkpoint)).toBe(note.text);
    // Its signature line: the log's key name and a 4-byte key ID before a 64-byte Ed25519 signature.
    expect(note.signatures).toHaveLength(1);
    expect(note.signatures[0]!.name).toBe('example.com/behind-the-sofa');
    expect(Buffer.from(note.signatures[0]!.keyHash).toString('hex')).toBe('033de0ae');
    expect(note.signatures[0]!.signature).toHaveLength(64);
  });

  test('extension lines round-trip', () => {
    const text =
      'omega.local/audit\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nextra one\nextra two\n';
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint).toMatchObject({ size: 0, extensions: ['extra one', 'extra two'] });
    expect(formatCheckpoint(checkpoint)).toBe(text);
  });

  test.each([
    [
      'example.com/log\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
      'checkpoint: text does not end with a newline',
    ],
    [
      'example.com/log\n7\n',
      'checkpoint: text has 2 lines, want at least 3 (origin, size, root hash)',
    ],
    ['\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n', 'checkpoint: line 1 is empty'],
    [
      'example.com/log\n007\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
      'checkpoint: line 2: tree size "007" is not a decimal without leading zeros',
    ],
    [
      'example.com/log\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
      'checkpoint: line 2: tree size "-1"',
    ],
    [
      'example.com/log\n18446744073709551615\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
      'checkpoint: line 2: tree size 18446744073709551615 is above 2^53-1',
    ],
    [
      'example.com/log\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n',
      'checkpoint: line 3: root hash "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=" is not base64',
    ],
    ['example.com/log\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n', 'is not base64'],
    [
      'example.com/log\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n',
      'checkpoint: line 3: root hash is 30 bytes, want 32',
    ],
    [
      'example.com/log\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n',
      'checkpoint: line 4 is empty',
    ],
    [
      'example.com/log\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\r\n',
      'checkpoint: line 4 contains a control character',
    ],
  ])('rejects %j', (text, message) => {
    expect(() => parseCheckpoint(text)).toThrow(message);
  });

  test('formatting refuses what would frame a different checkpoint', () => {
    const rootHash = new Uint8Array(32);
    expect(() => formatCheckpoint({ origin: 'evil\n999', size: 1, rootHash })).toThrow(
      'checkpoint: origin contains a control character',
    );
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash, extensions: [''] })).toThrow(
      'checkpoint: extension line 1 is empty',
    );
    expect(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash })).toThrow(
      'checkpoint: size 1.5',
    );
    expect(() =>
      formatCheckpoint({ origin: 'o', size: 1, rootHash: rootHash.subarray(1) }),
    ).toThrow('checkpoint: root hash is 31 bytes, want 32');
  });
});
