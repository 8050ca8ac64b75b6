// A signed checkpoint note survives the trip through the omega.v1.Checkpoint message and back.
import { generateKeyPairSync } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { Checkpoint } from '@omega/proto';
import { checkpointNoteOf, checkpointToMessage } from './checkpoint-message';
import { signCheckpoint, verifyCheckpoint } from './checkpoint-verifier';
import { ed25519NoteSigner, ed25519NoteVerifier, ed25519RawPublicKey } from './ed25519-note-key';
import { mlDsa65NoteSigner, mlDsa65NoteVerifier } from './ml-dsa-note-key';

const ORIGIN = 'omega.local/audit';
const ed = generateKeyPairSync('ed25519');
const pq = ml_dsa65.keygen(new Uint8Array(32).fill(5));
const publicKey = { ed25519: ed25519RawPublicKey(ed.publicKey), mlDsa: pq.publicKey };

describe('checkpoint message', () => {
  it('rebuilds the exact signed note from the message, which verifies with the log key', async () => {
    const note = await signCheckpoint(
      { origin: ORIGIN, size: 5, rootHash: new Uint8Array(32).fill(1) },
      [
        ed25519NoteSigner(ORIGIN, ed.privateKey),
        mlDsa65NoteSigner(ORIGIN, pq.publicKey, (m) => ml_dsa65.sign(m, pq.secretKey)),
      ],
    );
    const message = Checkpoint.decode(
      Checkpoint.encode(checkpointToMessage(note, 'log-key-id', 42n)).finish(),
    );
    expect(message).toMatchObject({ origin: ORIGIN, treeSize: 5n, timeNs: 42n });
    expect(message.signature?.keyId).toBe('log-key-id');
    const rebuilt = checkpointNoteOf(message, publicKey);
    expect(rebuilt).toBe(note);
    const verified = await verifyCheckpoint(rebuilt, {
      origin: ORIGIN,
      verifiers: [
        ed25519NoteVerifier(ORIGIN, ed.publicKey),
        mlDsa65NoteVerifier(ORIGIN, pq.publicKey, (m, s, k) => ml_dsa65.verify(s, m, k)),
      ],
    });
    expect(verified.checkpoint.size).toBe(5);
  });

  it('refuses a message without a signature', () => {
    expect(() => checkpointNoteOf(Checkpoint.fromPartial({ noteBody: 'x' }), publicKey)).toThrow(
      /checkpoint message: no signature/,
    );
  });

  it('refuses a note signed with fewer than two keys', async () => {
    const note = await signCheckpoint({ origin: ORIGIN, size: 1, rootHash: new Uint8Array(32) }, [
      ed25519NoteSigner(ORIGIN, ed.privateKey),
    ]);
    expect(() => checkpointToMessage(note, 'k', 0n)).toThrow(/two keys/);
  });
});
