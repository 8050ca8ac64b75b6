import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { OmegaError } from '@omega/runtime';
import {
  NATS_SERVER_INSTALL_COMMAND,
  NATS_SERVER_VERSION,
  findNatsServerBinary,
  startNatsServer,
  type NatsServer,
} from './nats-server';
import { freePort } from './free-port';

describe('startNatsServer', () => {
  const started: NatsServer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });

  it('starts a JetStream-enabled server on a free loopback port that a real client can use', async () => {
    const server = await startNatsServer();
    started.push(server);
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect(server.pid).toBeGreaterThan(0);
    const nc = await connect({ servers: server.url });
    try {
      expect(nc.info?.jetstream).toBe(true);
      expect(nc.info?.version).toBe(server.version);
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.add({ name: 'PROBE', subjects: ['probe.>'] });
      expect(info.config.name).toBe('PROBE');
    } finally {
      await nc.close();
    }
  });

  it('runs the pinned version when the pinned build is the one found', async () => {
    const server = await startNatsServer();
    started.push(server);
    if (server.binary.includes(`nats-server-${NATS_SERVER_VERSION}`)) {
      expect(`v${server.version}`).toBe(NATS_SERVER_VERSION);
    } else {
      expect(server.version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it('restarts on the same port with the same store, keeping stream data', async () => {
    const server = await startNatsServer();
    started.push(server);
    const { port, storeDir } = server;
    let nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'KEEP', subjects: ['keep.>'] });
    await jsm.jetstream().publish('keep.one', 'hello');
    await nc.close();

    await server.restart({ downtimeMs: 50 });
    expect(server.port).toBe(port);
    expect(server.storeDir).toBe(storeDir);
    expect(server.running).toBe(true);

    nc = await connect({ servers: server.url });
    try {
      const info = await (await jetstreamManager(nc)).streams.info('KEEP');
      expect(info.state.messages).toBe(1);
    } finally {
      await nc.close();
    }
  });

  it('stop() ends the process, frees the port and removes the temp store', async () => {
    const server = await startNatsServer();
    const { port, storeDir } = server;
    await server.stop();
    expect(server.running).toBe(false);
    await expect(stat(storeDir)).rejects.toThrow();
    await expect(canListen(port)).resolves.toBe(true);
  });

  it('starts on a port chosen in advance', async () => {
    const port = await freePort();
    const server = await startNatsServer({ port });
    started.push(server);
    expect(server.url).toBe(`nats://127.0.0.1:${port}`);
  });

  it('starts without JetStream when asked', async () => {
    const server = await startNatsServer({ jetstream: false });
    started.push(server);
    expect(server.storeDir).toBe('');
    const nc = await connect({ servers: server.url });
    try {
      expect(nc.info?.jetstream ?? false).toBe(false);
    } finally {
      await nc.close();
    }
  });

  it('reports the tail of the server log when the server cannot start', async () => {
    const first = await startNatsServer();
    started.push(first);
    const attempt = startNatsServer({ port: first.port });
    await expect(attempt).rejects.toBeInstanceOf(OmegaError);
    await expect(attempt).rejects.toThrow(
      /exited .* before it was ready[\s\S]*address already in use/,
    );
  });
});

describe('findNatsServerBinary', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omega-testkit-bin-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prefers NATS_SERVER_BIN and rejects one that does not exist', () => {
    expect(() => findNatsServerBinary({ NATS_SERVER_BIN: join(dir, 'missing') })).toThrow(
      /NATS_SERVER_BIN=.*missing is not an executable file/,
    );
  });

  it('falls back to nats-server on PATH', async () => {
    const fake = join(dir, 'nats-server');
    await writeFile(fake, '#!/bin/sh\n');
    await chmod(fake, 0o755);
    expect(findNatsServerBinary({ HOME: join(dir, 'nohome'), PATH: dir })).toBe(fake);
  });

  it('finds the pinned build in OMEGA_CACHE_DIR, where scripts/setup.mjs puts it', async () => {
    const pinned = join(dir, 'cache', 'nats-server-v2.12.15', 'nats-server');
    await mkdir(join(dir, 'cache', 'nats-server-v2.12.15'), { recursive: true });
    await writeFile(pinned, '#!/bin/sh\n');
    await chmod(pinned, 0o755);
    expect(findNatsServerBinary({ OMEGA_CACHE_DIR: join(dir, 'cache'), PATH: '' })).toBe(pinned);
  });

  it('says exactly how to install the pinned server when there is none', () => {
    let error: unknown;
    try {
      findNatsServerBinary({ HOME: join(dir, 'nohome'), PATH: '' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OmegaError);
    const message = (error as Error).message;
    expect(message).toContain(NATS_SERVER_INSTALL_COMMAND);
    expect(message).toContain(
      'GOBIN=$HOME/.cache/omega/nats-server-v2.12.15 go install github.com/nats-io/nats-server/v2@v2.12.15',
    );
    expect(message).toContain('npm run setup');
  });
});

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host: '127.0.0.1', port }, () => probe.close(() => resolve(true)));
  });
}
