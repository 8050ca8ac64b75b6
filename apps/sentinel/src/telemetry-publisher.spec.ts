// TelemetryPublisher against a real nats-server: batches carry the sender's loss counters in the
// (signed) EventBatch fields, and in the deprecated headers for one more release.
import { connectBus, provision, subjects, type Bus } from '@omega/bus';
import { EventBatch, Event } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import {
  DROPPED_EVENTS_HEADER,
  LOST_RECORDS_HEADER,
  TelemetryPublisher,
} from './telemetry-publisher';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'sentinel', level: 'silent' });
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'telemetry-publisher-spec', logger });
  await provision(bus, { streams: ['TELEMETRY'] });
  nats.beforeStop(() => bus.drain());
});

describe('TelemetryPublisher', () => {
  it('sets lost_records and dropped_events on each batch, and still sends the old headers', async () => {
    const node = 'node-loss';
    const publisher = new TelemetryPublisher({
      bus,
      node,
      senderId: 'omega://local/sentinel/node-loss',
      sessionId: 'session-1',
      logger,
      maxBufferedEvents: 2,
      flushIntervalMs: 60_000,
    });
    publisher.setLostRecords(5n);
    for (const id of ['e1', 'e2', 'e3']) publisher.add('process', Event.fromPartial({ id }));
    await publisher.close();

    const consumer = await bus.js.consumers.get('TELEMETRY', {
      filter_subjects: [subjects.telemetry('process', node)],
    });
    const message = await consumer.next({ expires: 5_000 });
    expect(message).not.toBeNull();
    const batch = EventBatch.decode(message!.data);
    expect(batch.events.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(batch.lostRecords).toBe(5n);
    expect(batch.droppedEvents).toBe(1n);
    expect(message!.headers?.get(LOST_RECORDS_HEADER)).toBe('5');
    expect(message!.headers?.get(DROPPED_EVENTS_HEADER)).toBe('1');
  });
});
