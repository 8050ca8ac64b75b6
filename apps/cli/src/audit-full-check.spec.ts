// `omega audit verify --full` and `omega audit show` against a live trust on real NATS, with entry
// bundles and tiles edited in trust's tile store (the omega_audit_tiles KV bucket) the way someone
// with JetStream rights could: the full check names the first entry or tile that disagrees, and an
// edited entry is never shown as verified.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  decodeEntryBundle,
  encodeEntryBundle,
  parseCheckpoint,
  parseSignedNote,
} from '@omega/auditlog';
import { AppendAuditRequest, AuditEntry, AuditEntryKind } from '@omega/proto';
import { freePort, startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { auditShow, auditVerify, type AuditCommandOptions } from './audit-command';
import { checkFullLog } from './audit-full-check';

const nats = withNats({ jetstream: true });
const ENTRIES = 300;
let trust: TrustProcess;
let tlog: string;
let nc: NatsConnection;
let tiles: KV;
let dir: string;

const entry = (n: number) =>
  AuditEntry.fromPartial({
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
    timeNs: BigInt(n),
    subject: `alert-${n}`,
    summary: `alert number ${n}`,
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omega-cli-full-'));
  const tlogPort = await freePort();
  tlog = `http://127.0.0.1:${tlogPort}`;
  trust = await startTrust({
    natsUrl: nats.url,
    env: { OMEGA_TRUST_TLOG_PORT: String(tlogPort) },
  });
  nats.beforeStop(() => trust.stop());
  for (let start = 0; start < ENTRIES; start += 100) {
    await trust.client.appendAuditBatch({
      appends: Array.from({ length: 100 }, (_, i) =>
        AppendAuditRequest.fromPartial({ entry: entry(start + i), requestId: `full-${start + i}` }),
      ),
    });
  }
  nc = await connect({ servers: nats.url });
  tiles = await new Kvm(nc).open('omega_audit_tiles');
  nats.beforeStop(() => nc.drain());
}, 90_000);

function cli(extra: Partial<AuditCommandOptions> = {}) {
  const lines: string[] = [];
  const opts: AuditCommandOptions = {
    trust: trust.address,
    tlog,
    stateFile: join(dir, 'state.json'),
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    ...extra,
  };
  return { opts, text: () => lines.join('\n') };
}

/** Runs `check` with the stored value at `path` replaced by `edit(value)`, then puts it back. */
async function withEdited(
  path: string,
  edit: (value: Uint8Array) => Uint8Array,
  check: () => Promise<void>,
): Promise<void> {
  const original = (await tiles.get(path))!.value;
  await tiles.put(path, edit(Uint8Array.from(original)));
  try {
    await check();
  } finally {
    await tiles.put(path, original);
  }
}

/** The checkpoint trust serves, as the CLI would verify it (size and root). */
async function servedCheckpoint() {
  const note = await (await fetch(`${tlog}/checkpoint`)).text();
  return parseCheckpoint(parseSignedNote(note).text);
}

/** Reads tiles and bundles straight from the tile store (trust's HTTP server caches tiles). */
const readStore = async (path: string) => (await tiles.get(path))!.value;

describe('omega audit verify --full', () => {
  it('recomputes every bundle and tile of a 300-entry log and reproduces the signed root', async () => {
    const run = cli({ full: true });
    expect(await auditVerify(run.opts)).toBe(0);
    // 300 entries: bundles tile/entries/000 and 001.p/44; tiles tile/0/000, tile/0/001.p/44 and
    // tile/1/000.p/1 (C2SP tlog-tiles layout).
    expect(run.text()).toContain(
      'full check OK: 300 entries in 2 entry bundles and 3 tiles (levels 0..1) reproduce the signed root',
    );
  });

  it('names the first entry whose bundle was edited, and says the entries are not what was signed', async () => {
    await withEdited(
      'tile/entries/001.p/44',
      (bundle) => {
        const entries = decodeEntryBundle(bundle, 44);
        entries[4] = AuditEntry.encode({ ...entry(260), summary: 'nothing happened' }).finish();
        return encodeEntryBundle(entries);
      },
      async () => {
        const run = cli({ full: true });
        expect(await auditVerify(run.opts)).toBe(1);
        expect(run.text()).toMatch(
          /audit verify --full: FAILED at size 300:\n {2}entry 260: its bundle tile\/entries\/001\.p\/44 hashes to [0-9a-f]{64}, but tile\/0\/001\.p\/44 holds [0-9a-f]{64}\n/,
        );
        expect(run.text()).toMatch(
          /the entries give root [0-9a-f]{64}, but the signed checkpoint of size 300 has root [0-9a-f]{64}: the entries are not the ones that were signed/,
        );
      },
    );
  });

  it('names an interior tile that was edited, and says the tiles were altered after signing', async () => {
    const checkpoint = await servedCheckpoint();
    await withEdited(
      'tile/1/000.p/1',
      (tile) => {
        tile[0]! ^= 0x80;
        return tile;
      },
      async () => {
        const progress: string[] = [];
        const result = await checkFullLog(readStore, checkpoint, (l) => progress.push(l), 1);
        expect(result.ok).toBe(false);
        expect(result.problems[0]).toMatch(
          /^tile\/1\/000\.p\/1: hash 0 \(tree level 8, node 0\) recomputed from the entries is [0-9a-f]{64}, the tile holds [0-9a-f]{64}$/,
        );
        expect(result.problems.at(-1)).toBe(
          'the entries reproduce the signed root: the tiles named above were altered after signing',
        );
        expect(progress).toEqual([
          'full check: 256 of 300 entries (85%)',
          'full check: 300 of 300 entries (100%)',
        ]);
      },
    );
    expect((await checkFullLog(readStore, checkpoint, () => undefined)).ok).toBe(true);
  });
});

describe('omega audit show', () => {
  it('shows an entry as verified with the size of the checkpoint it is proved in', async () => {
    for (const extra of [{}, { tlog: undefined }] as const) {
      const run = cli(extra);
      expect(await auditShow(run.opts, 7)).toBe(0);
      const shown = JSON.parse(run.text().slice(0, run.text().lastIndexOf('}') + 1)) as {
        verified: boolean;
        treeSize: number;
        entry: { subject: string };
      };
      expect(shown).toMatchObject({ verified: true, treeSize: 300, entry: { subject: 'alert-7' } });
    }
  });

  it('shows an edited entry as NOT VERIFIED, from the tiles and through trust alike', async () => {
    await withEdited(
      'tile/entries/000',
      (bundle) => {
        const entries = decodeEntryBundle(bundle, 256);
        entries[7] = AuditEntry.encode({ ...entry(7), summary: 'nothing happened' }).finish();
        return encodeEntryBundle(entries);
      },
      async () => {
        const fromTiles = cli();
        expect(await auditShow(fromTiles.opts, 7)).toBe(1);
        expect(fromTiles.text()).toContain('"verified": false');
        expect(fromTiles.text()).toContain('"summary": "nothing happened"');
        expect(fromTiles.text()).toMatch(
          /!!! audit show: entry 7 is NOT VERIFIED: inclusion proof: root mismatch for index 7 in size 300/,
        );
        const throughTrust = cli({ tlog: undefined });
        delete throughTrust.opts.tlog;
        expect(await auditShow(throughTrust.opts, 7)).toBe(1);
        expect(throughTrust.text()).toMatch(
          /!!! audit show: entry 7 is NOT VERIFIED: .*audit log: entry 7 as stored does not verify against the signed checkpoint of size 300/,
        );
        expect(throughTrust.text()).not.toContain('"verified": true');
      },
    );
  });
});
