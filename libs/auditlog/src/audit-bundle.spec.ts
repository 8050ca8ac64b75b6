// The offline bundle: a bundle verifies alone, and each tampering is named by the check that failed.
import { generateKeyPairSync } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { AuditEntry, AuditEntryKind } from '@omega/proto';
import {
  bundleFromJson,
  bundleToJson,
  COMMITTED_ENTRY_TYPE,
  verifyBundle,
  type AuditBundle,
} from './audit-bundle';
import { parseCheckpoint } from './checkpoint';
import { signCheckpoint, type CheckpointPolicy } from './checkpoint-verifier';
import { commitToEntry } from './commitment';
import { ed25519NoteSigner, ed25519NoteVerifier } from './ed25519-note-key';
import { hashLeaf, rootFromLeafHashes } from './merkle-hash';
import { mlDsa65NoteSigner, mlDsa65NoteVerifier } from './ml-dsa-note-key';
import { buildInclusionProof, type HashReader } from './proof-plan';
import { parseSignedNote, type NoteSigner } from './signed-note';

const ORIGIN = 'omega.local/audit';

function logKey(seed: number): { signers: NoteSigner[]; policy: CheckpointPolicy } {
  const ed = generateKeyPairSync('ed25519');
  const pq = ml_dsa65.keygen(new Uint8Array(32).fill(seed));
  return {
    signers: [
      ed25519NoteSigner(ORIGIN, ed.privateKey),
      mlDsa65NoteSigner(ORIGIN, pq.publicKey, (m) => ml_dsa65.sign(m, pq.secretKey)),
    ],
    policy: {
      origin: ORIGIN,
      verifiers: [
        ed25519NoteVerifier(ORIGIN, ed.publicKey),
        mlDsa65NoteVerifier(ORIGIN, pq.publicKey, (m, s, k) => ml_dsa65.verify(s, m, k)),
      ],
    },
  };
}

const entry = (n: number) =>
  AuditEntry.encode(
    AuditEntry.fromPartial({
      kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
      subject: `alert-${n}`,
      timeNs: BigInt(n),
    }),
  ).finish();

const key = logKey(1);
const salt = new Uint8Array(32).fill(9);
const secret = entry(100);
const leaves = Array.from({ length: 10 }, (_, n) => entry(n));
leaves[7] = AuditEntry.encode(
  AuditEntry.fromPartial({
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
    payloadType: COMMITTED_ENTRY_TYPE,
    payload: Buffer.from(commitToEntry({ salt, body: secret })),
  }),
).finish();
const leafHashes = leaves.map(hashLeaf);
const reader: HashReader = {
  readHashes: (ids) =>
    ids.map((id) =>
      rootFromLeafHashes(
        leafHashes.slice(id.index * 2 ** id.level, (id.index + 1) * 2 ** id.level),
      ),
    ),
};

async function bundleOf(index: number): Promise<AuditBundle> {
  const size = leaves.length;
  return {
    origin: ORIGIN,
    index,
    entry: leaves[index]!,
    inclusionProof: buildInclusionProof(reader, index, size),
    checkpoint: await signCheckpoint(
      { origin: ORIGIN, size, rootHash: rootFromLeafHashes(leafHashes) },
      key.signers,
    ),
  };
}

describe('verifyBundle', () => {
  it('verifies a bundle after a round trip through its JSON form', async () => {
    const verified = await verifyBundle(
      bundleFromJson(bundleToJson(await bundleOf(9))),
      key.policy,
    );
    expect(verified.logged.subject).toBe('alert-9');
    expect(verified.checkpoint.size).toBe(10);
  });

  it('reveals a committed entry when the bundle carries its opening', async () => {
    const bundle = { ...(await bundleOf(7)), opening: { salt, body: secret } };
    const verified = await verifyBundle(bundleFromJson(bundleToJson(bundle)), key.policy);
    expect(verified.logged.payloadType).toBe(COMMITTED_ENTRY_TYPE);
    expect(verified.revealed?.subject).toBe('alert-100');
  });

  it('rejects a wrong opening in the commitment check', async () => {
    const bundle = { ...(await bundleOf(7)), opening: { salt: new Uint8Array(32), body: secret } };
    await expect(verifyBundle(bundle, key.policy)).rejects.toThrow(/commitment check failed/);
  });

  it('rejects a tampered entry in the inclusion check', async () => {
    const bundle = await bundleOf(3);
    const tampered = Uint8Array.from(bundle.entry);
    tampered[tampered.length - 1]! ^= 1;
    await expect(verifyBundle({ ...bundle, entry: tampered }, key.policy)).rejects.toThrow(
      /entry 3: inclusion check failed: inclusion proof: root mismatch/,
    );
  });

  it('rejects a checkpoint signed by another key in the checkpoint signature check', async () => {
    const bundle = await bundleOf(3);
    const forged = await signCheckpoint(
      parseCheckpoint(parseSignedNote(bundle.checkpoint).text),
      logKey(2).signers,
    );
    await expect(verifyBundle({ ...bundle, checkpoint: forged }, key.policy)).rejects.toThrow(
      /checkpoint signature check failed: checkpoint: no signature from/,
    );
  });

  it('rejects a proof for another index, and an index beyond the tree', async () => {
    const bundle = await bundleOf(3);
    await expect(verifyBundle({ ...bundle, index: 2 }, key.policy)).rejects.toThrow(
      /inclusion check failed/,
    );
    await expect(verifyBundle({ ...bundle, index: 10 }, key.policy)).rejects.toThrow(
      /index 10 is beyond the checkpoint's tree size 10/,
    );
  });

  it('names the field that is wrong in the JSON form', async () => {
    const json = JSON.parse(bundleToJson(await bundleOf(0))) as Record<string, unknown>;
    expect(() => bundleFromJson(JSON.stringify({ ...json, index: -1 }), 'x.json')).toThrow(
      /x.json: index is not a non-negative integer/,
    );
    expect(() =>
      bundleFromJson(JSON.stringify({ ...json, inclusionProof: [7] }), 'x.json'),
    ).toThrow(/x.json: inclusionProof\[0\] is not a base64 string/);
  });
});
