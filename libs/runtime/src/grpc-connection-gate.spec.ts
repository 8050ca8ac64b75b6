// Connection limits on a service's gRPC port, with real sockets on loopback: connections over the
// per-address and total caps are closed on arrival and counted while the service keeps answering,
// idle connections are closed, and the HTTP/2 settings a real client receives carry the stream cap.
import * as grpc from '@grpc/grpc-js';
import { once } from 'node:events';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { EchoClient, LogCapture, callUnary, echoDefinition } from './fixtures/echo-service';
import { SILENT_GRACE_MS } from './grpc-connection-gate';
import { unimplementedService } from './grpc-server';
import { startService, type Service } from './service';

let service: Service<unknown> | undefined;
let logs: LogCapture;
const sockets: net.Socket[] = [];
const clients: grpc.Client[] = [];

async function start(env: NodeJS.ProcessEnv): Promise<{ grpcPort: number; httpPort: number }> {
  logs = new LogCapture();
  service = await startService({
    name: 'gate-spec',
    defaults: { grpcPort: 0, httpPort: 0 },
    env: { OMEGA_GRPC_HOST: '127.0.0.1', OMEGA_HTTP_HOST: '127.0.0.1', ...env },
    argv: [],
    installSignalHandlers: false,
    logDestination: logs,
  });
  service.addGrpcService(echoDefinition, {
    ...unimplementedService(echoDefinition),
    echo: (
      call: grpc.ServerUnaryCall<{ text: string }, { text: string }>,
      callback: grpc.sendUnaryData<{ text: string }>,
    ) => callback(null, { text: call.request.text }),
  });
  return service.listen();
}

afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  clients.splice(0).forEach((client) => client.close());
  await service?.shutdown('test over');
  service = undefined;
});

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  // Read (and drop) what the server sends, its HTTP/2 SETTINGS, or its close would go unseen.
  socket.resume();
  sockets.push(socket);
  await once(socket, 'connect');
  return socket;
}

/** An echo client; `ownConnection` keeps it off the process-wide pool, so it opens its own. */
function echoClient(port: number, { ownConnection = false } = {}): grpc.Client {
  const client = new EchoClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    ownConnection ? { 'grpc.use_local_subchannel_pool': 1 } : {},
  );
  clients.push(client);
  return client;
}

async function metric(httpPort: number, line: string): Promise<string | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  return text.split('\n').find((l) => l.startsWith(line));
}

/** Polls /metrics until `line` is there (the server sees a close a moment after the client). */
async function until(httpPort: number, line: string): Promise<void> {
  const name = line.split(' ')[0]!;
  for (const deadline = Date.now() + 10_000; ;) {
    const found = await metric(httpPort, name);
    if (found === line) return;
    if (Date.now() > deadline)
      throw new Error(`/metrics: waited 10 s for "${line}", last "${found}"`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('closes connections over the per-address cap at once, counts and logs them, and keeps answering', async () => {
  const { grpcPort, httpPort } = await start({ OMEGA_GRPC_MAX_CONNECTIONS_PER_ADDRESS: '3' });
  const client = echoClient(grpcPort);
  await expect(callUnary(client, 'echo', { text: 'first' })).resolves.toEqual({ text: 'first' });

  // The client's connection is the first of three 127.0.0.1 may hold: two more fit, two do not.
  const admitted = [await connect(grpcPort), await connect(grpcPort)];
  const extra = [await connect(grpcPort), await connect(grpcPort)];
  await Promise.all(extra.map((socket) => (socket.closed ? undefined : once(socket, 'close'))));
  expect(admitted.map((socket) => socket.destroyed)).toEqual([false, false]);

  expect(await metric(httpPort, 'omega_grpc_server_connections_refused_total')).toBe(
    'omega_grpc_server_connections_refused_total{limit="per_address"} 2',
  );
  expect(await metric(httpPort, 'omega_grpc_server_connections_open')).toBe(
    'omega_grpc_server_connections_open 3',
  );
  // One line for the burst (rate-limited), naming the peer and the limit.
  const refusals = logs.lines.filter((line) => String(line['msg']).startsWith('grpc: refused'));
  expect(refusals).toHaveLength(1);
  expect(refusals[0]).toMatchObject({ level: 'warn', peer: '127.0.0.1', limit: 'per_address' });
  expect(refusals[0]!['msg']).toBe(
    'grpc: refused a connection from 127.0.0.1: 127.0.0.1 already holds 3 (grpc.maxConnectionsPerAddress 3); 1 refused since the last such line',
  );

  // Health over HTTP and a call on the existing connection still answer.
  expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);
  await expect(callUnary(client, 'echo', { text: 'still' })).resolves.toEqual({ text: 'still' });

  // A slot freed is a slot again.
  admitted[0]!.destroy();
  await until(httpPort, 'omega_grpc_server_connections_open 2');
  await connect(grpcPort);
  await until(httpPort, 'omega_grpc_server_connections_open 3');
  expect(await metric(httpPort, 'omega_grpc_server_connections_refused_total')).toBe(
    'omega_grpc_server_connections_refused_total{limit="per_address"} 2',
  );
});

it('closes connections over the total cap whatever their address, once every open one has spoken', async () => {
  const { grpcPort, httpPort } = await start({ OMEGA_GRPC_MAX_CONNECTIONS: '2' });
  const callers = [
    echoClient(grpcPort, { ownConnection: true }),
    echoClient(grpcPort, { ownConnection: true }),
  ];
  for (const client of callers)
    await expect(callUnary(client, 'echo', { text: 'hi' })).resolves.toEqual({ text: 'hi' });
  const extra = await connect(grpcPort);
  if (!extra.closed) await once(extra, 'close');
  for (const client of callers)
    await expect(callUnary(client, 'echo', { text: 'still' })).resolves.toEqual({ text: 'still' });
  expect(await metric(httpPort, 'omega_grpc_server_connections_refused_total')).toBe(
    'omega_grpc_server_connections_refused_total{limit="total"} 1',
  );
  expect(logs.lines.find((line) => line['limit'] === 'total')?.['msg']).toBe(
    'grpc: refused a connection from 127.0.0.1: the port already holds 2 (grpc.maxConnections 2); 1 refused since the last such line',
  );
});

it('when full, closes the oldest connection that has sent nothing to admit a new one, so silent floods cannot lock callers out', async () => {
  const { grpcPort, httpPort } = await start({ OMEGA_GRPC_MAX_CONNECTIONS: '3' });
  const caller = echoClient(grpcPort, { ownConnection: true });
  await expect(callUnary(caller, 'echo', { text: 'first' })).resolves.toEqual({ text: 'first' });
  const silent = [await connect(grpcPort), await connect(grpcPort)];
  await until(httpPort, 'omega_grpc_server_connections_open 3');
  // Silent for longer than the grace a just-admitted connection gets before it may be closed.
  await new Promise((resolve) => setTimeout(resolve, SILENT_GRACE_MS + 50));

  // The port is full: a newcomer that then speaks (a real client) takes the oldest silent slot.
  const newcomer = echoClient(grpcPort, { ownConnection: true });
  await expect(callUnary(newcomer, 'echo', { text: 'let in' })).resolves.toEqual({
    text: 'let in',
  });
  if (!silent[0]!.closed) await once(silent[0]!, 'close');
  expect(silent[1]!.destroyed).toBe(false);
  // Another silent one replaces the last silent one; the callers that spoke are never closed.
  const late = await connect(grpcPort);
  if (!silent[1]!.closed) await once(silent[1]!, 'close');
  expect(late.destroyed).toBe(false);
  // While the only silent one is within its grace (just admitted), a newcomer is refused.
  const early = await connect(grpcPort);
  if (!early.closed) await once(early, 'close');
  expect(late.destroyed).toBe(false);
  for (const client of [caller, newcomer])
    await expect(callUnary(client, 'echo', { text: 'kept' })).resolves.toEqual({ text: 'kept' });

  expect(await metric(httpPort, 'omega_grpc_server_connections_evicted_total')).toBe(
    'omega_grpc_server_connections_evicted_total 2',
  );
  expect(await metric(httpPort, 'omega_grpc_server_connections_refused_total')).toBe(
    'omega_grpc_server_connections_refused_total{limit="total"} 1',
  );
  await until(httpPort, 'omega_grpc_server_connections_open 3');
  const evictions = logs.lines.filter((line) => String(line['msg']).includes('had sent nothing'));
  expect(evictions).toHaveLength(1); // rate-limited: one line per 10 s
  expect(evictions[0]).toMatchObject({ level: 'warn', peer: '127.0.0.1', evictedSinceLastLine: 1 });
  expect(evictions[0]!['msg']).toMatch(
    /^grpc: the port holds grpc\.maxConnections 3: closed a connection from 127\.0\.0\.1 that had sent nothing in \d+ ms to admit one from 127\.0\.0\.1; 1 closed so since the last such line$/,
  );
});

it('closes a connection that carries no call for the idle timeout, and tells HTTP/2 clients the stream cap', async () => {
  const { grpcPort, httpPort } = await start({
    OMEGA_GRPC_MAX_CONNECTION_IDLE_MS: '300',
    OMEGA_GRPC_MAX_CONCURRENT_STREAMS: '7',
  });
  const session = http2.connect(`http://127.0.0.1:${grpcPort}`);
  session.on('error', () => {});
  const [settings] = (await once(session, 'remoteSettings')) as [http2.Settings];
  expect(settings.maxConcurrentStreams).toBe(7);
  // A connection that never says a word is closed after the same time, by the gate.
  const silent = await connect(grpcPort);
  // grpc-js sends GOAWAY and closes the session once it has been idle for 300 ms.
  await once(session, 'close');
  if (!silent.closed) await once(silent, 'close');
  expect(await metric(httpPort, 'omega_grpc_server_connections_open')).toBe(
    'omega_grpc_server_connections_open 0',
  );
});

it('refuses limits that are not positive integers, naming the setting', async () => {
  await expect(start({ OMEGA_GRPC_MAX_CONNECTIONS_PER_ADDRESS: '0' })).rejects.toThrow(
    'config: grpc.maxConnectionsPerAddress: expected integer over 0, got 0 (env OMEGA_GRPC_MAX_CONNECTIONS_PER_ADDRESS)',
  );
});
