// The audit RPCs and the tlog-tiles HTTP tree of a trust service on real gRPC, HTTP and NATS.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import {
  buildInclusionProof,
  checkpointNoteOf,
  decodeEntryBundle,
  hashLeaf,
  parseCheckpoint,
  parseSignedNote,
  TileHashReader,
  verifyCheckpoint,
  verifyCheckpointConsistency,
  verifyCommitmentOpening,
  verifyInclusion,
  COMMITTED_ENTRY_TYPE,
} from '@omega/auditlog';
import { loadMlDsaBackend } from '@omega/crypto';
import { AuditEntry, TrustServiceClient, VerificationFailure } from '@omega/proto';
import { baseConfigSchema, implementService } from '@omega/runtime';
import { runService, type RunningService } from '@omega/service';
import { withNats, localServiceEnv } from '@omega/testkit';
import { KeyStore } from '../keys/key-store';
import { trustConfigSchema } from './audit-config';
import { trustServiceDefinition } from './audit-grpc';
import { startAuditService, type AuditService } from './audit-service';
import { logCheckpointPolicy } from './log-keys';
import { alertEntry } from '../testing/audit-spec-helpers';
import { sha256 } from './artifact-attestation';

const nats = withNats({ jetstream: true });
const schema = baseConfigSchema.extend({ trust: trustConfigSchema });
let running: RunningService<ReturnType<typeof schema.parse>>;
let audit: AuditService;
let client: TrustServiceClient;

beforeAll(async () => {
  const keyDir = await mkdtemp(join(tmpdir(), 'omega-trust-keys-'));
  running = await runService({
    name: 'trust',
    configSchema: schema,
    resources: { streams: ['AUDIT'] },
    installSignalHandlers: false,
    env: localServiceEnv(nats.url, {
      OMEGA_TRUST_KEY_DIR: keyDir,
      OMEGA_TRUST_TLOG_HOST: '127.0.0.1',
      OMEGA_TRUST_TLOG_PORT: '0',
    }),
    build: async ({ service, bus }) => {
      audit = await startAuditService({
        bus,
        keys: await KeyStore.open(service.config.trust.keyDir, service.logger),
        config: service.config.trust,
        logger: service.logger,
        trustDomain: 'omega.test',
      });
      service.onShutdown('audit log', () => audit.close());
      // As trust's main serves it: append answers through the reused writer.
      service.addGrpcService(
        trustServiceDefinition,
        implementService(trustServiceDefinition, audit.handlers, { logger: service.logger }),
      );
    },
  });
  client = new TrustServiceClient(
    `127.0.0.1:${running.grpcPort}`,
    grpc.credentials.createInsecure(),
  );
}, 30_000);

// Before the kit stops nats-server (jest runs afterAll hooks in declaration order).
nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
});

function call<Req, Res>(method: string, request: Req): Promise<Res> {
  const fn = (
    client as unknown as Record<string, (r: Req, cb: (e: Error | null, res: Res) => void) => void>
  )[method]!;
  return promisify(fn.bind(client))(request) as Promise<Res>;
}

async function http(path: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${audit.tlogPort}/${path}`);
}

describe('trust audit RPCs', () => {
  it('appends a batch in one call; each result carries an offline bundle that verifies alone', async () => {
    const policy = logCheckpointPolicy(
      audit.log.origin,
      audit.logKey,
      await loadMlDsaBackend('liboqs'),
    );
    type Result = {
      audit: { logIndex: bigint; leafHash: Buffer; checkpointSize: bigint };
      inclusionProof: Buffer[];
      checkpointNote: string;
      entry: Buffer;
    };
    const { results, checkpointNotes } = await call<
      object,
      { results: Result[]; checkpointNotes: string[] }
    >('appendAuditBatch', {
      appends: Array.from({ length: 120 }, (_, n) => ({
        entry: alertEntry(1000 + n),
        requestId: `batch-${n}`,
        commit: false,
      })),
    });
    expect(results).toHaveLength(120);
    const indexes = results.map((r) => Number(r.audit.logIndex));
    expect(new Set(indexes).size).toBe(120);
    // Each distinct checkpoint once, ascending; a result names its own by size.
    const notes = new Map<bigint, string>();
    for (const note of checkpointNotes) {
      const verified = await verifyCheckpoint(note, policy);
      notes.set(BigInt(verified.checkpoint.size), note);
    }
    const sizes = [...new Set(results.map((r) => r.audit.checkpointSize))];
    expect([...notes.keys()]).toEqual(sizes.sort((a, b) => Number(a - b)));
    for (const [i, result] of results.entries()) {
      // Only what the caller kept: the entry, the proof and the signed note.
      expect(result.checkpointNote).toBe('');
      expect(AuditEntry.decode(result.entry).subject).toBe(`alert-${1000 + i}`);
      const verified = await verifyCheckpoint(notes.get(result.audit.checkpointSize)!, policy);
      expect(BigInt(verified.checkpoint.size)).toBe(result.audit.checkpointSize);
      verifyInclusion(
        hashLeaf(result.entry),
        Number(result.audit.logIndex),
        verified.checkpoint.size,
        result.inclusionProof,
        verified.checkpoint.rootHash,
      );
    }
    // A retried batch answers with the first indexes and logs nothing new.
    const size = audit.log.size;
    const again = await call<object, { results: Result[] }>('appendAuditBatch', {
      appends: [{ entry: alertEntry(1007), requestId: 'batch-7', commit: false }],
    });
    expect(again.results[0]!.audit.logIndex).toBe(results[7]!.audit.logIndex);
    expect(audit.log.size).toBe(size);
  });

  it('refuses a batch with one bad append whole, naming it, and appends none of it', async () => {
    const size = audit.log.size;
    const good = { entry: alertEntry(1), requestId: '', commit: false };
    const cases: Array<[object[], RegExp]> = [
      [[], /AppendAuditBatch: appends is empty/],
      [[good, good, { requestId: 'x', commit: false }], /appends\[2\]\.entry is required/],
      [
        [good, { ...good, requestId: 'r'.repeat(300) }],
        /AppendAuditBatch: appends\[1\]: audit log: request id is 300 characters, above the limit of 256/,
      ],
      [
        [good, { ...good, entry: { ...alertEntry(2), summary: 's'.repeat(5000) } }],
        /AppendAuditBatch: appends\[1\]: audit log: entry is \d+ bytes encoded, above the limit of 4000/,
      ],
      [Array.from({ length: 1025 }, () => good), /1025 appends, above the limit of 1024 per call/],
    ];
    for (const [appends, message] of cases) {
      const err = await call('appendAuditBatch', { appends }).catch((e: grpc.ServiceError) => e);
      expect((err as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
      expect((err as grpc.ServiceError).details).toMatch(message);
    }
    expect(audit.log.size).toBe(size);
  });

  it('appends, then proves inclusion against a checkpoint signed with the log key', async () => {
    const logKey = audit.logKey;
    const policy = logCheckpointPolicy(audit.log.origin, logKey, await loadMlDsaBackend('liboqs'));
    const refs = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        call<object, { audit: { logIndex: bigint; leafHash: Buffer } }>('appendAudit', {
          entry: alertEntry(n),
          requestId: `grpc-${n}`,
        }),
      ),
    );
    const again = await call<object, { audit: { logIndex: bigint } }>('appendAudit', {
      entry: alertEntry(3),
      requestId: 'grpc-3',
    });
    expect(again.audit.logIndex).toBe(refs[3]!.audit.logIndex);
    const { proof, checkpoint } = await call<
      object,
      {
        proof: { hashes: Buffer[]; treeSize: bigint; leafHash: Buffer };
        checkpoint: never;
      }
    >('getInclusionProof', {
      leaf: { $case: 'logIndex', value: refs[5]!.audit.logIndex },
      treeSize: 0n,
    });
    const verified = await verifyCheckpoint(checkpointNoteOf(checkpoint, logKey), policy);
    expect(proof.leafHash).toEqual(refs[5]!.audit.leafHash);
    verifyInclusion(
      proof.leafHash,
      Number(refs[5]!.audit.logIndex),
      verified.checkpoint.size,
      proof.hashes,
      verified.checkpoint.rootHash,
    );
    const listed = await call<object, { records: Array<{ entry: { subject: string } }> }>(
      'listAuditEntries',
      { startIndex: refs[5]!.audit.logIndex, pageSize: 1, kind: 0, subject: '' },
    );
    expect(listed.records[0]!.entry.subject).toBe('alert-5');
  });

  it('logs a salted commitment when asked, and returns the salt that opens it', async () => {
    const entry = alertEntry(7_000);
    const appended = await call<
      object,
      { audit: { logIndex: bigint; leafHash: Buffer }; commitmentSalt: Buffer }
    >('appendAudit', { entry, requestId: 'grpc-commit', commit: true });
    expect(appended.commitmentSalt).toHaveLength(32);
    const listed = await call<object, { records: Array<{ entry: AuditEntry }> }>(
      'listAuditEntries',
      { startIndex: appended.audit.logIndex, pageSize: 1, kind: 0, subject: '' },
    );
    const logged = listed.records[0]!.entry;
    // The log shows kind and time only; the commitment opens with the salt and the entry.
    expect(logged).toMatchObject({
      kind: entry.kind,
      subject: '',
      payloadType: COMMITTED_ENTRY_TYPE,
    });
    expect(Buffer.from(hashLeaf(AuditEntry.encode(logged).finish()))).toEqual(
      appended.audit.leafHash,
    );
    const body = AuditEntry.encode(entry).finish();
    expect(() =>
      verifyCommitmentOpening(logged.payload, { salt: appended.commitmentSalt, body }),
    ).not.toThrow();
    expect(() =>
      verifyCommitmentOpening(logged.payload, {
        salt: appended.commitmentSalt,
        body: AuditEntry.encode(alertEntry(7_001)).finish(),
      }),
    ).toThrow(/opening does not match/);

    const plain = await call<object, { commitmentSalt: Buffer }>('appendAudit', {
      entry: alertEntry(7_002),
      requestId: 'grpc-plain',
    });
    expect(plain.commitmentSalt).toHaveLength(0);
  });

  it('proves consistency between two checkpoints', async () => {
    const first = audit.log.latestCheckpoint;
    await call('appendAudit', { entry: alertEntry(100), requestId: 'grpc-100' });
    const response = await call<
      object,
      {
        proof: { hashes: Buffer[] };
        checkpoint: { treeSize: bigint; rootHash: Buffer; origin: string };
      }
    >('getConsistencyProof', { firstTreeSize: BigInt(first.size), secondTreeSize: 0n });
    const previous = parseCheckpoint(parseSignedNote(first.note).text);
    verifyCheckpointConsistency(
      previous,
      {
        origin: response.checkpoint.origin,
        size: Number(response.checkpoint.treeSize),
        rootHash: response.checkpoint.rootHash,
      },
      response.proof.hashes,
    );
  });

  it('attests an artifact and verifies it, rejecting another digest', async () => {
    const digest = sha256(Buffer.from('module bytes'));
    const subject = {
      name: 'modules/port-scan@1.0.0',
      sha256: digest,
      mediaType: 'application/wasm',
    };
    const attested = await call<
      object,
      { attestation: { envelope: never; audit: { logIndex: bigint } } }
    >('attestArtifact', {
      subject,
      predicateType: 'https://omega.dev/attestation/v1',
      predicate: Buffer.from('{"by":"test"}'),
      requestId: 'att-1',
    });
    const ok = await call<object, { valid: boolean; detail: string }>('verifyArtifact', {
      subject,
      envelopes: [],
      expectedSignerId: '',
      expectedPredicateType: '',
    });
    expect(ok).toMatchObject({ valid: true, detail: '' });
    const wrong = await call<object, { valid: boolean; failure: number; detail: string }>(
      'verifyArtifact',
      {
        subject: { ...subject, sha256: sha256(Buffer.from('other bytes')) },
        envelopes: [attested.attestation.envelope],
        expectedSignerId: '',
        expectedPredicateType: '',
      },
    );
    expect(wrong).toMatchObject({
      valid: false,
      failure: VerificationFailure.VERIFICATION_FAILURE_DIGEST_MISMATCH,
    });
    expect(wrong.detail).toMatch(/digest check failed/);
  });

  // The log is still below one full tile here (fewer than 256 entries so far in this file).
  it('serves checkpoint, tiles and entry bundles in the tlog-tiles layout', async () => {
    const note = await (await http('checkpoint')).text();
    const checkpoint = parseCheckpoint(parseSignedNote(note).text);
    const size = checkpoint.size;
    const tilePath = (level: number, index: number, width: number) =>
      `tile/${level}/${String(index).padStart(3, '0')}${width === 256 ? '' : `.p/${width}`}`;
    const tiles = new Map<string, Uint8Array>();
    tiles.set(
      tilePath(0, 0, size),
      new Uint8Array(await (await http(tilePath(0, 0, size))).arrayBuffer()),
    );
    const reader = new TileHashReader(size, {
      readTile: (id) => tiles.get(tilePath(id.level, id.index, id.width))!,
    });
    const proof = buildInclusionProof(reader, 2, size);
    const entries = decodeEntryBundle(
      new Uint8Array(await (await http(`tile/entries/000.p/${size}`)).arrayBuffer()),
      size,
    );
    verifyInclusion(hashLeaf(entries[2]!), 2, size, proof, checkpoint.rootHash);
    expect((await http(`tile/0/000.p/${size + 1}`)).status).toBe(404);
    expect((await http('tile/0/0')).status).toBe(400);
  });
});
