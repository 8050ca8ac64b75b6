// cosignature/v1 lines and witness keys, checked both ways against transparency-dev/formats/note
// with golang.org/x/mod/sumdb/note (tools/cosignature-check); and a witness's add-checkpoint
// decisions on real signed checkpoints.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Code } from '@omega/errors';
import { cosignatureCheck } from '../test-support/go-tools';
import { consistencyProofPlan } from './proof-plan';
import {
  cosignCheckpoint,
  formatWitnessSignerKey,
  formatWitnessVerifierKey,
  parseWitnessSignerKey,
  parseWitnessVerifierKey,
  verifyCosignature,
  witnessSigner,
} from './cosignature';
import { signCheckpoint, type CheckpointPolicy } from './checkpoint-verifier';
import { ed25519NoteSigner, ed25519NoteVerifier, ed25519RawPublicKey } from './ed25519-note-key';
import { hashLeaf, rootFromLeafHashes } from './merkle-hash';
import { formatSignedNote, parseSignedNote } from './signed-note';
import { decideAddCheckpoint, formatAddCheckpoint, parseAddCheckpoint } from './witness';
import { parseCheckpoint } from './checkpoint';

const ORIGIN = 'example.com/log';
const logKey = generateKeyPairSync('ed25519');
const policy: CheckpointPolicy = {
  origin: ORIGIN,
  verifiers: [ed25519NoteVerifier(ORIGIN, ed25519RawPublicKey(logKey.publicKey))],
  requiredAlgorithms: ['ed25519'],
};
const leafHashes = Array.from({ length: 40 }, (_, i) => hashLeaf(Uint8Array.of(i)));

/** The log's signed checkpoint at `size` (Ed25519 only, like many tlogs). */
function checkpointAt(size: number, rootHash = rootFromLeafHashes(leafHashes.slice(0, size))) {
  return signCheckpoint({ origin: ORIGIN, size, rootHash }, [
    ed25519NoteSigner(ORIGIN, logKey.privateKey),
  ]);
}

/** The consistency proof between two sizes of the leaves above, computed directly. */
function consistency(size1: number, size2: number): Uint8Array[] {
  const plan = consistencyProofPlan(size1, size2);
  return plan.assemble(
    plan.nodes.map((node) =>
      rootFromLeafHashes(
        leafHashes.slice(node.index * 2 ** node.level, (node.index + 1) * 2 ** node.level),
      ),
    ),
  );
}

const witness = witnessSigner('witness.example/w1', new Uint8Array(randomBytes(32)));

async function cosigned(note: string, at = 1_700_000_000): Promise<string> {
  const parsed = parseSignedNote(note);
  const line = await cosignCheckpoint(parsed.text, witness, at);
  return formatSignedNote({ text: parsed.text, signatures: [...parsed.signatures, line] });
}

describe('cosignature/v1', () => {
  it('makes cosignatures transparency-dev/formats verifies, with the time it was given', async () => {
    const note = await cosigned(await checkpointAt(17), 1_712_345_678);
    expect(
      cosignatureCheck({ op: 'verify', vkey: formatWitnessVerifierKey(witness), note }),
    ).toEqual({ ok: true, time: 1_712_345_678 });
    expect(await verifyCosignature(note, witness)).toEqual({ timestampSeconds: 1_712_345_678 });
  });

  it('verifies cosignatures transparency-dev/formats makes, from the same skey', async () => {
    const fromGo = cosignatureCheck({
      op: 'sign',
      skey: formatWitnessSignerKey(witness),
      note: await checkpointAt(9),
    });
    expect(fromGo.keyHash).toBe(Buffer.from(witness.keyHash).toString('hex'));
    const key = parseWitnessVerifierKey(formatWitnessVerifierKey(witness));
    const { timestampSeconds } = await verifyCosignature(fromGo.note!, key);
    const goRead = cosignatureCheck({
      op: 'verify',
      vkey: formatWitnessVerifierKey(witness),
      note: fromGo.note!,
    });
    expect(goRead).toEqual({ ok: true, time: timestampSeconds });
  });

  it('refuses a cosignature over another checkpoint, as transparency-dev/formats does', async () => {
    const note = await cosigned(await checkpointAt(17));
    const parsed = parseSignedNote(note);
    const moved = formatSignedNote({
      text: parsed.text.replace('\n17\n', '\n18\n'),
      signatures: parsed.signatures,
    });
    const go = cosignatureCheck({
      op: 'verify',
      vkey: formatWitnessVerifierKey(witness),
      note: moved,
    });
    expect(go.ok).toBe(false);
    await expect(verifyCosignature(moved, witness)).rejects.toThrow(
      `cosignature: witness witness.example/w1 (key ID ${Buffer.from(witness.keyHash).toString('hex')})'s signature (time 1700000000) does not verify over this checkpoint`,
    );
    await expect(verifyCosignature(await checkpointAt(17), witness)).rejects.toThrow(
      'cosignature: the checkpoint has no cosignature from witness witness.example/w1',
    );
  });

  it('reads back its key texts and names what is wrong with a bad one', () => {
    expect(parseWitnessSignerKey(formatWitnessSignerKey(witness)).publicKey).toEqual(
      witness.publicKey,
    );
    const vkey = formatWitnessVerifierKey(witness);
    expect(() => parseWitnessVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(
      /key ID 00000000 does not match the key/,
    );
    expect(() => parseWitnessVerifierKey('w1+12345678')).toThrow(
      'not <name>+<key ID hex>+<base64 key>',
    );
  });
});

describe('a witness deciding on add-checkpoint', () => {
  it('cosigns a first checkpoint, then only consistent extensions of the last one', async () => {
    const first = parseAddCheckpoint(
      formatAddCheckpoint({ oldSize: 0, proof: [], note: await checkpointAt(10) }),
    );
    const decided = await decideAddCheckpoint(first, undefined, policy);
    expect(decided).toMatchObject({ kind: 'cosign', checkpoint: { size: 10 } });
    const latest = parseCheckpoint(parseSignedNote(await checkpointAt(10)).text);

    const grown = parseAddCheckpoint(
      formatAddCheckpoint({
        oldSize: 10,
        proof: consistency(10, 33),
        note: await checkpointAt(33),
      }),
    );
    expect(grown.proof).toHaveLength(consistency(10, 33).length);
    expect(await decideAddCheckpoint(grown, latest, policy)).toMatchObject({
      kind: 'cosign',
      checkpoint: { size: 33 },
    });
    // A client that thinks the witness is elsewhere is told where it is.
    expect(await decideAddCheckpoint({ ...grown, oldSize: 5 }, latest, policy)).toEqual({
      kind: 'conflict',
      latestSize: 10,
    });
  });

  it('refuses a fork, a rollback and a checkpoint the log key did not sign', async () => {
    const latest = parseCheckpoint(parseSignedNote(await checkpointAt(20)).text);
    const fork = await checkpointAt(25, new Uint8Array(32).fill(9));
    await expect(
      decideAddCheckpoint({ oldSize: 20, proof: consistency(20, 25), note: fork }, latest, policy),
    ).rejects.toThrow(/^log forked: /);
    await expect(
      decideAddCheckpoint({ oldSize: 20, proof: [], note: await checkpointAt(12) }, latest, policy),
    ).rejects.toThrow(/size 12 is below old size 20/);
    const stranger = generateKeyPairSync('ed25519');
    const forged = await signCheckpoint(
      { origin: ORIGIN, size: 30, rootHash: rootFromLeafHashes(leafHashes.slice(0, 30)) },
      [ed25519NoteSigner(ORIGIN, stranger.privateKey)],
    );
    await expect(
      decideAddCheckpoint(
        { oldSize: 20, proof: consistency(20, 30), note: forged },
        latest,
        policy,
      ),
    ).rejects.toMatchObject({ code: Code.PermissionDenied });
    await expect(
      decideAddCheckpoint(
        { oldSize: 20, proof: consistency(20, 30), note: forged },
        latest,
        policy,
      ),
    ).rejects.toThrow(/^add-checkpoint: the checkpoint does not verify with the log key/);
    expect(() => parseAddCheckpoint('old x\n\nnote')).toThrow(
      'add-checkpoint: first line "old x" is not "old <size>"',
    );
  });
});
