// C2SP signed-note: the spec's examples, strict parsing, and the rules for known and unknown keys.
import { generateKeyPairSync } from 'node:crypto';
import { OmegaError } from '@omega/errors';
import { ed25519NoteSigner, ed25519NoteVerifier } from './ed25519-note-key';
import {
  formatSignedNote,
  parseSignedNote,
  signNote,
  verifyNote,
  type NoteVerifier,
} from './signed-note';
import { parseVerifierKey } from './verifier-key';

// Both from c2sp.org/signed-note (C2SP/C2SP signed-note.md): the vkey example and the note it verifies.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n' +
  '\n' +
  '\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
// The spec's opening example: a text with an empty line inside, signed by a key we do not have.
const SPEC_POEM =
  'Ognuno sta solo sul cuor della terra\n' +
  'trafitto da un raggio di sole:\n' +
  '\n' +
  'ed \u00e8 subito sera.\n' +
  '\n' +
  '\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';

const specVerifier = (): NoteVerifier => {
  const key = parseVerifierKey(SPEC_VKEY);
  return ed25519NoteVerifier(key.name, key.publicKey);
};

describe('signed notes', () => {
  test('the spec example verifies with the spec verifier key', async () => {
    const note = parseSignedNote(SPEC_NOTE);
    expect(note.text).toBe('This is an example message.\n');
    const verified = await verifyNote(note, [specVerifier()]);
    expect(verified.map((v) => v.name)).toEqual(['example.com/foo']);
  });

  test('the spec example fails once its text or signature is touched', async () => {
    const tamperedText = parseSignedNote(SPEC_NOTE.replace('example message', 'exemple message'));
    await expect(verifyNote(tamperedText, [specVerifier()])).rejects.toThrow(
      'note: ed25519 signature from example.com/foo does not verify',
    );
    const sig = parseSignedNote(SPEC_NOTE).signatures[0]!;
    const flipped = Uint8Array.from(sig.signature);
    flipped[10]! ^= 1;
    const tamperedSig = {
      text: 'This is an example message.\n',
      signatures: [{ ...sig, signature: flipped }],
    };
    await expect(verifyNote(tamperedSig, [specVerifier()])).rejects.toMatchObject({
      code: 15,
      message: 'note: ed25519 signature from example.com/foo does not verify',
    });
  });

  test('the text ends at the last blank line, so texts may contain empty lines', () => {
    const note = parseSignedNote(SPEC_POEM);
    expect(note.text).toBe(
      'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n',
    );
    expect(note.signatures.map((s) => s.name)).toEqual(['quasimodo.example/salvatore']);
    expect(formatSignedNote(note)).toBe(SPEC_POEM);
  });

  test('signatures from unknown keys are ignored, but a note needs one from a known key', async () => {
    await expect(verifyNote(parseSignedNote(SPEC_POEM), [specVerifier()])).rejects.toThrow(
      'note: no signature from a known key (example.com/foo ed25519)',
    );
    // Same name, other key: not the known key, so ignored rather than failed.
    const impostor = ed25519NoteSigner('example.com/foo', new Uint8Array(32).fill(9));
    const both = await signNote('This is an example message.\n', [impostor]);
    const merged = parseSignedNote(both.replace('\n\n', `\n\n${SPEC_NOTE.split('\n\n')[1]}`));
    expect(merged.signatures).toHaveLength(2);
    expect((await verifyNote(merged, [specVerifier()])).map((v) => v.name)).toEqual([
      'example.com/foo',
    ]);
  });

  test('signing then parsing and verifying round-trips, with every signer in order', async () => {
    const keyA = generateKeyPairSync('ed25519');
    const keyB = generateKeyPairSync('ed25519');
    const a = ed25519NoteSigner('omega.local/a', keyA.privateKey);
    const b = ed25519NoteSigner('omega.local/b', keyB.privateKey);
    const signed = await signNote('line one\n\nline three\n', [a, b]);
    const note = parseSignedNote(signed);
    expect(note.text).toBe('line one\n\nline three\n');
    expect(note.signatures.map((s) => s.name)).toEqual(['omega.local/a', 'omega.local/b']);
    const verified = await verifyNote(note, [
      ed25519NoteVerifier('omega.local/b', keyB.publicKey),
      ed25519NoteVerifier('omega.local/a', keyA.publicKey),
    ]);
    expect(verified.map((v) => v.name)).toEqual(['omega.local/a', 'omega.local/b']);
    expect(formatSignedNote(note)).toBe(signed);
    // Bytes in, same result.
    expect(parseSignedNote(new TextEncoder().encode(signed))).toEqual(note);
  });

  test.each([
    ['no newline at the end', 'text\n\n\u2014 a AAAAAAA=', 'note: does not end with a newline'],
    [
      'no blank line',
      'text\n\u2014 a AAAAAAA=\n',
      'note: no blank line separating the text from the signatures',
    ],
    ['no signature lines', 'text\n\n', 'note: line 3: no signature lines'],
    [
      'a line that is not a signature',
      'text\n\n\u2014 a AAAAAAA=\nhello\n',
      'note: line 4: signature line does not start with "\u2014 "',
    ],
    [
      'a hyphen instead of an em dash',
      'text\n\n- a AAAAAAA=\n',
      'note: line 3: signature line does not start with',
    ],
    [
      'three fields',
      'text\n\n\u2014 a b AAAAAAA=\n',
      'note: line 3: signature line is not "\u2014 <key name> <base64 signature>"',
    ],
    [
      'a plus in the key name',
      'text\n\n\u2014 a+b AAAAAAA=\n',
      'note: line 3: key name "a+b" is empty or contains a space or a plus',
    ],
    [
      'a Unicode space in the key name',
      'text\n\n\u2014 a\u00a0b AAAAAAA=\n',
      'note: line 3: key name',
    ],
    ['bad base64', 'text\n\n\u2014 a AAAAAAA\n', 'note: line 3: signature of a is not base64'],
    [
      'a key ID without signature',
      'text\n\n\u2014 a AAAAAA==\n',
      'note: line 3: signature of a is 4 bytes, too short',
    ],
    [
      'a carriage return',
      'text\r\n\n\u2014 a AAAAAAA=\n',
      'note: line 1: control character U+000d',
    ],
    ['a tab', 'te\txt\n\n\u2014 a AAAAAAA=\n', 'note: line 1: control character U+0009'],
    ['a lone surrogate', 'te\ud800xt\n\n\u2014 a AAAAAAA=\n', 'note: not valid UTF-8'],
  ])('parsing rejects %s', (_what, note, message) => {
    expect(() => parseSignedNote(note)).toThrow(OmegaError);
    expect(() => parseSignedNote(note)).toThrow(message);
  });

  test('parsing rejects bytes that are not UTF-8 and notes over the limits', () => {
    expect(() => parseSignedNote(Uint8Array.of(0x74, 0xff, 0x0a))).toThrow('note: not valid UTF-8');
    const lines = Array.from({ length: 17 }, () => '\u2014 a AAAAAAA=\n').join('');
    expect(() =>
      parseSignedNote(`text\n\n${lines}`, { maxNoteBytes: 65536, maxSignatures: 16 }),
    ).toThrow('note: 17 signatures, more than the limit of 16');
    expect(parseSignedNote(`text\n\n${lines}`).signatures).toHaveLength(17);
    expect(() =>
      parseSignedNote(`text\n\n${lines}`, { maxNoteBytes: 100, maxSignatures: 32 }),
    ).toThrow('note: longer than 100 bytes');
  });

  test('signing refuses text the format cannot carry', async () => {
    const signer = ed25519NoteSigner('omega.local/a', new Uint8Array(32).fill(1));
    await expect(signNote('no newline', [signer])).rejects.toThrow(
      'note text: does not end with a newline',
    );
    await expect(signNote('a\u0000b\n', [signer])).rejects.toThrow(
      'note text: line 1: control character U+0000',
    );
    await expect(signNote('text\n', [])).rejects.toThrow('note: no signatures');
    expect(() => ed25519NoteSigner('bad name', new Uint8Array(32))).toThrow('key name "bad name"');
  });
});
