// Durability: a trust process under steady append load is killed with SIGKILL several times;
// every acknowledged append is in the log exactly once and every checkpoint handed out before
// the crashes is consistent with the newest. Runs apps/trust/dist/main.js: build first.
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  checkpointNoteOf,
  parseCheckpoint,
  verifyCheckpoint,
  verifyCheckpointConsistency,
  type Checkpoint,
} from '@omega/auditlog';
import { loadMlDsaBackend } from '@omega/crypto';
import {
  AppendAuditRequest,
  GetCheckpointRequest,
  GetConsistencyProofRequest,
  ListAuditEntriesRequest,
  TrustServiceClient,
  type AppendAuditResponse,
  type Checkpoint as CheckpointMessage,
  type GetConsistencyProofResponse,
  type GetTrustBundleResponse,
  type ListAuditEntriesResponse,
} from '@omega/proto';
import { freePort, withNats } from '@omega/testkit';
import { alertEntry } from '../testing/audit-spec-helpers';
import { logCheckpointPolicy } from './log-keys';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');
const KILLS = 3;
const WORKERS = 8;

const nats = withNats({ jetstream: true });
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
});

function unary<Res>(
  client: TrustServiceClient,
  method: string,
  request: unknown,
  timeoutMs = 5000,
) {
  return new Promise<Res>((resolve, reject) => {
    type Unary = (
      request: unknown,
      metadata: grpc.Metadata,
      options: grpc.CallOptions,
      callback: (err: Error | null, res: Res) => void,
    ) => void;
    const fn = (client as unknown as Record<string, Unary>)[method]!;
    fn.call(
      client,
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err: Error | null, res: Res) => (err ? reject(err) : resolve(res)),
    );
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

(existsSync(MAIN) ? it : it.skip)(
  'keeps every acknowledged append exactly once across kill -9 restarts, with consistent checkpoints',
  async () => {
    const keyDir = await mkdtemp(join(tmpdir(), 'omega-trust-durability-'));
    const grpcPort = await freePort();
    const httpPort = await freePort();
    const start = () => {
      child = spawn(process.execPath, [MAIN], {
        env: {
          ...process.env,
          OMEGA_GRPC_HOST: '127.0.0.1',
          OMEGA_GRPC_PORT: String(grpcPort),
          OMEGA_HTTP_HOST: '127.0.0.1',
          OMEGA_HTTP_PORT: String(httpPort),
          OMEGA_NATS_SERVERS: nats.url,
          OMEGA_LOG_LEVEL: 'warn',
          OMEGA_TRUST_KEY_DIR: keyDir,
          OMEGA_TRUST_TLOG_HOST: '127.0.0.1',
          OMEGA_TRUST_TLOG_PORT: '0',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    };
    const client = new TrustServiceClient(
      `127.0.0.1:${grpcPort}`,
      grpc.credentials.createInsecure(),
      { 'grpc.initial_reconnect_backoff_ms': 50, 'grpc.max_reconnect_backoff_ms': 200 },
    );
    const ready = async () => {
      for (;;) {
        try {
          return await unary<GetTrustBundleResponse>(client, 'getTrustBundle', {}, 1000);
        } catch {
          await sleep(100);
        }
      }
    };
    start();
    const trustBundle = await ready();
    // Root key first, then the log key; the TLS CA as the one x509 root.
    expect(trustBundle.rootKeys).toHaveLength(2);
    expect(trustBundle.x509RootsDer).toHaveLength(1);
    expect(new X509Certificate(trustBundle.x509RootsDer[0]!).ca).toBe(true);
    const logKey = trustBundle.rootKeys[1]!;
    expect(logKey.keyId).not.toBe(trustBundle.rootKeys[0]!.keyId);
    const policy = logCheckpointPolicy(
      trustBundle.auditLogOrigin,
      logKey,
      await loadMlDsaBackend('liboqs'),
    );

    const acknowledged = new Map<string, bigint>();
    const handedOut: Checkpoint[] = [];
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const n = next++;
        const requestId = `dur-${n}`;
        for (;;) {
          try {
            const response = await unary<AppendAuditResponse>(
              client,
              'appendAudit',
              AppendAuditRequest.fromPartial({ entry: alertEntry(n), requestId }),
            );
            acknowledged.set(requestId, response.audit!.logIndex);
            break;
          } catch {
            await sleep(50); // the process is down: retry the same id until it answers
          }
        }
      }
    };
    const watcher = async () => {
      while (!stop) {
        try {
          const { checkpoint } = await unary<{ checkpoint: CheckpointMessage }>(
            client,
            'getCheckpoint',
            GetCheckpointRequest.fromPartial({}),
          );
          const verified = await verifyCheckpoint(checkpointNoteOf(checkpoint, logKey), policy);
          handedOut.push(verified.checkpoint);
        } catch {
          // down; the next one will do
        }
        await sleep(100);
      }
    };
    const load = [...Array.from({ length: WORKERS }, worker), watcher()];
    for (let kill = 0; kill < KILLS; kill++) {
      await sleep(1500);
      child!.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
      start();
      await ready();
    }
    await sleep(1000);
    stop = true;
    await Promise.all(load);
    expect(acknowledged.size).toBeGreaterThan(100);

    // Every acknowledged append is in the log once, at the index it was acknowledged with.
    const latest = (
      await unary<{ checkpoint: CheckpointMessage }>(
        client,
        'getCheckpoint',
        GetCheckpointRequest.fromPartial({}),
      )
    ).checkpoint;
    const size = Number(latest.treeSize);
    const seen = new Map<string, number[]>();
    for (let index = 0; index < size;) {
      const page = await unary<ListAuditEntriesResponse>(
        client,
        'listAuditEntries',
        ListAuditEntriesRequest.fromPartial({ startIndex: BigInt(index), pageSize: 1000 }),
      );
      page.records.forEach((record) => {
        const id = `dur-${record.entry!.subject.replace('alert-', '')}`;
        seen.set(id, [...(seen.get(id) ?? []), Number(record.ref!.logIndex)]);
      });
      index = Number(page.nextIndex);
    }
    for (const [requestId, logIndex] of acknowledged) {
      expect([requestId, seen.get(requestId)]).toEqual([requestId, [Number(logIndex)]]);
    }
    for (const [requestId, indexes] of seen)
      expect([requestId, indexes.length]).toEqual([requestId, 1]);

    // Every checkpoint handed out before and between the crashes is a prefix of the newest.
    const newest = (await verifyCheckpoint(checkpointNoteOf(latest, logKey), policy)).checkpoint;
    expect(handedOut.length).toBeGreaterThan(3);
    for (const old of handedOut.filter((c) => c.size > 0)) {
      const { proof } = await unary<GetConsistencyProofResponse>(
        client,
        'getConsistencyProof',
        GetConsistencyProofRequest.fromPartial({
          firstTreeSize: BigInt(old.size),
          secondTreeSize: BigInt(newest.size),
        }),
      );
      verifyCheckpointConsistency(old, newest, proof!.hashes);
    }
    expect(parseCheckpoint(latest.noteBody).size).toBe(newest.size);
    client.close();
  },
  120_000,
);
