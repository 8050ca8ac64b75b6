// Junk in AUDIT never wedges the log, on a real nats-server: malformed leaves, leaves with a wrong
// index, garbage, forged, replayed and re-pointed checkpoints are skipped, logged with their stream
// sequence, subject and reason, counted, and never signed into the tree.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { provision, subjects, type Bus } from '@omega/bus';
import type { HybridSecretKey } from '@omega/crypto';
import { AuditEntry, AuditLeafBatch, Checkpoint } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import pino from 'pino';
import { Registry } from 'prom-client';
import { alertEntry, newLogKey, openBus, openLog } from '../testing/audit-spec-helpers';
import { trustMetrics } from '../trust-metrics';
import type { AuditLog } from './audit-log';
import { INDEX_HEADER, LEAF_SEQ_HEADER, LEAVES_HEADER, STREAM } from './audit-stream';

const nats = withNats({ jetstream: true });
let bus: Bus;
let key: HybridSecretKey;
let dir: string;

beforeAll(async () => {
  bus = await openBus(nats.url);
  key = await newLogKey();
  nats.beforeStop(() => bus.drain());
});

beforeEach(async () => {
  for (const stream of [STREAM, 'KV_omega_audit_tiles']) {
    await bus.jsm.streams.delete(stream).catch(() => undefined);
  }
  await provision(bus, { streams: ['AUDIT'] });
  dir = mkdtempSync(join(tmpdir(), 'omega-skipped-'));
});

interface Opened {
  log: AuditLog;
  /** Skipped messages as logged: stream sequence, subject, reason. */
  skipped: Array<{ seq: number; subject: string; reason: string }>;
  counted(): Promise<Record<string, number>>;
}

async function open(logKey = key): Promise<Opened> {
  const skipped: Opened['skipped'] = [];
  const logger = pino(
    { level: 'warn' },
    {
      write: (line: string) => {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed['reason']) {
          skipped.push({
            seq: parsed['seq'] as number,
            subject: parsed['subject'] as string,
            reason: parsed['reason'] as string,
          });
        }
      },
    },
  );
  const registry = new Registry();
  const metrics = trustMetrics(registry).audit;
  const log = await openLog(bus, logKey, {
    logger,
    metrics,
    flushDelayMs: 0,
    signedHeadFile: join(dir, 'audit-signed-head.json'),
  });
  const counted = async () =>
    Object.fromEntries(
      (await metrics.skippedMessages.get()).values.map((v) => [v.labels['reason'], v.value]),
    );
  return { log, skipped, counted };
}

async function appendAndClose(from: number, count: number): Promise<void> {
  const { log } = await open();
  for (let n = from; n < from + count; n++) await log.append(alertEntry(n));
  await log.close();
}

async function publishLeaf(data: Uint8Array, fields: Record<string, string>): Promise<number> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(fields)) h.set(k, v);
  return (await bus.js.publish(subjects.auditLeaves, data, { headers: h })).seq;
}

async function publishCheckpoint(data: Uint8Array, leafSeq: string): Promise<number> {
  const h = natsHeaders();
  h.set(LEAF_SEQ_HEADER, leafSeq);
  return (await bus.js.publish(subjects.auditCheckpoints, data, { headers: h })).seq;
}

async function lastCheckpoint() {
  return (await bus.jsm.streams.getMessage(STREAM, { last_by_subj: subjects.auditCheckpoints }))!;
}

const entryBytes = (n: number) => Buffer.from(AuditEntry.encode(alertEntry(n)).finish());

describe('junk leaves in AUDIT', () => {
  it('are skipped and reported by sequence and reason; the next append goes after them', async () => {
    await appendAndClose(0, 3);
    const junk = [
      // A packed message whose body is not an AuditLeafBatch.
      await publishLeaf(Uint8Array.of(0xff, 0xff), { [INDEX_HEADER]: '3', [LEAVES_HEADER]: '2' }),
      // No index at all.
      await publishLeaf(entryBytes(90), {}),
      // A well-formed leaf claiming an index the log has not reached.
      await publishLeaf(entryBytes(91), { [INDEX_HEADER]: '7' }),
      // The right index, but not an AuditEntry.
      await publishLeaf(Uint8Array.of(0x0a, 0xff), { [INDEX_HEADER]: '3' }),
      // A packed message whose header and body disagree.
      await publishLeaf(
        AuditLeafBatch.encode({ leaves: [entryBytes(92)], requestIds: ['x'] }).finish(),
        { [INDEX_HEADER]: '3', [LEAVES_HEADER]: '3' },
      ),
    ];
    const { log, skipped, counted } = await open();
    expect(log.size).toBe(3);
    expect(skipped).toEqual([
      { seq: junk[0], subject: subjects.auditLeaves, reason: 'leaf_malformed' },
      { seq: junk[1], subject: subjects.auditLeaves, reason: 'leaf_malformed' },
      { seq: junk[2], subject: subjects.auditLeaves, reason: 'leaf_wrong_index' },
      { seq: junk[3], subject: subjects.auditLeaves, reason: 'leaf_not_an_entry' },
      { seq: junk[4], subject: subjects.auditLeaves, reason: 'leaf_malformed' },
    ]);
    expect(await counted()).toEqual({
      leaf_malformed: 3,
      leaf_wrong_index: 1,
      leaf_not_an_entry: 1,
    });
    const next = await log.append(alertEntry(3));
    expect(next.index).toBe(3);
    expect(Buffer.from(next.entry)).toEqual(Buffer.from(entryBytes(3)));
    expect(next.checkpointSize).toBe(4);
    await log.close();

    // Restarted: the junk lies behind the last checkpoint and is not read again.
    const again = await open();
    expect(again.log.size).toBe(4);
    expect(again.skipped).toEqual([]);
    expect(Buffer.from((await again.log.readEntries(0, 4))[3]!)).toEqual(
      Buffer.from(entryBytes(3)),
    );
    await again.log.close();
  });
});

describe('junk checkpoints in AUDIT', () => {
  it('are skipped back to the newest checkpoint the log key signed, each reported', async () => {
    await appendAndClose(0, 4);
    const old = await lastCheckpoint();
    await appendAndClose(4, 4);
    const genuine = await lastCheckpoint();
    const other = await newLogKey();
    const decoded = Checkpoint.decode(genuine.data);
    const tampered = Checkpoint.encode({
      ...decoded,
      noteBody: decoded.noteBody.replace('\n8\n', '\n9\n'),
      treeSize: 9n,
    }).finish();
    const foreign = Checkpoint.encode({
      ...decoded,
      signature: { ...decoded.signature!, keyId: other.publicKey.keyId },
    }).finish();
    const junk = [
      await publishCheckpoint(Uint8Array.of(0xde, 0xad, 0xbe, 0xef), '1'),
      await publishCheckpoint(tampered, genuine.header.get(LEAF_SEQ_HEADER)),
      await publishCheckpoint(foreign, genuine.header.get(LEAF_SEQ_HEADER)),
      // The newest checkpoint again, its unsigned leaf-sequence header pointed elsewhere.
      await publishCheckpoint(genuine.data, old.header.get(LEAF_SEQ_HEADER)),
      await publishCheckpoint(genuine.data, ''),
      // An old checkpoint republished as it was: a rollback attempt.
      await publishCheckpoint(old.data, old.header.get(LEAF_SEQ_HEADER)),
    ];
    const { log, skipped, counted } = await open();
    expect(log.size).toBe(8);
    expect(log.restored.checkpointSize).toBe(8);
    expect(skipped).toEqual(
      [
        { seq: junk[5], reason: 'checkpoint_stale' },
        { seq: junk[4], reason: 'checkpoint_no_leaf_seq' },
        { seq: junk[3], reason: 'checkpoint_no_leaf_seq' },
        { seq: junk[2], reason: 'checkpoint_not_signed_by_log_key' },
        { seq: junk[1], reason: 'checkpoint_not_signed_by_log_key' },
        { seq: junk[0], reason: 'checkpoint_undecodable' },
      ].map((s) => ({ ...s, subject: subjects.auditCheckpoints })),
    );
    expect(await counted()).toEqual({
      checkpoint_stale: 1,
      checkpoint_no_leaf_seq: 2,
      checkpoint_not_signed_by_log_key: 2,
      checkpoint_undecodable: 1,
    });
    expect((await log.append(alertEntry(8))).index).toBe(8);
    await log.close();
  });

  it('refuses a key directory whose log key signed none of them, naming both keys', async () => {
    await appendAndClose(0, 2);
    // Another key directory: another log key, and no record of what it signed.
    dir = mkdtempSync(join(tmpdir(), 'omega-skipped-'));
    const other = await newLogKey();
    const attempt = open(other);
    await expect(attempt).rejects.toMatchObject({ code: Code.DataLoss });
    await expect(attempt).rejects.toThrow(
      `audit log: no checkpoint in stream AUDIT is signed by this trust's log key ${other.publicKey.keyId}; ` +
        `the one at seq ${(await lastCheckpoint()).seq} names key ${key.publicKey.keyId}: ` +
        'this key directory is not the log',
    );
    await attempt.catch((err: unknown) => expect(err).toBeInstanceOf(OmegaError));
  });
});
