// A weakened AUDIT stream on a real nats-server: provision() names every weakened field with what
// it found and what is required, and leaves the stream as it found it; an intact one stays intact.
import { Code } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { connectBus, type Bus } from './connection';
import { provision } from './provision';
import { streamConfig } from './resources';
import { recordingLogger } from './spec-helpers';

const nats = withNats();
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({
    servers: nats.url,
    name: 'omega-test',
    logger: recordingLogger().logger,
  });
  nats.beforeStop(() => bus.drain());
});

beforeEach(async () => {
  await bus.jsm.streams.delete('AUDIT').catch(() => undefined);
});

describe('provisioning an append-only stream', () => {
  it('refuses AUDIT with limits lowered by UpdateStream, naming each field, and changes nothing', async () => {
    await provision(bus, { streams: ['AUDIT'] });
    const weakened = {
      max_msgs: 1000,
      max_bytes: 1024 * 1024,
      max_age: 3_600_000_000_000,
      max_msgs_per_subject: 10,
      discard: 'old' as const,
    };
    await bus.jsm.streams.update('AUDIT', weakened);
    const attempt = provision(bus, { streams: ['AUDIT'] });
    await expect(attempt).rejects.toMatchObject({ code: Code.FailedPrecondition });
    await expect(attempt).rejects.toThrow(
      'stream AUDIT: its configuration was weakened: discard is "old", required "new"; ' +
        'max_msgs is 1000, required -1 (unlimited); max_bytes is 1048576, required -1 (unlimited); ' +
        'max_age is 3600000000000, required 0 (unlimited); ' +
        'max_msgs_per_subject is 10, required -1 (unlimited). It is append-only and may already have lost ' +
        'messages, so it is not repaired automatically: check what it still holds, then restore ' +
        'discard, max_msgs, max_bytes, max_age, max_msgs_per_subject (nats stream edit AUDIT; ' +
        'retention and storage need a new stream)',
    );
    // Not quietly repaired: the operator sees the weakening, and so does the next start.
    expect((await bus.jsm.streams.info('AUDIT')).config).toMatchObject(weakened);
  });

  it('refuses AUDIT recreated without its protections, naming each one', async () => {
    await bus.jsm.streams.add({
      ...streamConfig('AUDIT'),
      subjects: ['omega.audit.leaves'],
      retention: 'interest',
      storage: 'memory',
      deny_delete: false,
      deny_purge: false,
      // Roll-ups purge a subject's older messages (the server allows them only without deny_purge).
      allow_rollup_hdrs: true,
    });
    await expect(provision(bus, { streams: ['AUDIT'] })).rejects.toThrow(
      'stream AUDIT: its configuration was weakened: retention is "interest", required "limits"; ' +
        'storage is "memory", required "file"; deny_delete is false, required true; ' +
        'deny_purge is false, required true; allow_rollup_hdrs is true, required false; subjects is ["omega.audit.leaves"], required ' +
        '["omega.audit.leaves","omega.audit.checkpoints"]',
    );
  });

  it('leaves an intact AUDIT alone however often it runs, and still updates a harmless drift', async () => {
    expect((await provision(bus, { streams: ['AUDIT'] })).created).toEqual(['stream AUDIT']);
    expect((await provision(bus, { streams: ['AUDIT'] })).unchanged).toEqual(['stream AUDIT']);
    await bus.jsm.streams.update('AUDIT', { description: 'hand-edited', max_msg_size: 4 << 20 });
    const report = await provision(bus, { streams: ['AUDIT'] });
    expect(report.changes).toEqual({ 'stream AUDIT': ['description', 'max_msg_size'] });
    expect((await provision(bus, { streams: ['AUDIT'] })).unchanged).toEqual(['stream AUDIT']);
  });
});
