// The checkpoint policy: hybrid Ed25519 + ML-DSA-65 by default, each failure named.
import { generateKeyPairSync } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { Code, OmegaError } from '@omega/errors';
import { formatCheckpoint, type Checkpoint } from './checkpoint';
import { signCheckpoint, verifyCheckpoint, type CheckpointPolicy } from './checkpoint-verifier';
import { ed25519NoteSigner, ed25519NoteVerifier } from './ed25519-note-key';
import { hashLeaf, rootFromLeafHashes } from './merkle-hash';
import { mlDsa65NoteSigner, mlDsa65NoteVerifier } from './ml-dsa-note-key';
import { formatSignedNote, parseSignedNote, signNote } from './signed-note';

const ORIGIN = 'omega.local/audit';
const ed = generateKeyPairSync('ed25519');
const pq = ml_dsa65.keygen(new Uint8Array(32).fill(3));
const edSigner = ed25519NoteSigner(ORIGIN, ed.privateKey);
const pqSigner = mlDsa65NoteSigner(ORIGIN, pq.publicKey, (m) => ml_dsa65.sign(m, pq.secretKey));
const policy: CheckpointPolicy = {
  origin: ORIGIN,
  verifiers: [
    ed25519NoteVerifier(ORIGIN, ed.publicKey),
    mlDsa65NoteVerifier(ORIGIN, pq.publicKey, (m, s, k) => ml_dsa65.verify(s, m, k)),
  ],
};
const checkpoint: Checkpoint = {
  origin: ORIGIN,
  size: 3,
  rootHash: rootFromLeafHashes(['a', 'b', 'c'].map((s) => hashLeaf(new TextEncoder().encode(s)))),
};

async function rejection(note: string, p: CheckpointPolicy = policy): Promise<OmegaError> {
  try {
    await verifyCheckpoint(note, p);
  } catch (err) {
    expect(err).toBeInstanceOf(OmegaError);
    return err as OmegaError;
  }
  throw new Error('checkpoint verified but should not have');
}

describe('checkpoint verification', () => {
  let hybrid: string;
  beforeAll(async () => {
    hybrid = await signCheckpoint(checkpoint, [edSigner, pqSigner]);
  });

  test('a checkpoint signed with both pinned keys verifies', async () => {
    const verified = await verifyCheckpoint(hybrid, policy);
    expect(verified.checkpoint).toEqual(checkpoint);
    expect(verified.verifiedBy.map((v) => v.algorithm)).toEqual(['ed25519', 'ml-dsa-65']);
    expect(hybrid.split('\n\n')[0]! + '\n').toBe(formatCheckpoint(checkpoint));
  });

  test('by default a missing ML-DSA-65 or Ed25519 signature is refused, naming the key', async () => {
    const edOnly = await signCheckpoint(checkpoint, [edSigner]);
    expect((await rejection(edOnly)).message).toBe(
      `checkpoint: no signature from ${ORIGIN} ml-dsa-65`,
    );
    const pqOnly = await signCheckpoint(checkpoint, [pqSigner]);
    expect((await rejection(pqOnly)).message).toBe(
      `checkpoint: no signature from ${ORIGIN} ed25519`,
    );
    // A policy that asks for less accepts less.
    const edPolicy = { ...policy, requiredAlgorithms: ['ed25519' as const] };
    expect((await verifyCheckpoint(edOnly, edPolicy)).verifiedBy).toHaveLength(1);
  });

  test('a forged root fails the first pinned signature that covers it', async () => {
    const forged = hybrid.replace(
      Buffer.from(checkpoint.rootHash).toString('base64'),
      Buffer.from(new Uint8Array(32)).toString('base64'),
    );
    const err = await rejection(forged);
    expect(err.message).toBe(`checkpoint: ed25519 signature from ${ORIGIN} does not verify`);
    expect(err.code).toBe(Code.DataLoss);
  });

  test('a tampered ML-DSA-65 signature is named as such', async () => {
    const note = parseSignedNote(hybrid);
    const [edSig, pqSig] = note.signatures as [
      (typeof note.signatures)[0],
      (typeof note.signatures)[0],
    ];
    const flipped = Uint8Array.from(pqSig.signature);
    flipped[100]! ^= 0x80;
    const tampered = formatSignedNote({
      text: note.text,
      signatures: [edSig, { ...pqSig, signature: flipped }],
    });
    expect((await rejection(tampered)).message).toBe(
      `checkpoint: ml-dsa-65 signature from ${ORIGIN} does not verify`,
    );
  });

  test('signatures by other keys under the log name are ignored, so they cannot stand in', async () => {
    const other = ed25519NoteSigner(ORIGIN, generateKeyPairSync('ed25519').privateKey);
    const wrongKey = await signCheckpoint(checkpoint, [other, pqSigner]);
    expect((await rejection(wrongKey)).message).toBe(
      `checkpoint: no signature from ${ORIGIN} ed25519`,
    );
    // A witness cosigning alongside the log changes nothing.
    const witness = ed25519NoteSigner(
      'witness.example/w1',
      generateKeyPairSync('ed25519').privateKey,
    );
    const cosigned = await signCheckpoint(checkpoint, [edSigner, witness, pqSigner]);
    expect((await verifyCheckpoint(cosigned, policy)).verifiedBy).toHaveLength(2);
  });

  test('another origin is refused before anything else', async () => {
    const elsewhere = await signCheckpoint({ ...checkpoint, origin: 'evil.example/log' }, [
      edSigner,
      pqSigner,
    ]);
    const err = await rejection(elsewhere);
    expect(err.message).toBe(
      'checkpoint: unknown origin "evil.example/log", want "omega.local/audit"',
    );
    expect(err.code).toBe(Code.InvalidArgument);
  });

  test('malformed notes and checkpoints are refused with the line', async () => {
    const withoutBlank = hybrid.replace('\n\n', '\n');
    expect((await rejection(withoutBlank)).message).toBe(
      'checkpoint: note: no blank line separating the text from the signatures',
    );
    const badLine = hybrid.replace('\n\u2014 ', '\n- ');
    expect((await rejection(badLine)).message).toMatch(
      /^checkpoint: note: line 5: signature line does not start/,
    );
    const leadingZero = await signNote(
      `${ORIGIN}\n03\n${Buffer.from(checkpoint.rootHash).toString('base64')}\n`,
      [edSigner, pqSigner],
    );
    expect((await rejection(leadingZero)).message).toBe(
      'checkpoint: line 2: tree size "03" is not a decimal without leading zeros',
    );
  });

  test('a policy that requires an algorithm it pins no key for is a configuration error', async () => {
    const err = await rejection(hybrid, {
      origin: ORIGIN,
      verifiers: policy.verifiers.slice(0, 1),
    });
    expect(err.message).toBe(
      'checkpoint policy: requires a ml-dsa-65 signature but pins no ml-dsa-65 key',
    );
  });
});
