// The frame router's DNS hot path against a real nats-server: DNS frames go from their bytes to a
// signed batch in TELEMETRY; a payload that is not DNS is counted (omega_sentinel_dns_undecoded_total),
// never published and never a crash; a malformed frame fails the stream with its byte offset,
// keeping what came before it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { Registry } from 'prom-client';
import { connectBus, provision, subjects, type Bus } from '@omega/bus';
import { createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { splitSignedEventBatch } from '@omega/trust-client';
import { batchSigning } from './batch-signing-key';
import { frameRouter } from './frame-router';
import { FrameDecoder, FrameType } from '../wire/loader-frames';
import { sentinelMetrics } from '../sentinel-metrics';
import { TelemetryPublisher } from './telemetry-publisher';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'sentinel', level: 'silent' });
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'frame-router-spec', logger });
  await provision(bus, { streams: ['TELEMETRY'] });
  nats.beforeStop(() => bus.drain());
});

function dnsFrame(payload: Buffer): Buffer {
  const body = Buffer.alloc(56 + payload.length);
  body.writeBigUInt64LE(1_763_900_000_000_000_000n, 0);
  body.set([10, 9, 0, 1], 12);
  body.set([10, 9, 0, 53], 28);
  body.writeUInt16LE(33333, 44);
  body.writeUInt16LE(53, 46);
  body.writeUInt8(4, 48);
  body.writeUInt16LE(payload.length, 50);
  body.writeUInt16LE(payload.length, 52);
  payload.copy(body, 56);
  const header = Buffer.alloc(8);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt16LE(FrameType.Dns, 4);
  header.writeUInt16LE(1, 6);
  return Buffer.concat([header, body]);
}

describe('frameRouter DNS frames', () => {
  it('publishes DNS events from frame bytes, counts payloads that are not DNS, and stops at a malformed frame', async () => {
    const registry = new Registry();
    const metrics = sentinelMetrics(registry);
    const node = 'node-router';
    const publisher = new TelemetryPublisher({
      bus,
      node,
      signing: await batchSigning({
        dataDir: join(mkdtempSync(join(tmpdir(), 'omega-router-')), 'state'),
        localSenderId: `omega://local/sentinel/${node}`,
        logger,
      }),
      sessionId: 'router',
      logger,
      metrics,
      flushIntervalMs: 60_000,
    });
    const route = frameRouter({ node, publisher, metrics, flowActiveTimeoutMs: 60_000 });
    const query = dnsPacket.encode({
      type: 'query',
      id: 77,
      questions: [{ type: 'TXT', class: 'IN', name: 'ok.example' }],
    });
    const good = dnsFrame(query);
    const notDns = dnsFrame(Buffer.from([1, 2, 3, 0xc0, 0xff, 0, 9, 9, 9, 9, 9, 9, 0xc0, 0xff]));
    const truncated = dnsFrame(query.subarray(0, query.length - 3));
    const malformed = dnsFrame(query);
    malformed.writeUInt8(9, 8 + 48); // address family 9
    const decoder = new FrameDecoder(route.onRawFrame);
    const { error } = decoder.push(Buffer.concat([good, notDns, truncated, good, malformed, good]));
    expect(error?.message).toBe(
      `loader stream: bad frame at byte offset ${2 * good.length + notDns.length + truncated.length}: DNS address family 9, expected 4 or 6`,
    );
    await publisher.close();

    const undecoded = await registry.getSingleMetric('omega_sentinel_dns_undecoded_total')!.get();
    expect(undecoded.values[0]?.value).toBe(2);
    expect(publisher.stats).toMatchObject({ eventsAccepted: 2n, droppedEvents: 0n, buffered: 0 });
    const consumer = await bus.js.consumers.get('TELEMETRY', {
      filter_subjects: [subjects.telemetry('dns', node)],
    });
    const message = await consumer.next({ expires: 5_000 });
    const { batch } = splitSignedEventBatch(message!.data);
    expect(batch.events.map((e) => [e.message, e.srcEndpoint?.ip, e.dstEndpoint?.port])).toEqual([
      ['dns query ok.example TXT', '10.9.0.1', 53],
      ['dns query ok.example TXT', '10.9.0.1', 53],
    ]);
  });
});
