// Forwarding on real gRPC: the gateway (runService, plaintext) in front of backends served by the
// runtime harness on the pass-through definitions, which answer with the bytes they were sent and
// report the metadata, deadline and cancellation they saw. The bytes arrive as sent (unknown
// fields and all); credential and hop-by-hop headers stay at the gateway; the caller's deadline
// and cancel reach the backend, and so does the caller's trace; SentinelService calls go to the
// node `omega-node` names.
import * as grpc from '@grpc/grpc-js';
import {
  IntelligenceServiceService,
  SentinelServiceService,
  TrustServiceService,
} from '@omega/proto';
import { Code } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import { withNats } from '@omega/testkit';
import type { GatewayServiceConfig } from './gateway-service';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend';
import { startGateway } from './testing/start-gateway';

const passBytes = (bytes: Buffer): Buffer => bytes;
const nats = withNats({ jetstream: true });
const backends: EchoBackend[] = [];
let intelligence: EchoBackend;
let nodeA: EchoBackend;
let nodeB: EchoBackend;
let gateway: RunningService<GatewayServiceConfig>;
let client: grpc.Client;

beforeAll(async () => {
  intelligence = await startEchoBackend(IntelligenceServiceService);
  nodeA = await startEchoBackend(SentinelServiceService, Buffer.from('node-a'));
  nodeB = await startEchoBackend(SentinelServiceService, Buffer.from('node-b'));
  backends.push(intelligence, nodeA, nodeB);
  gateway = await startGateway(nats.url, {
    OMEGA_LOG_LEVEL: 'error',
    OMEGA_GATEWAY_INTELLIGENCE_ADDRESS: intelligence.address,
    OMEGA_GATEWAY_SENTINEL_NODE: 'node-a',
    OMEGA_GATEWAY_SENTINEL_ADDRESS: nodeA.address,
    OMEGA_GATEWAY_SENTINEL_NODES: JSON.stringify({ 'node-b': nodeB.address }),
  });
  client = new grpc.Client(`127.0.0.1:${gateway.grpcPort}`, grpc.credentials.createInsecure());
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await gateway?.service.shutdown('test done');
  for (const backend of backends) await backend.service.shutdown('test done');
});

function unary(
  path: string,
  request: Buffer,
  metadata = new grpc.Metadata(),
  options: grpc.CallOptions = {},
): Promise<{ response?: Buffer; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      passBytes,
      passBytes,
      request,
      metadata,
      options,
      (err, response) => resolve(err ? { error: err } : response === undefined ? {} : { response }),
    );
  });
}

describe('forwarding through the gateway', () => {
  it('passes the request and response bytes through as they are, unknown fields and all', async () => {
    // ListAlertsRequest with page_size 7, then field 99 (unknown to every decoder) holding "x".
    const request = Buffer.from([0x08, 0x07, 0x9a, 0x06, 0x01, 0x78]);
    const { response } = await unary(IntelligenceServiceService.listAlerts.path, request);
    expect(response).toEqual(request);
  });

  it('passes the caller’s metadata on, less credential and hop-by-hop headers', async () => {
    const metadata = new grpc.Metadata();
    metadata.set('x-request-id', 'req-42');
    metadata.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    metadata.set('omega-trace-bin', Buffer.from([1, 2, 3]));
    metadata.set('authorization', 'Bearer not-for-the-backend');
    metadata.set('cookie', 'session=1');
    metadata.set('omega-node', 'node-a');
    await unary(IntelligenceServiceService.listAlerts.path, Buffer.alloc(0), metadata);
    const seen = intelligence.seen.at(-1)?.metadata ?? {};
    expect(seen).toMatchObject({
      'x-request-id': ['req-42'],
      // The same trace, continued by the gateway's own span.
      traceparent: [expect.stringMatching(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/)],
      'omega-trace-bin': [Buffer.from([1, 2, 3])],
    });
    expect(String((seen['traceparent'] as string[])[0])).not.toContain('b7ad6b7169203331');
    expect(Object.keys(seen)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(authorization|cookie|omega-node)$/)]),
    );
  });

  it('passes the backend’s response headers and trailers back, on success and on error', async () => {
    for (const request of [Buffer.alloc(0), Buffer.from('please fail')]) {
      const seen = await new Promise<{ header: grpc.Metadata; trailer: grpc.Metadata }>(
        (resolve) => {
          let header = new grpc.Metadata();
          const call = client.makeUnaryRequest(
            IntelligenceServiceService.getAlert.path,
            passBytes,
            passBytes,
            request,
            () => undefined,
          );
          call.on('metadata', (m) => (header = m));
          call.on('status', (status) => resolve({ header, trailer: status.metadata }));
        },
      );
      expect(seen.header.get('x-backend-header')).toEqual([
        '/omega.v1.IntelligenceService/GetAlert',
      ]);
      expect(seen.trailer.get('x-backend-trailer')).toEqual(['done']);
      expect(seen.trailer.get('x-trace-bin')).toEqual([Buffer.from([1, 2])]);
    }
  });

  it('passes the caller’s deadline to the backend', async () => {
    const deadline = new Date(Date.now() + 600_000);
    await unary(IntelligenceServiceService.listAlerts.path, Buffer.alloc(0), undefined, {
      deadline,
    });
    // grpc-timeout carries time left, which each hop turns back into a deadline on arrival: the
    // backend's is the caller's give or take the hops (without it, the backend would have none).
    const seen = intelligence.seen.at(-1)?.deadline;
    expect(seen).toBeInstanceOf(Date);
    expect(Math.abs((seen?.getTime() ?? 0) - deadline.getTime())).toBeLessThan(60_000);
  });

  it('keeps a backend error’s status and detail', async () => {
    const { error } = await unary(
      IntelligenceServiceService.getAlert.path,
      Buffer.from('please fail'),
    );
    expect(error).toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      details: 'alert a-1: already acknowledged by jo',
    });
  });

  it('streams, and a cancel by the caller cancels the backend’s call', async () => {
    const stream = client.makeServerStreamRequest(
      IntelligenceServiceService.streamAlerts.path,
      passBytes,
      passBytes,
      Buffer.from([0x1a, 0x01, 0x31]),
      new grpc.Metadata(),
      {},
    );
    const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    expect(first).toEqual(Buffer.from([0x1a, 0x01, 0x31]));
    stream.on('error', () => undefined);
    stream.cancel();
    const reason = await intelligence.streamEnds.at(-1);
    expect(reason).toMatchObject({ code: Code.Canceled });
  });

  it('sends a SentinelService call to the node omega-node names, by default to the local one', async () => {
    const path = SentinelServiceService.getStatus.path;
    const toNode = (node: string): grpc.Metadata => {
      const metadata = new grpc.Metadata();
      metadata.set('omega-node', node);
      return metadata;
    };
    expect((await unary(path, Buffer.alloc(0))).response?.toString()).toBe('node-a');
    expect((await unary(path, Buffer.alloc(0), toNode('node-b'))).response?.toString()).toBe(
      'node-b',
    );
    expect((await unary(path, Buffer.alloc(0), toNode('node-z'))).error).toMatchObject({
      code: grpc.status.NOT_FOUND,
      details: `${path}: omega-node names node 'node-z', for which the gateway has no sentinel address (known: node-a, node-b; set gateway.sentinelNodes)`,
    });
  });

  it('answers the trust methods it does not forward with UNIMPLEMENTED and the reason', async () => {
    const path = TrustServiceService.renewIdentity.path;
    expect((await unary(path, Buffer.alloc(0))).error).toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details: `${path}: not served by the gateway: renews the certificate presented, which would be the gateway’s own`,
    });
  });
});
