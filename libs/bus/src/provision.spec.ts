import { Code, OmegaError } from '@omega/runtime';
import { startNatsServer, withNats } from '@omega/testkit';
import { connectBus, type Bus } from './connection';
import { provision } from './provision';
import { ALL_RESOURCES, streamConfig } from './resources';
import { serverSupports } from './server-features';
import { recordingLogger } from './spec-helpers';

describe('provision', () => {
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

  it('creates every declared resource, and a second run changes nothing', async () => {
    const first = await provision(bus, ALL_RESOURCES);
    expect(first.created).toEqual([
      'stream TELEMETRY',
      'stream ALERTS',
      'stream TASKS',
      'stream WORKFLOWS',
      'stream AUDIT',
      'stream DECEPTION',
      'stream DLQ',
      'kv omega_policy',
      'kv omega_identities',
      'kv omega_decoys',
      'kv omega_tokens',
      'kv omega_playbooks',
      'kv omega_gateway_tokens',
      'kv omega_twin',
      'objectStore omega_modules',
    ]);
    expect(first.updated).toEqual([]);
    expect(first.unchanged).toEqual([]);

    const second = await provision(bus, ALL_RESOURCES);
    expect(second.created).toEqual([]);
    expect(second.updated).toEqual([]);
    expect(second.unchanged).toEqual(first.created);
  });

  it('gives the server exactly the declared stream configuration', async () => {
    const declared = streamConfig('TASKS');
    const { config } = await bus.jsm.streams.info('TASKS');
    expect(config).toMatchObject({
      subjects: ['omega.tasks.>'],
      retention: 'workqueue',
      storage: 'file',
      discard: 'new',
      duplicate_window: 120_000_000_000,
      max_age: declared.max_age,
      max_bytes: declared.max_bytes,
      num_replicas: 1,
    });
    const kv = await bus.jsm.streams.info('KV_omega_policy');
    expect(kv.config).toMatchObject({ max_msgs_per_subject: 10, storage: 'file', num_replicas: 1 });
  });

  it('updates a stream whose configuration drifted, naming the fields', async () => {
    await bus.jsm.streams.update('ALERTS', {
      max_age: 600_000_000_000,
      description: 'hand-edited',
    });
    await bus.jsm.streams.update('KV_omega_tokens', { max_bytes: 1024 * 1024 });
    const report = await provision(bus, { streams: ['ALERTS', 'DLQ'], kv: ['omega_tokens'] });
    expect(report.updated).toEqual(['stream ALERTS', 'kv omega_tokens']);
    expect(report.changes).toEqual({
      'stream ALERTS': ['description', 'max_age'],
      'kv omega_tokens': ['max_bytes'],
    });
    expect(report.unchanged).toEqual(['stream DLQ']);
    const { config } = await bus.jsm.streams.info('ALERTS');
    expect(config.max_age).toBe(streamConfig('ALERTS').max_age);
    expect((await provision(bus, { streams: ['ALERTS'], kv: ['omega_tokens'] })).unchanged).toEqual(
      ['stream ALERTS', 'kv omega_tokens'],
    );
  });

  it('applies limit overrides as an update', async () => {
    const overrides = {
      streams: ['DECEPTION'] as const,
      streamLimits: { DECEPTION: { maxAgeMs: 86_400_000, compression: true } },
    };
    const version = bus.nc.info!.version;
    if (!serverSupports(version, 'streamCompression')) {
      // Debian's 2.9 (NATS_SERVER_BIN): the feature gate answers instead of the server.
      await expect(provision(bus, overrides)).rejects.toThrow(
        `stream DECEPTION: stream compression needs nats-server 2.10.0 or newer, but the server is ${version}; upgrade nats-server`,
      );
      return;
    }
    const report = await provision(bus, overrides);
    expect(report.changes['stream DECEPTION']).toEqual(['max_age', 'compression']);
    expect((await bus.jsm.streams.info('DECEPTION')).config.compression).toBe('s2');
    const back = await provision(bus, { streams: ['DECEPTION'] });
    expect(back.changes['stream DECEPTION']).toEqual(['max_age', 'compression']);
    expect((await bus.jsm.streams.info('DECEPTION')).config.compression).toBe('none');
  });

  it('refuses to change what JetStream cannot change in place, and says so', async () => {
    await bus.jsm.streams.delete('WORKFLOWS');
    await bus.jsm.streams.add({ ...streamConfig('WORKFLOWS'), retention: 'interest' });
    const attempt = provision(bus, { streams: ['WORKFLOWS'] });
    await expect(attempt).rejects.toBeInstanceOf(OmegaError);
    await expect(attempt).rejects.toMatchObject({ code: Code.FailedPrecondition });
    await expect(attempt).rejects.toThrow(
      'provision: stream WORKFLOWS: retention is "interest" on the server, declared "limits". ' +
        'JetStream cannot change retention of an existing stream; migrate it',
    );
  });

  it('wraps what the server refuses with the resource it was for', async () => {
    await bus.jsm.streams.delete('TELEMETRY');
    const attempt = provision(bus, { streams: ['TELEMETRY'], replicas: 3 });
    await expect(attempt).rejects.toThrow(
      'provision: stream TELEMETRY: creating it failed: replicas > 1 not supported in non-clustered mode',
    );
  });

  it('fails clearly on a server without JetStream', async () => {
    const plain = await startNatsServer({ jetstream: false });
    const plainBus = await connectBus({
      servers: plain.url,
      name: 'omega-test',
      logger: recordingLogger().logger,
    });
    try {
      const attempt = provision(plainBus, { streams: ['ALERTS'] });
      await expect(attempt).rejects.toMatchObject({ code: Code.FailedPrecondition });
      await expect(attempt).rejects.toThrow(
        new RegExp(
          `^provision: nats-server at 127\\.0\\.0\\.1:${plain.port} \\(2\\.\\d+\\.\\d+\\) has JetStream disabled; start it with -js`,
        ),
      );
    } finally {
      await plainBus.drain();
      await plain.stop();
    }
  });
});
