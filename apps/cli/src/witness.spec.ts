// `omega witness` cosigning a live trust's checkpoints on real NATS, and `omega audit verify
// --witness` requiring its cosignature: consistent growth is cosigned, a fork and a stranger's
// checkpoint are refused and leave the witness's state alone, another witness's key is not enough.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ed25519NoteSigner,
  formatAddCheckpoint,
  formatWitnessVerifierKey,
  mlDsa65NoteSigner,
  parseCheckpoint,
  parseSignedNote,
  signCheckpoint,
  witnessSigner,
} from '@omega/auditlog';
import { loadMlDsaBackend, publicKeyToText, secretKeyFromText } from '@omega/crypto';
import { AppendAuditRequest, AuditEntry, AuditEntryKind } from '@omega/proto';
import { freePort, startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { auditVerify, type AuditCommandOptions } from './audit-command';
import { startWitness, type RunningWitness } from './witness-server';

const nats = withNats({ jetstream: true });
let trust: TrustProcess;
let tlog: string;
let dir: string;
let witness: RunningWitness;
let appended = 0;

async function append(count: number): Promise<void> {
  for (let i = 0; i < count; i++, appended++) {
    await trust.client.appendAudit(
      AppendAuditRequest.fromPartial({
        entry: AuditEntry.fromPartial({
          kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
          timeNs: BigInt(appended),
          subject: `alert-${appended}`,
        }),
        requestId: `witness-${appended}`,
      }),
    );
  }
}

const witnessOptions = () => ({
  keyFile: join(dir, 'witness.key'),
  logKeyFile: join(dir, 'log.pub'),
  stateFile: join(dir, 'witness-state.note'),
  port: 0,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omega-witness-'));
  const tlogPort = await freePort();
  tlog = `http://127.0.0.1:${tlogPort}`;
  trust = await startTrust({ natsUrl: nats.url, env: { OMEGA_TRUST_TLOG_PORT: String(tlogPort) } });
  nats.beforeStop(() => trust.stop());
  const logKey = secretKeyFromText(await readFile(join(trust.keyDir, 'log.key'), 'utf8'));
  await writeFile(join(dir, 'log.pub'), publicKeyToText(logKey.publicKey));
  witness = await startWitness(witnessOptions());
  nats.beforeStop(() => witness.close());
}, 90_000);

function verify(extra: Partial<AuditCommandOptions> = {}) {
  const lines: string[] = [];
  const opts: AuditCommandOptions = {
    trust: trust.address,
    tlog,
    stateFile: join(dir, 'state.json'),
    witness: witness.vkey,
    witnessUrl: `http://127.0.0.1:${witness.port}`,
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    ...extra,
  };
  return { run: () => auditVerify(opts), text: () => lines.join('\n') };
}

async function witnessSize(): Promise<number> {
  const note = await readFile(join(dir, 'witness-state.note'), 'utf8');
  return parseCheckpoint(parseSignedNote(note).text).size;
}

describe('omega witness and audit verify --witness', () => {
  it('cosigns the first checkpoint, then each consistent extension', async () => {
    await append(5);
    const first = verify();
    expect(await first.run()).toBe(0);
    expect(first.text()).toMatch(
      /cosigned by witness omega-witness at \d{4}-\d\d-\d\dT.*\(cosignature\/v1 verified\)/,
    );
    expect(await witnessSize()).toBe(5);
    await append(7);
    const second = verify();
    expect(await second.run()).toBe(0);
    expect(second.text()).toContain('cosigned by witness omega-witness');
    expect(await witnessSize()).toBe(12);
  });

  it('is not satisfied by another witness key', async () => {
    const other = witnessSigner('omega-witness', new Uint8Array(randomBytes(32)));
    const run = verify({ witness: formatWitnessVerifierKey(other) });
    expect(await run.run()).toBe(1);
    expect(run.text()).toMatch(
      /audit verify: witness cosignature check FAILED: cosignature: the checkpoint has no cosignature from witness omega-witness \(key ID [0-9a-f]{8}\)/,
    );
  });

  it('refuses a forked checkpoint signed by the log key, and keeps what it cosigned across a restart', async () => {
    const size = await witnessSize();
    const key = secretKeyFromText(await readFile(join(trust.keyDir, 'log.key'), 'utf8'));
    const mlDsa = await loadMlDsaBackend('liboqs');
    const origin = 'omega.local/audit';
    const forked = await signCheckpoint(
      { origin, size: size + 4, rootHash: new Uint8Array(32).fill(7) },
      [
        ed25519NoteSigner(origin, key.ed25519.exposeBytes()),
        mlDsa65NoteSigner(origin, key.publicKey.mlDsa, (m) =>
          mlDsa.sign(m, key.mlDsa.exposeBytes()),
        ),
      ],
    );
    const url = `http://127.0.0.1:${witness.port}/add-checkpoint`;
    const proof = Array.from({ length: 3 }, () => new Uint8Array(32).fill(1));
    const refused = await fetch(url, {
      method: 'POST',
      body: formatAddCheckpoint({ oldSize: size, proof, note: forked }),
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(/^log forked: /);
    expect(await witnessSize()).toBe(size);

    await witness.close();
    witness = await startWitness(witnessOptions());
    const stale = await fetch(`http://127.0.0.1:${witness.port}/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpoint({ oldSize: 0, proof: [], note: forked }),
    });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toMatch(/^text\/x\.tlog\.size/);
    expect(await stale.text()).toBe(`${size}\n`);
  });
});
