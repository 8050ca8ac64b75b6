import { Code, OmegaError } from '@omega/runtime';
import { freePort, startNatsServer, type NatsServer } from '@omega/testkit';
import { connectBus, type Bus } from './connection';
import { provision } from './provision';
import { eventually, recordingLogger } from './spec-helpers';

describe('connectBus', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  const track = (bus: Bus) => {
    cleanup.push(() => bus.drain());
    return bus;
  };
  const trackServer = (server: NatsServer) => {
    cleanup.push(() => server.stop());
    return server;
  };

  it('waits for a server that is down at start, naming its URL, and becomes ready when it is up', async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const { logger, lines } = recordingLogger();
    const readiness: boolean[] = [];
    const connecting = connectBus({
      servers: url,
      name: 'omega-test',
      logger,
      onReadyChange: (ready) => readiness.push(ready),
      initialRetry: { firstDelayMs: 50, maxDelayMs: 200 },
    });

    const refused = await eventually(
      () => lines.find((line) => line.msg.startsWith('nats: cannot reach')),
      'a connection-refused log line',
    );
    expect(refused.msg).toMatch(
      new RegExp(`^nats: cannot reach ${url} \\(connection refused\\); retrying in \\d+ms$`),
    );
    expect(readiness).toEqual([false]);

    trackServer(await startNatsServer({ port }));
    const bus = track(await connecting);
    expect(bus.isReady()).toBe(true);
    expect(readiness).toEqual([false, true]);
    expect(bus.nc.info?.jetstream).toBe(true);
  });

  it('reports not-ready while the server restarts and ready again after it reconnects', async () => {
    const server = trackServer(await startNatsServer());
    const { logger, messages } = recordingLogger();
    const readiness: boolean[] = [];
    const bus = track(
      await connectBus({
        servers: server.url,
        name: 'omega-test',
        logger,
        onReadyChange: (ready) => readiness.push(ready),
        reconnectTimeWaitMs: 100,
        reconnectJitterMs: 50,
      }),
    );
    await server.restart({ downtimeMs: 300 });
    await eventually(() => bus.isReady() && readiness.length >= 4, 'reconnection');
    expect(readiness).toEqual([false, true, false, true]);
    expect(messages()).toContain(`nats: lost connection to 127.0.0.1:${server.port}; reconnecting`);
    expect(messages()).toContain(`nats: reconnected to 127.0.0.1:${server.port}`);
  });

  it('gives up connecting when aborted', async () => {
    const port = await freePort();
    const { logger } = recordingLogger();
    const abort = new AbortController();
    const connecting = connectBus({
      servers: `nats://127.0.0.1:${port}`,
      name: 'omega-test',
      logger,
      signal: abort.signal,
      initialRetry: { firstDelayMs: 50 },
    });
    setTimeout(() => abort.abort(), 100);
    await expect(connecting).rejects.toMatchObject({ code: Code.Canceled });
  });

  it('rejects an empty server list', async () => {
    const { logger } = recordingLogger();
    await expect(connectBus({ servers: [], name: 'x', logger })).rejects.toThrow(
      /servers must name at least one NATS URL/,
    );
  });

  it('opens provisioned KV buckets and object stores, and says how to provision missing ones', async () => {
    const server = trackServer(await startNatsServer());
    const { logger } = recordingLogger();
    const bus = track(await connectBus({ servers: server.url, name: 'omega-test', logger }));

    const missing = bus.kv('omega_policy');
    await expect(missing).rejects.toBeInstanceOf(OmegaError);
    await expect(missing).rejects.toMatchObject({ code: Code.NotFound });
    await expect(missing).rejects.toThrow(
      "KV bucket omega_policy does not exist (no stream KV_omega_policy); provision it: provision(bus, { kv: ['omega_policy'] })",
    );
    await expect(bus.objectStore('omega_modules')).rejects.toThrow(
      /objectStores: \['omega_modules'\]/,
    );

    await provision(bus, { kv: ['omega_policy'], objectStores: ['omega_modules'] });
    const kv = await bus.kv('omega_policy');
    await kv.put('node-1', 'block 10.0.0.9');
    expect((await kv.get('node-1'))?.string()).toBe('block 10.0.0.9');
    expect(await bus.kv('omega_policy')).toBe(kv);

    const store = await bus.objectStore('omega_modules');
    await store.putBlob({ name: 'scan.wasm' }, new Uint8Array([0, 97, 115, 109]));
    expect(await store.getBlob('scan.wasm')).toEqual(new Uint8Array([0, 97, 115, 109]));
  });
});
