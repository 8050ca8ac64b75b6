import * as grpc from '@grpc/grpc-js';
import { z } from 'zod';
import { baseConfigSchema } from './config';
import { Code, OmegaError } from './errors';
import {
  EchoClient,
  LogCapture,
  callUnary,
  checkHealth,
  echoDefinition,
  jsonMethod,
} from './fixtures/echo-service';
import { unimplementedService } from './grpc-server';
import { startService, type Service } from './service';

describe('startService', () => {
  let service: Service<unknown> | undefined;
  let logs: LogCapture;

  async function start(env: NodeJS.ProcessEnv = {}) {
    logs = new LogCapture();
    const started = await startService({
      name: 'svc-spec',
      defaults: { grpcPort: 0, httpPort: 0 },
      env: { OMEGA_GRPC_HOST: '127.0.0.1', OMEGA_HTTP_HOST: '127.0.0.1', ...env },
      argv: [],
      installSignalHandlers: false,
      logDestination: logs,
    });
    service = started;
    return started;
  }

  afterEach(async () => {
    await service?.shutdown('test over');
    service = undefined;
  });

  it('logs one "service started" line with the ports it bound', async () => {
    const svc = await start();
    const ports = await svc.listen();
    expect(ports.grpcPort).toBeGreaterThan(0);
    expect(ports.httpPort).toBeGreaterThan(0);
    const started = logs.lines.filter((line) => line['msg'] === 'service started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ level: 'info', service: 'svc-spec', ...ports });
    expect(String(started[0]?.['time'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await svc.listen()).toEqual(ports); // listening twice is the same listen
  });

  it('answers gRPC health SERVING overall and per service, and NOT_SERVING once a component is not ready', async () => {
    const svc = await start();
    svc.addGrpcService(echoDefinition, unimplementedService(echoDefinition));
    const pingDefinition = { ping: jsonMethod('/omega.test.v1.Ping/Ping', false, false) };
    svc.addGrpcService(pingDefinition, unimplementedService(pingDefinition), 'ping');
    const { grpcPort, httpPort } = await svc.listen();
    const address = `127.0.0.1:${grpcPort}`;

    expect(await checkHealth(address, '')).toBe('SERVING');
    expect(await checkHealth(address, 'omega.test.v1.Echo')).toBe('SERVING');
    expect(await checkHealth(address, 'ping')).toBe('SERVING');

    svc.setReady('bus', false, 'connecting to NATS');
    expect(await checkHealth(address, '')).toBe('NOT_SERVING');
    expect(await checkHealth(address, 'omega.test.v1.Echo')).toBe('NOT_SERVING');
    const readyz = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toEqual({
      ready: false,
      notReady: [{ component: 'bus', detail: 'connecting to NATS' }],
    });

    svc.setReady('bus', true);
    expect(await checkHealth(address, '')).toBe('SERVING');
    expect((await fetch(`http://127.0.0.1:${httpPort}/readyz`)).status).toBe(200);
    expect(logs.find('bus not ready: connecting to NATS')).toMatchObject({
      component: 'bus',
      ready: false,
    });
  });

  it('answers a reserved service UNAVAILABLE (retry) while it starts, then with its handlers once added', async () => {
    const svc = await start();
    svc.reserveGrpcService(echoDefinition);
    const { grpcPort } = await svc.listen();
    const client = new EchoClient(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
    try {
      // Without the reservation grpc-js answers UNIMPLEMENTED, which callers take as final.
      await expect(callUnary(client, 'echo', { text: 'early' })).rejects.toMatchObject({
        code: grpc.status.UNAVAILABLE,
        details: '/omega.test.v1.Echo/Echo: omega.test.v1.Echo is starting; retry',
      });
      svc.addGrpcService(echoDefinition, {
        ...unimplementedService(echoDefinition),
        echo: (
          call: grpc.ServerUnaryCall<{ text: string }, { text: string }>,
          callback: grpc.sendUnaryData<{ text: string }>,
        ) => callback(null, { text: call.request.text }),
      });
      await expect(callUnary(client, 'echo', { text: 'later' })).resolves.toEqual({
        text: 'later',
      });
    } finally {
      client.close();
    }
  });

  it('answers a request whose bytes do not decode INVALID_ARGUMENT naming the method, and the service keeps serving', async () => {
    const svc = await start();
    const echo = serveEcho(svc);
    const { grpcPort } = await svc.listen();
    const client = new EchoClient(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
    try {
      // Raw bytes that are not JSON, the echo service's message encoding.
      const garbage = await refusal(client, Buffer.from([0xff, 0x00, 0x7b]));
      expect(garbage.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(garbage.details).toMatch(
        /^\/omega\.test\.v1\.Echo\/Echo: the request is not a valid message: .*JSON/,
      );
      expect(echo.handled).toBe(0);
      await expect(callUnary(client, 'echo', { text: 'still here' })).resolves.toEqual({
        text: 'still here',
      });
      expect(echo.handled).toBe(1);
    } finally {
      client.close();
    }
  });

  it('takes its receive limit from grpc.maxReceiveMessageBytes', async () => {
    const svc = await start({ OMEGA_GRPC_MAX_RECEIVE_MESSAGE_BYTES: '1048576' });
    serveEcho(svc);
    const { grpcPort } = await svc.listen();
    const client = new EchoClient(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
    try {
      const refused = await refusal(client, Buffer.alloc(2 * 1024 * 1024, 0x20));
      expect(refused.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(refused.details).toBe('Received message larger than max (2097152 vs 1048576)');
    } finally {
      client.close();
    }
  });

  it('refuses a request past the 4 MiB receive limit, sent whole or gzip-compressed, RESOURCE_EXHAUSTED naming the limit, before the handler sees it', async () => {
    const svc = await start();
    const echo = serveEcho(svc);
    const { grpcPort } = await svc.listen();
    const address = `127.0.0.1:${grpcPort}`;
    const plain = new EchoClient(address, grpc.credentials.createInsecure());
    // gzip (algorithm 2): 5 MiB of zeros cross the wire in a few KiB and decompress past the limit.
    const gzip = new EchoClient(address, grpc.credentials.createInsecure(), {
      'grpc.default_compression_algorithm': 2,
    });
    try {
      const tooLarge = await refusal(plain, Buffer.alloc(5 * 1024 * 1024, 0x20));
      expect(tooLarge.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(tooLarge.details).toBe('Received message larger than max (5242880 vs 4194304)');
      const bomb = await refusal(gzip, Buffer.alloc(5 * 1024 * 1024, 0x20));
      expect(bomb.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(bomb.details).toBe('Received message that decompresses to a size larger than 4194304');
      expect(echo.handled).toBe(0);
      await expect(callUnary(plain, 'echo', { text: 'still here' })).resolves.toEqual({
        text: 'still here',
      });
    } finally {
      plain.close();
      gzip.close();
    }
  });

  it('serves placeholder services UNIMPLEMENTED and counts the calls in /metrics as grpc_server_handled_total', async () => {
    const svc = await start();
    svc.addGrpcService(echoDefinition, unimplementedService(echoDefinition));
    const { grpcPort, httpPort } = await svc.listen();
    const client = new EchoClient(`127.0.0.1:${grpcPort}`, grpc.credentials.createInsecure());
    try {
      await expect(callUnary(client, 'echo', {})).rejects.toMatchObject({
        code: grpc.status.UNIMPLEMENTED,
        details: '/omega.test.v1.Echo/Echo is not built yet',
      });
    } finally {
      client.close();
    }
    const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(metrics).toContain(
      'grpc_server_handled_total{grpc_type="unary",grpc_service="omega.test.v1.Echo",grpc_method="Echo",grpc_code="Unimplemented"} 1',
    );
    // Process and Node.js metrics keep their standard names: the scrape job names the service.
    expect(metrics).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(metrics).not.toMatch(/^omega_svc_spec_/m);
    // Gauges prom-client names *_total are left out: only counters end in _total.
    expect(metrics).toMatch(/^nodejs_active_handles\{/m);
    expect(metrics).not.toMatch(/^nodejs_active_handles_total/m);
  });

  it('reads its config, extended by the service, from the environment', async () => {
    const schema = baseConfigSchema.extend({
      audit: z.strictObject({ depth: z.int().default(3) }).prefault({}),
    });
    logs = new LogCapture();
    service = await startService({
      name: 'svc-spec',
      defaults: { grpcPort: 0, httpPort: 0 },
      configSchema: schema,
      env: { OMEGA_LOG_LEVEL: 'debug', OMEGA_AUDIT_DEPTH: '7', OMEGA_SERVICE_NAME: 'svc-spec-eu' },
      argv: [],
      installSignalHandlers: false,
      logDestination: logs,
    });
    const svc = service as Service<z.output<typeof schema>>;
    expect(svc.config.audit.depth).toBe(7);
    expect(svc.name).toBe('svc-spec-eu');
    expect(svc.logger.level).toBe('debug');
  });

  it('refuses to start on bad config, naming the key', async () => {
    await expect(
      startService({
        name: 'svc-spec',
        defaults: { grpcPort: 0, httpPort: 0 },
        env: { OMEGA_GRPC_PORT: 'abc' },
        argv: [],
        installSignalHandlers: false,
      }),
    ).rejects.toThrow(
      new OmegaError(
        Code.InvalidArgument,
        'config: grpc.port: expected integer, got "abc" (env OMEGA_GRPC_PORT)',
      ),
    );
  });

  it('reports a port already in use as Unavailable, naming the address, and leaves nothing bound', async () => {
    const holder = await start();
    const { httpPort } = await holder.listen();
    const second = await startService({
      name: 'svc-spec',
      defaults: { grpcPort: 0, httpPort },
      env: { OMEGA_GRPC_HOST: '127.0.0.1', OMEGA_HTTP_HOST: '127.0.0.1' },
      argv: [],
      installSignalHandlers: false,
      logDestination: new LogCapture(),
    });
    try {
      await expect(second.listen()).rejects.toMatchObject({
        code: Code.Unavailable,
        message: expect.stringContaining(
          `http: cannot listen on 127.0.0.1:${httpPort}: listen EADDRINUSE`,
        ),
      });
    } finally {
      await second.shutdown('test over');
    }
  });

  it('shuts down once however often asked, resolves closed, and will not listen again', async () => {
    const svc = await start();
    await svc.listen();
    const first = svc.shutdown('first');
    const second = svc.shutdown('second');
    expect(second).toBe(first);
    expect((await first).reason).toBe('first');
    await svc.closed;
    expect(svc.draining.aborted).toBe(true);
    await expect(svc.listen()).rejects.toMatchObject({ code: Code.FailedPrecondition });
    expect(logs.lines.filter((line) => line['msg'] === 'shutdown started')).toHaveLength(1);
  });
});

/** Serves the echo method on `svc`, counting the calls that reach it. */
function serveEcho(svc: Service<unknown>): { handled: number } {
  const counter = { handled: 0 };
  svc.addGrpcService(echoDefinition, {
    ...unimplementedService(echoDefinition),
    echo: (
      call: grpc.ServerUnaryCall<{ text: string }, { text: string }>,
      callback: grpc.sendUnaryData<{ text: string }>,
    ) => {
      counter.handled++;
      callback(null, { text: call.request.text });
    },
  });
  return counter;
}

/** Sends `bytes` as the echo request, as they are; resolves with the error the call ends in. */
function refusal(client: grpc.Client, bytes: Buffer): Promise<grpc.ServiceError> {
  return new Promise<grpc.ServiceError>((resolve, reject) =>
    client.makeUnaryRequest(
      '/omega.test.v1.Echo/Echo',
      (b: Buffer) => b,
      (b: Buffer) => b,
      bytes,
      (err: grpc.ServiceError | null) => (err ? resolve(err) : reject(new Error('answered'))),
    ),
  );
}
