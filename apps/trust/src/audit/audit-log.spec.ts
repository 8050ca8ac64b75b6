// The audit log on a real nats-server: bundles, dedupe, two writers, commitments, restart from tiles.
import { withNats } from '@omega/testkit';
import { loadMlDsaBackend, type HybridSecretKey } from '@omega/crypto';
import {
  checkpointNoteOf,
  parseCheckpoint,
  parseSignedNote,
  verifyBundle,
  verifyCheckpointConsistency,
} from '@omega/auditlog';
import { subjects, type Bus } from '@omega/bus';
import { Checkpoint } from '@omega/proto';
import { logCheckpointPolicy } from './log-keys';
import { alertEntry, newLogKey, openBus, openLog, ORIGIN } from '../testing/audit-spec-helpers';

const nats = withNats({ jetstream: true });
let bus: Bus;
let key: HybridSecretKey;

beforeAll(async () => {
  bus = await openBus(nats.url);
  nats.beforeStop(() => bus.drain());
  key = await newLogKey();
});

async function policy() {
  return logCheckpointPolicy(ORIGIN, key.publicKey, await loadMlDsaBackend('liboqs'));
}

describe('AuditLog', () => {
  it('resolves each append with a bundle that verifies alone', async () => {
    const log = await openLog(bus, key);
    const bundles = await Promise.all(
      Array.from({ length: 300 }, (_, n) => log.append(alertEntry(n), { requestId: `a-${n}` })),
    );
    const indexes = bundles.map((b) => b.index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 300 }, (_, n) => n));
    for (const bundle of [bundles[0]!, bundles[150]!, bundles[299]!]) {
      const verified = await verifyBundle(bundle, await policy());
      expect(verified.logged.subject).toMatch(/^alert-/);
    }
    const proof = await log.inclusionProof(7);
    expect(proof.length).toBeGreaterThan(0);
    await log.close();
  });

  it.each([
    ['packed messages', {}],
    ['atomic batches', { leafMessages: 'atomic' as const }],
    ['one publish per leaf', { leafMessages: 'single' as const }],
  ])(
    'publishes checkpoints in tree order, every index once, with %s and many small batches',
    async (mode, extra) => {
      const log = await openLog(bus, key, { maxBatchEntries: 16, flushDelayMs: 0, ...extra });
      const sizes: number[] = [];
      const sub = bus.nc.subscribe(subjects.auditCheckpoints, {
        callback: (_err, msg) => {
          const note = checkpointNoteOf(Checkpoint.decode(msg.data), key.publicKey);
          sizes.push(parseCheckpoint(parseSignedNote(note).text).size);
        },
      });
      await bus.nc.flush();
      const start = log.size;
      const bundles = await Promise.all(
        Array.from({ length: 400 }, (_, n) =>
          log.append(alertEntry(n), { requestId: `${mode}-${n}` }),
        ),
      );
      await log.close();
      await bus.nc.flush();
      sub.unsubscribe();
      expect(bundles.map((b) => b.index).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 400 }, (_, n) => start + n),
      );
      expect(sizes.length).toBeGreaterThan(1);
      sizes.forEach((size, i) => i > 0 && expect(size).toBeGreaterThan(sizes[i - 1]!));
      expect(sizes[sizes.length - 1]).toBe(start + 400);
      for (const bundle of bundles) {
        const signed = parseCheckpoint(parseSignedNote(bundle.checkpoint).text);
        expect(signed.size).toBeGreaterThan(bundle.index);
      }
      for (const bundle of [bundles[0]!, bundles[199]!, bundles[399]!]) {
        await verifyBundle(bundle, await policy());
      }
    },
  );

  it('remembers only the newest leafHashIndexSize leaf hashes; older leaves are found by index', async () => {
    const log = await openLog(bus, key, { leafHashIndexSize: 3 });
    const bundles = [];
    for (let n = 0; n < 6; n++) bundles.push(await log.append(alertEntry(100 + n)));
    const known = bundles.map((b) => log.indexOfLeafHash(b.leafHash));
    expect(known).toEqual([
      undefined,
      undefined,
      undefined,
      ...bundles.slice(3).map((b) => b.index),
    ]);
    // The forgotten leaves are still in the log.
    const [oldest] = await log.readEntries(bundles[0]!.index, 1);
    expect(Buffer.from(oldest!)).toEqual(Buffer.from(bundles[0]!.entry));
    await log.close();
  });

  it('logs a retried append once and returns the first index', async () => {
    const log = await openLog(bus, key);
    const first = await log.append(alertEntry(1), { requestId: 'retry-me' });
    const again = await log.append(alertEntry(1), { requestId: 'retry-me' });
    const [x, y] = await Promise.all([
      log.append(alertEntry(2), { requestId: 'same-batch' }),
      log.append(alertEntry(2), { requestId: 'same-batch' }),
    ]);
    expect(again.index).toBe(first.index);
    expect(y.index).toBe(x.index);
    expect(log.size).toBe(x.index + 1);
    await log.close();
  });

  it('answers a retry after a restart with the first index and logs it once', async () => {
    const log = await openLog(bus, key);
    const first = await log.append(alertEntry(5), { requestId: 'before-restart' });
    await Promise.all(Array.from({ length: 300 }, (_, n) => log.append(alertEntry(n))));
    const size = log.size;
    await log.close();
    const reopened = await openLog(bus, key);
    const again = await reopened.append(alertEntry(5), { requestId: 'before-restart' });
    expect(again.index).toBe(first.index);
    expect(reopened.size).toBe(size);
    await verifyBundle(again, await policy());
    await reopened.close();
  });

  it('keeps one order and one copy of each id when replicas write packed, atomic and single-leaf messages', async () => {
    const busB = await openBus(nats.url, 'audit-spec-leafwise');
    const busC = await openBus(nats.url, 'audit-spec-atomic');
    const a = await openLog(bus, key);
    const b = await openLog(busB, key, { leafMessages: 'single' });
    const c = await openLog(busC, key, { leafMessages: 'atomic', maxBatchEntries: 64 });
    const writers = [a, b, c];
    const start = a.size;
    const results = await Promise.all(
      Array.from({ length: 600 }, (_, n) =>
        writers[n % 3]!.append(alertEntry(n), { requestId: `mixed-${n % 500}` }),
      ),
    );
    const byId = new Map<number, number>();
    results.forEach((r, n) => {
      const known = byId.get(n % 500);
      if (known === undefined) byId.set(n % 500, r.index);
      else expect(r.index).toBe(known);
    });
    expect(new Set(byId.values()).size).toBe(500);
    expect(Math.min(...byId.values())).toBe(start);
    expect(Math.max(...byId.values())).toBe(start + 499);
    for (const writer of writers) await writer.refresh();
    expect(b.size).toBe(a.size);
    expect(c.size).toBe(a.size);
    for (const other of [b, c]) {
      expect(Buffer.from(other.latestCheckpoint.rootHash)).toEqual(
        Buffer.from(a.latestCheckpoint.rootHash),
      );
    }
    // A restart reads every form back: the same tree, and retries still answer their first index.
    for (const writer of writers) await writer.close();
    const reopened = await openLog(bus, key);
    expect(reopened.size).toBe(a.size);
    const retried = await reopened.append(alertEntry(3), { requestId: 'mixed-3' });
    expect(retried.index).toBe(byId.get(3));
    await reopened.close();
    await busB.drain();
    await busC.drain();
  });

  it('rejects a request id longer than 256 characters, naming the limit, and logs nothing', async () => {
    const log = await openLog(bus, key);
    const size = log.size;
    await expect(log.append(alertEntry(1), { requestId: 'x'.repeat(257) })).rejects.toThrow(
      'audit log: request id is 257 characters, above the limit of 256',
    );
    expect(log.size).toBe(size);
    await log.close();
  });

  it('orders concurrent appends from two writers into one log without duplicate indexes', async () => {
    const busB = await openBus(nats.url, 'audit-spec-b');
    const a = await openLog(bus, key);
    const b = await openLog(busB, key);
    const start = a.size;
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, n) =>
        (n % 2 ? a : b).append(alertEntry(n), { requestId: `two-${n}` }),
      ),
    );
    const indexes = results.map((r) => r.index);
    expect(new Set(indexes).size).toBe(400);
    expect(Math.min(...indexes)).toBe(start);
    expect(Math.max(...indexes)).toBe(start + 399);
    for (const r of results.filter((_, n) => n % 50 === 0)) await verifyBundle(r, await policy());
    // Both writers' checkpoints belong to one tree.
    await a.refresh();
    await b.refresh();
    const ca = parseCheckpoint(parseSignedNote(a.latestCheckpoint.note).text);
    const cb = parseCheckpoint(parseSignedNote(b.latestCheckpoint.note).text);
    const [small, large, log] = ca.size <= cb.size ? [ca, cb, b] : [cb, ca, a];
    verifyCheckpointConsistency(small, large, await log.consistencyProof(small.size, large.size));
    await a.close();
    await b.close();
    await busB.drain();
  });

  it('logs a salted commitment that reveals nothing and opens with the bundle', async () => {
    const log = await openLog(bus, key);
    const bundle = await log.append(alertEntry(42), { requestId: 'secret', commit: true });
    const verified = await verifyBundle(bundle, await policy());
    expect(verified.logged.subject).toBe('');
    expect(verified.revealed?.subject).toBe('alert-42');
    await expect(
      verifyBundle(
        { ...bundle, opening: { ...bundle.opening!, body: new Uint8Array(3) } },
        await policy(),
      ),
    ).rejects.toThrow(/commitment check failed/);
    await log.close();
  });

  it('restarts from the last checkpoint and tiles without rehashing the log', async () => {
    const log = await openLog(bus, key);
    await Promise.all(Array.from({ length: 600 }, (_, n) => log.append(alertEntry(n))));
    const before = log.latestCheckpoint;
    await log.close();
    const reopened = await openLog(bus, key);
    expect(reopened.restored).toEqual({
      checkpointSize: before.size,
      rebuiltFromEntries: false,
      replayedEntries: 0,
    });
    expect(reopened.size).toBe(before.size);
    const next = await reopened.append(alertEntry(9999));
    expect(next.index).toBe(before.size);
    await verifyBundle(next, await policy());
    await reopened.close();
  });
});
