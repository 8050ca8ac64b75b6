// The per-principal limits on the running gateway (plaintext: a principal is the caller's address),
// with a backend that answers: one address flooding it is answered RESOURCE_EXHAUSTED saying when
// to retry while another address is still served, and streams past the cap are refused until one
// closes.
import * as grpc from '@grpc/grpc-js';
import { IntelligenceServiceService } from '@omega/proto';
import type { RunningService } from '@omega/service';
import { withNats } from '@omega/testkit';
import type { GatewayServiceConfig } from './gateway-service';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend';
import { startGateway } from './testing/start-gateway';

const passBytes = (bytes: Buffer): Buffer => bytes;
const nats = withNats({ jetstream: true });
const clients: grpc.Client[] = [];
let backend: EchoBackend;
let gateway: RunningService<GatewayServiceConfig>;

beforeAll(async () => {
  backend = await startEchoBackend(IntelligenceServiceService);
  gateway = await startGateway(nats.url, {
    OMEGA_LOG_LEVEL: 'error',
    // IPv4 and IPv6 loopback: a caller at 127.0.0.1 and one at ::1 are two principals.
    OMEGA_GRPC_HOST: '::',
    OMEGA_GATEWAY_INTELLIGENCE_ADDRESS: backend.address,
    // A refill far slower than the spec: only the burst counts.
    OMEGA_GATEWAY_LIMITS_CALLS_PER_SECOND: '0.001',
    OMEGA_GATEWAY_LIMITS_BURST: '5',
    OMEGA_GATEWAY_LIMITS_MAX_STREAMS: '1',
  });
}, 30_000);

nats.beforeStop(async () => {
  for (const client of clients) client.close();
  await gateway?.service.shutdown('test done');
  await backend?.service.shutdown('test done');
});

function clientFrom(host: string): grpc.Client {
  const client = new grpc.Client(`${host}:${gateway.grpcPort}`, grpc.credentials.createInsecure());
  clients.push(client);
  return client;
}

function listAlerts(client: grpc.Client): Promise<grpc.ServiceError | null> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      IntelligenceServiceService.listAlerts.path,
      passBytes,
      passBytes,
      Buffer.alloc(0),
      (err) => resolve(err),
    );
  });
}

describe('per-principal limits on the gateway', () => {
  it('answers a flood from one caller RESOURCE_EXHAUSTED with when to retry, and serves another', async () => {
    const flooding = clientFrom('127.0.0.1');
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await listAlerts(flooding));
    expect(answers.slice(0, 5)).toEqual([null, null, null, null, null]);
    expect(answers[5]).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      details: expect.stringMatching(
        /^\/omega\.v1\.IntelligenceService\/ListAlerts: (::ffff:)?127\.0\.0\.1 is over its limit of 0\.001 calls\/s \(burst 5\); retry in \d+ ms$/,
      ),
    });
    // The same wait as a trailer gRPC clients with retries enabled follow.
    const retryMs = /retry in (\d+) ms$/.exec(answers[5]!.details)![1];
    expect(answers[5]!.metadata.get('grpc-retry-pushback-ms')).toEqual([retryMs]);
    await expect(listAlerts(clientFrom('[::1]'))).resolves.toBeNull();
  });

  it('refuses a stream past the cap until one is closed', async () => {
    // The caller the flood left alone: one call so far, two more here (a refused stream takes none).
    const caller = clientFrom('[::1]');
    const open = (): grpc.ClientReadableStream<Buffer> =>
      caller.makeServerStreamRequest(
        IntelligenceServiceService.streamAlerts.path,
        passBytes,
        passBytes,
        Buffer.from('first'),
      );
    const first = open();
    await new Promise((resolve) => first.once('data', resolve));
    const second = open();
    const refused = await new Promise<grpc.ServiceError>((resolve) =>
      second.once('error', resolve),
    );
    expect(refused).toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      details:
        '/omega.v1.IntelligenceService/StreamAlerts: ::1 has 1 streams open, its limit; close one and retry',
    });
    first.on('error', () => undefined);
    first.cancel();
    await backend.streamEnds.at(-1);
    const third = open();
    await expect(new Promise((resolve) => third.once('data', resolve))).resolves.toEqual(
      Buffer.from('first'),
    );
    third.on('error', () => undefined);
    third.cancel();
  });
});
