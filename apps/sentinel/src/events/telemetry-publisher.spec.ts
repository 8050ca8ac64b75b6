// TelemetryPublisher against a real nats-server: batches are signed (checked with the noble ML-DSA
// implementation, not the liboqs one that signed), carry the sender's loss counters in the signed
// EventBatch fields, and in the deprecated headers for one more release.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, provision, subjects, type Bus } from '@omega/bus';
import { HybridVerifier, SignaturePurpose, loadMlDsaBackend } from '@omega/crypto';
import { Event } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { splitSignedEventBatch } from '@omega/trust-client';
import { batchSigning, LOCAL_KEY_FILE, type BatchSigning } from './batch-signing-key';
import {
  DROPPED_EVENTS_HEADER,
  LOST_RECORDS_HEADER,
  TelemetryPublisher,
} from './telemetry-publisher';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'sentinel', level: 'silent' });
let bus: Bus;
let signing: BatchSigning;
const dataDir = join(mkdtempSync(join(tmpdir(), 'omega-sentinel-key-')), 'state');

beforeAll(async () => {
  signing = await batchSigning({
    dataDir,
    localSenderId: 'omega://local/sentinel/node-loss',
    logger,
  });
  bus = await connectBus({ servers: nats.url, name: 'telemetry-publisher-spec', logger });
  await provision(bus, { streams: ['TELEMETRY'] });
  nats.beforeStop(() => bus.drain());
});

describe('TelemetryPublisher', () => {
  it('sets lost_records and dropped_events on each batch, and still sends the old headers', async () => {
    const node = 'node-loss';
    const publisher = new TelemetryPublisher({
      bus,
      node,
      signing,
      sessionId: 'session-1',
      logger,
      maxBufferedEvents: 2,
      flushIntervalMs: 60_000,
    });
    publisher.setLostRecords(5n);
    for (const id of ['e1', 'e2', 'e3']) publisher.add('process', Event.fromPartial({ id }));
    await publisher.close();

    const consumer = await bus.js.consumers.get('TELEMETRY', {
      filter_subjects: [subjects.telemetry('process', node)],
    });
    const message = await consumer.next({ expires: 5_000 });
    expect(message).not.toBeNull();
    const { batch, signedBytes, signature } = splitSignedEventBatch(message!.data);
    const verifier = new HybridVerifier(await loadMlDsaBackend('noble'));
    expect(() =>
      verifier.verify(
        signing.signer().publicKey,
        SignaturePurpose.EventBatch,
        signedBytes,
        signature,
      ),
    ).not.toThrow();
    expect(batch.sender).toEqual({
      id: 'omega://local/sentinel/node-loss',
      keyId: signing.signer().keyId,
    });
    expect(batch.events.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(batch.lostRecords).toBe(5n);
    expect(batch.droppedEvents).toBe(1n);
    expect(message!.headers?.get(LOST_RECORDS_HEADER)).toBe('5');
    expect(message!.headers?.get(DROPPED_EVENTS_HEADER)).toBe('1');
  });
});

describe('TelemetryPublisher batch size', () => {
  it('splits a batch whose signed bytes exceed maxBatchBytes, keeping every event once and in order', async () => {
    const node = 'node-split';
    const publisher = new TelemetryPublisher({
      bus,
      node,
      signing,
      sessionId: 'split',
      logger,
      maxBatchBytes: 40_000,
      flushIntervalMs: 60_000,
    });
    const ids = Array.from({ length: 20 }, (_, i) => `big-${i}`);
    for (const id of ids) {
      publisher.add('dns', Event.fromPartial({ id, rawData: Buffer.alloc(6_000, 1) }));
    }
    await publisher.close();
    const consumer = await bus.js.consumers.get('TELEMETRY', {
      filter_subjects: [subjects.telemetry('dns', node)],
    });
    const stored: Array<{ bytes: number; sequence: bigint; ids: string[] }> = [];
    for (;;) {
      const m = await consumer.next({ expires: 1_000 });
      if (!m) break;
      const { batch } = splitSignedEventBatch(m.data);
      stored.push({
        bytes: m.data.length,
        sequence: batch.sequence,
        ids: batch.events.map((e) => e.id),
      });
    }
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.every((b) => b.bytes <= 40_000)).toBe(true);
    expect(stored.flatMap((b) => b.ids)).toEqual(ids);
    expect(stored.map((b) => b.sequence)).toEqual(stored.map((_, i) => BigInt(i + 1)));
    expect(publisher.stats.droppedEvents).toBe(0n);
  });

  it('drops and counts an event too large for a batch on its own', async () => {
    const publisher = new TelemetryPublisher({
      bus,
      node: 'node-huge',
      signing,
      sessionId: 'huge',
      logger,
      maxBatchBytes: 10_000,
      flushIntervalMs: 60_000,
    });
    publisher.add('dns', Event.fromPartial({ id: 'huge', rawData: Buffer.alloc(20_000) }));
    publisher.add('dns', Event.fromPartial({ id: 'small' }));
    await publisher.close();
    expect(publisher.stats).toMatchObject({ droppedEvents: 1n, buffered: 0, batchesPublished: 1n });
  });
});

describe('TelemetryPublisher.addEncoded', () => {
  it('leaves the batch as it was when an encoder throws half way, or has nothing to add', async () => {
    const node = 'node-encoded';
    const publisher = new TelemetryPublisher({
      bus,
      node,
      signing,
      sessionId: 'encoded',
      logger,
      flushIntervalMs: 60_000,
    });
    publisher.add('dns', Event.fromPartial({ id: 'before' }));
    expect(() =>
      publisher.addEncoded('dns', (w) => {
        w.uint32(10).string('half-written');
        throw new Error('encoder failed');
      }),
    ).toThrow('encoder failed');
    expect(publisher.addEncoded('dns', (w) => (w.uint32(10).string('nothing'), false))).toBe(false);
    publisher.add('dns', Event.fromPartial({ id: 'after' }));
    await publisher.close();
    const consumer = await bus.js.consumers.get('TELEMETRY', {
      filter_subjects: [subjects.telemetry('dns', node)],
    });
    const message = await consumer.next({ expires: 5_000 });
    expect(splitSignedEventBatch(message!.data).batch.events.map((e) => e.id)).toEqual([
      'before',
      'after',
    ]);
    expect(publisher.stats).toMatchObject({ eventsAccepted: 2n, droppedEvents: 0n });
  });
});

describe('the local batch signing key', () => {
  it('is created 0600 in the data directory and reused on the next start', async () => {
    expect(statSync(join(dataDir, LOCAL_KEY_FILE)).mode & 0o777).toBe(0o600);
    const again = await batchSigning({ dataDir, localSenderId: 'x', logger });
    expect(again.signer().keyId).toBe(signing.signer().keyId);
    expect(again.source).toBe('local');
  });

  it('refuses a damaged key file, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-sentinel-badkey-'));
    writeFileSync(join(dir, LOCAL_KEY_FILE), 'not a key', { mode: 0o600 });
    await expect(batchSigning({ dataDir: dir, localSenderId: 'x', logger })).rejects.toThrow(
      `${join(dir, LOCAL_KEY_FILE)}: not a hybrid secret key`,
    );
  });
});
