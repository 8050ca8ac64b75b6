// `omega audit`, `omega attest` and `omega verify` against a live trust process on real NATS.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ed25519NoteSigner,
  mlDsa65NoteSigner,
  parseCheckpoint,
  parseSignedNote,
  signCheckpoint,
} from '@omega/auditlog';
import {
  generateHybridSecretKey,
  loadMlDsaBackend,
  publicKeyToText,
  secretKeyFromText,
} from '@omega/crypto';
import { freePort, withNats } from '@omega/testkit';
import { attestFile, verifyFile } from './attest-command';
import {
  auditProof,
  auditShow,
  auditVerify,
  EXIT_FORKED,
  type AuditCommandOptions,
} from './audit-command';
import { AuditSource } from './audit-source';
import { loadAuditState, saveAuditState } from './audit-state';

const TRUST_MAIN = join(__dirname, '..', '..', 'trust', 'dist', 'main.js');
const nats = withNats({ jetstream: true });
let trust: ChildProcess | undefined;
let dir: string;
let grpcPort: number;
let tlogPort: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omega-cli-audit-'));
  grpcPort = await freePort();
  tlogPort = await freePort();
  trust = spawn(process.execPath, [TRUST_MAIN], {
    env: {
      ...process.env,
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_GRPC_PORT: String(grpcPort),
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_HTTP_PORT: String(await freePort()),
      OMEGA_NATS_SERVERS: nats.url,
      OMEGA_LOG_LEVEL: 'warn',
      OMEGA_TRUST_KEY_DIR: join(dir, 'keys'),
      OMEGA_TRUST_TLOG_HOST: '127.0.0.1',
      OMEGA_TRUST_TLOG_PORT: String(tlogPort),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The tlog HTTP server comes up with the log, gRPC only once identities are ready too: wait for
  // trust itself to answer (a bare port check could meet another suite's server on a reused port).
  const trustAnswers = async () => {
    const source = new AuditSource({ trust: `127.0.0.1:${grpcPort}` });
    try {
      return (await source.trustBundle()).rootKeys.length > 0;
    } catch {
      return false;
    } finally {
      source.close();
    }
  };
  for (;;) {
    if (trust.exitCode !== null) throw new Error(`trust exited with code ${trust.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${tlogPort}/checkpoint`)).ok && (await trustAnswers())) {
        break;
      }
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 30_000);

afterAll(() => {
  trust?.kill('SIGKILL');
});

function cli(stateName: string, extra: Partial<AuditCommandOptions> = {}) {
  const lines: string[] = [];
  const opts: AuditCommandOptions = {
    trust: `127.0.0.1:${grpcPort}`,
    stateFile: join(dir, stateName),
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    ...extra,
  };
  return { opts, lines, text: () => lines.join('\n') };
}

async function forgedCheckpoint(size: number): Promise<string> {
  const key = secretKeyFromText(await readFile(join(dir, 'keys', 'log.key'), 'utf8'));
  const mlDsa = await loadMlDsaBackend('liboqs');
  const origin = 'omega.local/audit';
  return signCheckpoint({ origin, size, rootHash: new Uint8Array(32).fill(7) }, [
    ed25519NoteSigner(origin, key.ed25519.exposeBytes()),
    mlDsa65NoteSigner(origin, key.publicKey.mlDsa, (m) => mlDsa.sign(m, key.mlDsa.exposeBytes())),
  ]);
}

(existsSync(TRUST_MAIN) ? describe : describe.skip)('omega audit / attest / verify', () => {
  it('pins the log key on first use, then checks consistency with the checkpoint it saw', async () => {
    const file = join(dir, 'module.wasm');
    await writeFile(file, 'module bytes');
    const first = cli('state.json');
    expect(await attestFile(first.opts, file)).toBe(0);
    expect(first.text()).toMatch(/attested .* as log entry \d+/);
    const verify1 = cli('state.json');
    expect(await auditVerify(verify1.opts)).toBe(0);
    expect(verify1.text()).toMatch(/checkpoint OK: omega.local\/audit size \d+/);
    const second = cli('state.json', { tlog: `http://127.0.0.1:${tlogPort}` });
    await writeFile(join(dir, 'other.bin'), 'more');
    expect(await attestFile(second.opts, join(dir, 'other.bin'))).toBe(0);
    expect(await auditVerify(second.opts)).toBe(0);
    expect(second.text()).toMatch(/consistent with size \d+ seen before/);
    const proof = cli('state.json');
    expect(await auditProof(proof.opts, 0)).toBe(0);
    expect(proof.text()).toMatch(/entry 0 is included/);
    const show = cli('state.json');
    expect(await auditShow(show.opts, 0)).toBe(0);
    expect(show.text()).toMatch(/AUDIT_ENTRY_KIND_ARTIFACT_ATTESTED/);
  });

  it('verifies an attested file offline and names the failed check for a changed file', async () => {
    const file = join(dir, 'rules.yaml');
    await writeFile(file, 'rule: one');
    expect(await attestFile(cli('attest.json').opts, file)).toBe(0);
    const ok = cli('attest.json', { trust: '127.0.0.1:1' });
    expect(await verifyFile(ok.opts, file)).toBe(0);
    await writeFile(file, 'rule: two');
    const changed = cli('attest.json', { trust: '127.0.0.1:1' });
    expect(await verifyFile(changed.opts, file)).toBe(1);
    expect(changed.text()).toMatch(/digest check failed/);
  });

  it('says loudly that the log forked when a checkpoint of the same size had another root', async () => {
    const seen = cli('fork.json');
    expect(await auditVerify(seen.opts)).toBe(0);
    const state = await loadAuditState(seen.opts.stateFile);
    const size = parseCheckpoint(parseSignedNote(state.lastCheckpoint!).text).size;
    await saveAuditState(seen.opts.stateFile, {
      ...state,
      lastCheckpoint: await forgedCheckpoint(size),
    });
    const run = cli('fork.json');
    expect(await auditVerify(run.opts)).toBe(EXIT_FORKED);
    expect(run.text()).toMatch(/AUDIT LOG FORKED/);
  });

  it('says loudly that the log rolled back when it is smaller than a checkpoint seen before', async () => {
    const seen = cli('rollback.json');
    expect(await auditVerify(seen.opts)).toBe(0);
    const state = await loadAuditState(seen.opts.stateFile);
    await saveAuditState(seen.opts.stateFile, {
      ...state,
      lastCheckpoint: await forgedCheckpoint(1_000_000),
    });
    const run = cli('rollback.json');
    expect(await auditVerify(run.opts)).toBe(EXIT_FORKED);
    expect(run.text()).toMatch(/AUDIT LOG ROLLED BACK/);
  });

  it('rejects a checkpoint signed by another key than the pinned one', async () => {
    const other = generateHybridSecretKey(await loadMlDsaBackend('liboqs'));
    const keyFile = join(dir, 'other.pub');
    await writeFile(keyFile, publicKeyToText(other.publicKey));
    const run = cli('wrong-key.json', { logKeyFile: keyFile });
    expect(await auditVerify(run.opts)).toBe(1);
    expect(run.text()).toMatch(/checkpoint signature check FAILED/);
  });
});
