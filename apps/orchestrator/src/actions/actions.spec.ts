// The actions against real servers: omega_policy on nats-server (read back as the sentinel's
// policy watch reads it), a local HTTP webhook, and gRPC servers answering as the unbuilt
// deception and twin services do today (UNIMPLEMENTED).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { connectBus, policyBlockKey, provision, type Bus } from '@omega/bus';
import {
  DeceptionServiceClient,
  DeceptionServiceService,
  SourceBlock,
  TwinServiceClient,
  TwinServiceService,
} from '@omega/proto';
import { Code, unimplementedService } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { ActivityError } from '@omega/workflow';
import pino from 'pino';
import { context } from '../testing/activity-context';
import { blockIp, unblockIp } from './block-ip';
import { deployDecoy } from './deploy-decoy';
import { notify } from './notify';
import { simulate } from './simulate';

const nats = withNats({ jetstream: true });
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({
    servers: nats.url,
    name: 'actions-spec',
    logger: pino({ level: 'silent' }),
  });
  await provision(bus, { kv: ['omega_policy'] });
  nats.beforeStop(() => bus.drain());
});

describe('block_ip and unblock_ip', () => {
  it('write the block the sentinels enforce, once per workflow, and remove it', async () => {
    const kv = await bus.kv('omega_policy');
    const watcher = await kv.watch({ key: 'block.all.>' });
    const block = blockIp(() => bus.kv('omega_policy'), 'spiffe://omega.test/orchestrator');
    const first = await block(context({ cidr: '203.0.113.7', expire_after_ms: '60000' }));
    const again = await block(context({ cidr: '203.0.113.7', expire_after_ms: '60000' }));
    expect(first['key']).toBe('block.all.203.0.113.7/32');
    expect(policyBlockKey('all', '2001:db8::1/128')).toBe('block.all.2001_db8__1/128');
    expect(again['revision']).toBe(first['revision']);
    const stored = SourceBlock.decode((await kv.get('block.all.203.0.113.7/32'))!.value);
    expect(stored).toMatchObject({
      cidr: '203.0.113.7/32',
      workflowId: 'wf-1',
      alertId: 'alert-1',
      createdBy: 'spiffe://omega.test/orchestrator',
    });
    expect(Number((stored.expireTimeNs - stored.createTimeNs) / 1_000_000n)).toBe(60_000);
    const removed = await unblockIp(() => bus.kv('omega_policy'))(
      context({ cidr: '203.0.113.7/32' }),
    );
    expect(removed['removed']).toBe('true');
    const operations: string[] = [];
    for await (const entry of watcher) {
      operations.push(entry.operation);
      if (operations.length === 2) break;
    }
    expect(operations).toEqual(['PUT', 'DEL']);
  });

  it('refuse an address that is not one, without retrying', async () => {
    const block = blockIp(() => bus.kv('omega_policy'), 'a');
    const call = block(context({ cidr: '999.1.1.1' }));
    await expect(call).rejects.toMatchObject({
      code: Code.InvalidArgument,
      codeName: 'invalid_argument',
      retryable: false,
    });
    await expect(call).rejects.toThrow(
      "step step-1: parameter 'cidr' is not an IP address or CIDR: '999.1.1.1'",
    );
  });
});

describe('notify', () => {
  let server: Server;
  let url: string;
  const received: { headers: IncomingMessage['headers']; body: unknown }[] = [];
  let answers: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(body) });
        res.statusCode = answers.shift() ?? 200;
        res.end(res.statusCode === 200 ? 'ok' : 'try later');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts a Slack-compatible body with the idempotency key', async () => {
    const outputs = await notify(undefined)(context({ url, text: 'blocked 203.0.113.7' }));
    expect(outputs['status']).toBe('200');
    expect(received.at(-1)?.body).toEqual({
      text: 'blocked 203.0.113.7',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'blocked 203.0.113.7' } }],
    });
    expect(received.at(-1)?.headers['idempotency-key']).toBe('wf-1/step-1');
  });

  it('fails retryably on 503 and for good on 400', async () => {
    answers = [503, 400];
    const call = () => notify(url)(context({ text: 'x' }));
    await expect(call()).rejects.toMatchObject({
      code: Code.Unavailable,
      codeName: 'http_503',
      retryable: true,
    });
    expect(received.at(-1)?.body).toMatchObject({ text: 'x' });
    await expect(call()).rejects.toMatchObject({
      code: Code.InvalidArgument,
      codeName: 'http_400',
      retryable: false,
    });
  });

  it('retries a 409, the answer of a receiver still processing the first request with its key', async () => {
    answers = [409];
    await expect(notify(url)(context({ text: 'x' }))).rejects.toMatchObject({
      code: Code.Aborted,
      codeName: 'http_409',
      retryable: true,
    });
  });
});

describe('deploy_decoy and simulate against services that are not built yet', () => {
  let server: grpc.Server;
  let address: string;

  beforeAll(async () => {
    server = new grpc.Server();
    server.addService(DeceptionServiceService, unimplementedService(DeceptionServiceService));
    server.addService(TwinServiceService, unimplementedService(TwinServiceService));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    address = `127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));

  it('deploy_decoy fails at once, not retryable, with the UNIMPLEMENTED answer', async () => {
    const client = new DeceptionServiceClient(address, grpc.credentials.createInsecure());
    const error = await deployDecoy(
      client,
      5000,
    )(context({ kind: 'ssh', name: 'billing-db' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActivityError);
    expect(error).toMatchObject({
      code: Code.Unimplemented,
      codeName: 'unimplemented',
      retryable: false,
    });
    expect((error as Error).message).toBe(
      `deception DeployDecoy at dns:${address}: UNIMPLEMENTED: /omega.v1.DeceptionService/DeployDecoy is not built yet`,
    );
    client.close();
  });

  it('simulate fails at once, not retryable, with the UNIMPLEMENTED answer', async () => {
    const client = new TwinServiceClient(address, grpc.credentials.createInsecure());
    const call = simulate(client, 5000)(context({ action: 'isolate_pod', target: 'ns/pod' }));
    await expect(call).rejects.toMatchObject({
      code: Code.Unimplemented,
      codeName: 'unimplemented',
      retryable: false,
    });
    await expect(call).rejects.toThrow(
      `twin SimulateWhatIf at dns:${address}: UNIMPLEMENTED: /omega.v1.TwinService/SimulateWhatIf is not built yet`,
    );
    client.close();
  });

  it('deploy_decoy refuses an unknown decoy kind, listing the known ones', async () => {
    const client = new DeceptionServiceClient(address, grpc.credentials.createInsecure());
    await expect(deployDecoy(client, 5000)(context({ kind: 'ftp', name: 'x' }))).rejects.toThrow(
      "step step-1: parameter 'kind' is 'ftp'; known: ssh, http, redis, postgres, mysql, kubernetes_api",
    );
    client.close();
  });
});
