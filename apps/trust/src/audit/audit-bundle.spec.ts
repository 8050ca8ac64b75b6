// verifyBundle alone: a real bundle verifies; a tampered entry or a checkpoint by another key does not.
import { loadMlDsaBackend } from '@omega/crypto';
import type { Bus } from '@omega/bus';
import { withNats } from '@omega/testkit';
import { bundleFromJson, bundleToJson, verifyBundle, type AuditBundle } from './audit-bundle';
import { alertEntry, newLogKey, openBus, openLog, ORIGIN } from './audit-spec-helpers';
import { logCheckpointPolicy, logNoteSigners } from './log-keys';
import { signCheckpoint, parseCheckpoint, parseSignedNote } from '@omega/auditlog';

const nats = withNats({ jetstream: true });
let bus: Bus;
let bundle: AuditBundle;
let policy: Awaited<ReturnType<typeof logCheckpointPolicy>>;

beforeAll(async () => {
  bus = await openBus(nats.url);
  nats.beforeStop(() => bus.drain());
  const key = await newLogKey();
  const log = await openLog(bus, key);
  await Promise.all(Array.from({ length: 9 }, (_, n) => log.append(alertEntry(n))));
  bundle = await log.append(alertEntry(9));
  await log.close();
  policy = logCheckpointPolicy(ORIGIN, key.publicKey, await loadMlDsaBackend('liboqs'));
});

describe('verifyBundle', () => {
  it('verifies a bundle after a round trip through its JSON form', async () => {
    const verified = await verifyBundle(bundleFromJson(bundleToJson(bundle)), policy);
    expect(verified.logged.subject).toBe('alert-9');
    expect(verified.checkpoint.size).toBeGreaterThan(bundle.index);
  });

  it('rejects a tampered entry in the inclusion check', async () => {
    const entry = Uint8Array.from(bundle.entry);
    entry[entry.length - 1]! ^= 1;
    await expect(verifyBundle({ ...bundle, entry }, policy)).rejects.toThrow(
      /inclusion check failed: inclusion proof: root mismatch/,
    );
  });

  it('rejects a checkpoint signed by another key in the checkpoint signature check', async () => {
    const forger = await newLogKey();
    const checkpoint = parseCheckpoint(parseSignedNote(bundle.checkpoint).text);
    const forged = await signCheckpoint(
      checkpoint,
      logNoteSigners(ORIGIN, forger, await loadMlDsaBackend('liboqs')),
    );
    await expect(verifyBundle({ ...bundle, checkpoint: forged }, policy)).rejects.toThrow(
      /checkpoint signature check failed: checkpoint: no signature from/,
    );
  });

  it('rejects a proof for another index', async () => {
    await expect(verifyBundle({ ...bundle, index: bundle.index - 1 }, policy)).rejects.toThrow(
      /inclusion check failed/,
    );
  });
});
