// Trust's own record of what it signed, on a real nats-server: a log that extends it opens; a
// stream that was deleted or rolled back to an old prefix is refused before anything new is signed,
// an old checkpoint republished is stepped over; a record not signed by the log key is refused.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { provision, subjects, type Bus } from '@omega/bus';
import type { HybridSecretKey } from '@omega/crypto';
import { Code, OmegaError } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { alertEntry, newLogKey, openBus, openLog } from '../testing/audit-spec-helpers';
import { LEAF_SEQ_HEADER, STREAM } from './audit-stream';

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
  // Each case starts from an empty stream and tile store and a fresh key directory.
  for (const stream of [STREAM, 'KV_omega_audit_tiles']) {
    await bus.jsm.streams.delete(stream).catch(() => undefined);
  }
  await provision(bus, { streams: ['AUDIT'] });
  dir = mkdtempSync(join(tmpdir(), 'omega-signed-head-'));
});

const recordFile = () => join(dir, 'audit-signed-head.json');

async function appendAndClose(count: number, from = 0): Promise<number> {
  const log = await openLog(bus, key, { signedHeadFile: recordFile(), flushDelayMs: 0 });
  for (let n = from; n < from + count; n++) await log.append(alertEntry(n));
  const size = log.size;
  await log.close();
  return size;
}

async function refusal(): Promise<OmegaError> {
  try {
    const log = await openLog(bus, key, { signedHeadFile: recordFile() });
    await log.close();
  } catch (err) {
    if (err instanceof OmegaError) return err;
    throw err;
  }
  throw new Error('expected the log to refuse to open');
}

describe('the signed-head record', () => {
  it('records the newest signed checkpoint, and a log that extends it opens and grows', async () => {
    expect(await appendAndClose(12)).toBe(12);
    const recorded = JSON.parse(readFileSync(recordFile(), 'utf8')) as { note: string };
    expect(recorded.note.split('\n')[1]).toBe('12');
    expect(await appendAndClose(5, 12)).toBe(17);
    expect((JSON.parse(readFileSync(recordFile(), 'utf8')) as { note: string }).note).toContain(
      '\n17\n',
    );
  });

  it('refuses a stream that was deleted, naming both sizes and what to do', async () => {
    await appendAndClose(9);
    await bus.jsm.streams.delete(STREAM);
    await provision(bus, { streams: ['AUDIT'] });
    const err = await refusal();
    expect(err.code).toBe(Code.DataLoss);
    expect(err.message).toMatch(
      /this trust signed a checkpoint of size 9 at .*, but the AUDIT stream now gives a log of size 0: the stream was shortened, deleted or replaced; refusing to sign over it \(restore the AUDIT stream, or move .*audit-signed-head\.json away/,
    );
  });

  it('steps over an old checkpoint republished with its leaf sequence (a rollback attempt) to what it signed', async () => {
    await appendAndClose(6);
    const old = await bus.jsm.streams.getMessage(STREAM, {
      last_by_subj: subjects.auditCheckpoints,
    });
    await appendAndClose(6, 6);
    const replayed = natsHeaders();
    // The header is not covered by the checkpoint's signature: an attacker can point it anywhere.
    replayed.set(LEAF_SEQ_HEADER, old!.header.get(LEAF_SEQ_HEADER));
    await bus.js.publish(subjects.auditCheckpoints, old!.data, { headers: replayed });
    // Restarting at size 6 would sign a second tree over leaves 6..11; the record says 12.
    const log = await openLog(bus, key, { signedHeadFile: recordFile(), flushDelayMs: 0 });
    expect(log.restored.checkpointSize).toBe(12);
    expect((await log.append(alertEntry(12))).index).toBe(12);
    await log.close();
  });

  it('refuses a stream rolled back to an old prefix, naming both sizes', async () => {
    await appendAndClose(6);
    const kept = [];
    for (let seq = 1; ; seq++) {
      const message = await bus.jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
      if (!message) break;
      kept.push(message);
    }
    await appendAndClose(6, 6);
    await bus.jsm.streams.delete(STREAM);
    await provision(bus, { streams: ['AUDIT'] });
    for (const message of kept) {
      await bus.js.publish(message.subject, message.data, { headers: message.header });
    }
    const err = await refusal();
    expect(err.code).toBe(Code.DataLoss);
    expect(err.message).toContain('this trust signed a checkpoint of size 12 at ');
    expect(err.message).toContain('the AUDIT stream now gives a log of size 6');
  });

  it('refuses a record that is not a checkpoint signed by the log key', async () => {
    await appendAndClose(3);
    const record = JSON.parse(readFileSync(recordFile(), 'utf8')) as { note: string };
    writeFileSync(
      recordFile(),
      JSON.stringify({ ...record, note: record.note.replace('\n3\n', '\n2\n') }),
    );
    const err = await refusal();
    expect(err.code).toBe(Code.DataLoss);
    expect(err.message).toMatch(/is not a checkpoint signed by this log's key/);
  });
});
