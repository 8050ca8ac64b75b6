import * as grpc from '@grpc/grpc-js';
import { runFixture } from './fixtures/child-process';
import {
  EchoClient,
  LogCapture,
  callUnary,
  deferred,
  echoDefinition,
} from './fixtures/echo-service';
import { unimplementedService } from './grpc-server';
import { startService, type Service } from './service';

/** A service whose Echo handler holds `{ hold: true }` calls until `release` is resolved. */
async function startHoldingService(env: NodeJS.ProcessEnv = {}) {
  const logs = new LogCapture();
  const service = await startService({
    name: 'shutdown-spec',
    defaults: { grpcPort: 0, httpPort: 0 },
    env: { OMEGA_GRPC_HOST: '127.0.0.1', OMEGA_HTTP_HOST: '127.0.0.1', ...env },
    argv: [],
    installSignalHandlers: false,
    logDestination: logs,
  });
  const entered = deferred();
  const release = deferred();
  const events: string[] = [];
  service.addGrpcService(echoDefinition, {
    ...unimplementedService(echoDefinition),
    echo: (
      call: grpc.ServerUnaryCall<{ hold?: boolean }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      if (!call.request.hold) {
        callback(null, call.request);
        return;
      }
      entered.resolve();
      void release.promise.then(() => {
        events.push('slow call answered');
        callback(null, { done: true });
      });
    },
  });
  const { grpcPort, httpPort } = await service.listen();
  return { service, logs, entered, release, events, address: `127.0.0.1:${grpcPort}`, httpPort };
}

function client(address: string): grpc.Client {
  return new EchoClient(address, grpc.credentials.createInsecure());
}

describe('graceful shutdown', () => {
  const clients: grpc.Client[] = [];
  const services: Service<unknown>[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(services.splice(0).map((s) => s.shutdown('test over')));
  });

  it('lets an in-flight call finish while refusing new ones, then runs drain hooks newest first', async () => {
    const { service, logs, entered, release, events, address, httpPort } =
      await startHoldingService();
    services.push(service);
    for (const name of ['first', 'second', 'third']) {
      service.onShutdown(name, async () => {
        events.push(`hook ${name}`);
      });
    }
    const busy = client(address);
    clients.push(busy);
    const slowCall = callUnary(busy, 'echo', { hold: true });
    await entered.promise;

    const shutdown = service.shutdown('test');
    expect(service.draining.aborted).toBe(true);

    const late = client(address);
    clients.push(late);
    await expect(
      callUnary(late, 'echo', {}, { deadline: Date.now() + 5_000 }),
    ).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
    const readyz = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toEqual({
      ready: false,
      notReady: [{ component: 'shutdown', detail: 'draining: test' }],
    });
    expect(events).toEqual([]); // hooks wait for in-flight calls

    release.resolve();
    await expect(slowCall).resolves.toEqual({ done: true });
    const outcome = await shutdown;
    expect(outcome).toMatchObject({
      reason: 'test',
      clean: true,
      exitCode: 0,
      unfinished: [],
      failed: [],
    });
    expect(events).toEqual(['slow call answered', 'hook third', 'hook second', 'hook first']);
    expect(
      logs.lines
        .filter((line) => line['msg'] === 'drain step finished')
        .map((line) => line['step']),
    ).toEqual(['grpc server', 'third', 'second', 'first', 'http server', 'tracing']);
    expect(logs.find('shutdown complete')).toMatchObject({ reason: 'test' });
  });

  it('forces past the deadline, naming the stuck hook and the steps that never ran', async () => {
    const { service, logs, httpPort } = await startHoldingService({
      OMEGA_SHUTDOWN_DEADLINE_MS: '300',
    });
    services.push(service);
    let stuckHookAborted = false;
    service.onShutdown('never-reached', async () => {});
    service.onShutdown(
      'stuck',
      (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            stuckHookAborted = true;
            resolve();
          });
        }),
    );

    const outcome = await service.shutdown('test');
    expect(outcome).toMatchObject({
      clean: false,
      exitCode: 1,
      unfinished: ['stuck', 'never-reached', 'http server', 'tracing'],
    });
    expect(outcome.durationMs).toBeLessThan(10_000);
    expect(stuckHookAborted).toBe(true);
    const forced = logs.lines.find((line) =>
      String(line['msg']).startsWith('shutdown deadline of 300 ms passed'),
    );
    expect(forced).toMatchObject({
      level: 'error',
      msg: 'shutdown deadline of 300 ms passed; forcing. Did not finish: stuck, never-reached, http server, tracing',
    });
    await expect(fetch(`http://127.0.0.1:${httpPort}/healthz`)).rejects.toThrow(); // forced closed
  });

  it('cancels a call still running at the deadline', async () => {
    const { service, entered, address } = await startHoldingService({
      OMEGA_SHUTDOWN_DEADLINE_MS: '300',
    });
    services.push(service);
    const busy = client(address);
    clients.push(busy);
    const stuckCall = callUnary(busy, 'echo', { hold: true });
    await entered.promise;

    const outcome = await service.shutdown('test');
    expect(outcome.unfinished[0]).toBe('grpc server');
    await expect(stuckCall).rejects.toMatchObject({ code: expect.any(Number) });
  });

  it('runs the remaining hooks after one fails, and reports the failure', async () => {
    const { service, events } = await startHoldingService();
    services.push(service);
    service.onShutdown('after', async () => {
      events.push('after');
    });
    service.onShutdown('broken', async () => {
      throw new Error('disk full');
    });
    const outcome = await service.shutdown('test');
    expect(outcome).toMatchObject({
      clean: false,
      exitCode: 1,
      unfinished: [],
      failed: [{ step: 'broken', error: 'disk full' }],
    });
    expect(events).toEqual(['after']);
  });
});

describe('signals', () => {
  it('drains on SIGTERM and exits 0', async () => {
    const child = runFixture('sigterm-service.ts', {
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_HTTP_HOST: '127.0.0.1',
    });
    const started = await child.waitForLog('service started');
    expect(started['grpcPort']).toEqual(expect.any(Number));
    child.process.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.lines.find((line) => line['msg'] === 'shutdown started')).toMatchObject({
      reason: 'SIGTERM',
    });
    expect(child.lines.find((line) => line['msg'] === 'flush-test drained')).toBeDefined();
    expect(
      child.lines.find(
        (line) => line['msg'] === 'drain step finished' && line['step'] === 'flush-test',
      ),
    ).toBeDefined();
    expect(child.lines.at(-1)).toMatchObject({
      msg: 'shutdown complete',
      service: 'sigterm-fixture',
    });
  });

  it('exits 1 when a drain hook outlives the deadline', async () => {
    const child = runFixture('sigterm-service.ts', {
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_SHUTDOWN_DEADLINE_MS: '300',
      FIXTURE_STUCK_HOOK: '1',
    });
    await child.waitForLog('service started');
    child.process.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(child.lines.at(-1)).toMatchObject({
      msg: 'shutdown finished unclean',
      unfinished: ['stuck', 'flush-test', 'http server', 'tracing'],
    });
  });
});
