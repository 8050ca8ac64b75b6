import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Alert, messageTypes, type MessageType as ProtoMessageType } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { connectBus, type Bus } from './connection';
import { consume } from './consume';
import { ack, type DeliveryContext } from './handler';
import { OMEGA_TYPE_HEADER } from './message-type';
import { provision } from './provision';
import { publish } from './publish';
import { eventually, jsonType, recordingLogger, uniqueName } from './spec-helpers';
import { subjects } from './subjects';

describe('publish', () => {
  const nats = withNats();
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({
      servers: nats.url,
      name: 'omega-test',
      logger: recordingLogger().logger,
    });
    nats.beforeStop(() => bus.drain());
    await provision(bus, { streams: ['ALERTS', 'WORKFLOWS', 'DLQ'] });
    await bus.jsm.streams.add({ name: 'ROUNDTRIP', subjects: ['roundtrip.>'] });
  });

  it('round-trips every common.proto message type through JetStream, naming the type', async () => {
    for (const type of messageTypes) {
      const token = type.$type.replaceAll('.', '_');
      const sent = sample(type);
      const ack1 = await publish(bus, `roundtrip.${token}`, type, sent);
      expect(ack1).toMatchObject({ stream: 'ROUNDTRIP', duplicate: false });

      const stored = await bus.jsm.streams.getMessage('ROUNDTRIP', { seq: ack1.seq });
      expect(stored?.header.get(OMEGA_TYPE_HEADER)).toBe(type.$type);

      const received: unknown[] = [];
      const consumer = await consume(bus, {
        stream: 'ROUNDTRIP',
        durable: token,
        filterSubject: `roundtrip.${token}`,
        type,
        deadLetter: false,
        handler: async (message) => {
          received.push(message);
          return ack();
        },
      });
      await eventually(() => received.length === 1, `${type.$type} delivery`);
      await consumer.stop();
      expect(received[0]).toEqual(sent);
    }
  });

  it('carries any MessageType, not only generated ones', async () => {
    const Note = jsonType<{ text: string }>('test.Note');
    const pubAck = await publish(bus, subjects.alerts('json'), Note, { text: 'héllo' });
    const stored = await bus.jsm.streams.getMessage('ALERTS', { seq: pubAck.seq });
    expect(Note.decode(stored!.data)).toEqual({ text: 'héllo' });
    expect(stored?.header.get(OMEGA_TYPE_HEADER)).toBe('test.Note');
  });

  it('stores a message once per msgId: the second publish is acked as a duplicate', async () => {
    const subject = subjects.alerts(uniqueName('dedup'));
    const alert = Alert.fromPartial({ id: 'alert-1', title: 'port scan' });
    const first = await publish(bus, subject, Alert, alert, { msgId: 'alert-1' });
    const second = await publish(bus, subject, Alert, alert, { msgId: 'alert-1' });
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq });
    const info = await bus.jsm.streams.info('ALERTS', { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(1);
  });

  it('enforces the expected last subject sequence, answering Aborted on a conflict', async () => {
    const subject = subjects.workflow(uniqueName('wf'));
    const event = Alert.fromPartial({ id: 'step-1' });
    const first = await publish(bus, subject, Alert, event, { expectedLastSubjectSeq: 0 });
    const stale = publish(bus, subject, Alert, event, { expectedLastSubjectSeq: 0 });
    await expect(stale).rejects.toBeInstanceOf(OmegaError);
    await expect(stale).rejects.toMatchObject({ code: Code.Aborted });
    await expect(stale).rejects.toThrow(
      new RegExp(
        `^publish omega\\.v1\\.Alert to ${subject.replaceAll('.', '\\.')}: expected last subject sequence 0`,
      ),
    );
    const next = await publish(bus, subject, Alert, event, { expectedLastSubjectSeq: first.seq });
    expect(next.seq).toBeGreaterThan(first.seq);
  });

  it('adds caller headers and the msg id next to the type header', async () => {
    const subject = subjects.alerts(uniqueName('hdrs'));
    const pubAck = await publish(bus, subject, Alert, Alert.fromPartial({ id: 'h' }), {
      msgId: 'h-1',
      headers: { 'Omega-Sender': 'sentinel-7' },
    });
    const stored = await bus.jsm.streams.getMessage('ALERTS', { seq: pubAck.seq });
    expect(stored?.header.get(OMEGA_TYPE_HEADER)).toBe('omega.v1.Alert');
    expect(stored?.header.get('Omega-Sender')).toBe('sentinel-7');
    expect(stored?.header.get('Nats-Msg-Id')).toBe('h-1');
  });

  it('rejects a message its type cannot encode, naming the subject', async () => {
    const Strict = jsonType<{ n: bigint }>('test.Strict');
    const attempt = publish(bus, subjects.alerts('strict'), Strict, { n: 1n });
    await expect(attempt).rejects.toMatchObject({ code: Code.InvalidArgument });
    await expect(attempt).rejects.toThrow(
      /^publish test\.Strict to omega\.alerts\.strict: encoding failed: /,
    );
  });

  it('says which subject no stream captures', async () => {
    const attempt = publish(bus, 'nowhere.at.all', Alert, Alert.fromPartial({}), {
      timeoutMs: 2000,
    });
    await expect(attempt).rejects.toMatchObject({ code: Code.NotFound });
    await expect(attempt).rejects.toThrow(
      'publish omega.v1.Alert to nowhere.at.all: no stream captures this subject',
    );
  });

  describe('with W3C trace propagation', () => {
    beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
    afterAll(() => propagation.disable());

    it("carries the publisher's trace context to the handler", async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parent = trace.setSpanContext(context.active(), {
        traceId,
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.SAMPLED,
      });
      const subject = subjects.alerts(uniqueName('traced'));
      const pubAck = await publish(bus, subject, Alert, Alert.fromPartial({ id: 't' }), {
        traceContext: parent,
      });
      const stored = await bus.jsm.streams.getMessage('ALERTS', { seq: pubAck.seq });
      expect(stored?.header.get('traceparent')).toBe(`00-${traceId}-00f067aa0ba902b7-01`);

      let seen: DeliveryContext | undefined;
      let seenTraceId: string | undefined;
      const consumer = await consume(bus, {
        stream: 'ALERTS',
        durable: uniqueName('traced'),
        filterSubject: subject,
        type: Alert,
        handler: async (_alert, ctx) => {
          seen = ctx;
          seenTraceId = trace.getSpanContext(ctx.traceContext)?.traceId;
          return ack();
        },
      });
      await eventually(() => seen, 'delivery');
      await consumer.stop();
      expect(seenTraceId).toBe(traceId);
      expect(seen).toMatchObject({ subject, seq: pubAck.seq, deliveryCount: 1 });
    });
  });
});

/** A message of `type` with every scalar field set to a non-default value. */
function sample(type: ProtoMessageType): unknown {
  const message = type.fromJSON({}) as Record<string, unknown>;
  for (const [field, value] of Object.entries(message)) {
    if (typeof value === 'string') message[field] = `${field} ✓`;
    else if (typeof value === 'number') message[field] = 1;
    else if (typeof value === 'bigint') message[field] = 2n ** 62n + 7n;
    else if (typeof value === 'boolean') message[field] = true;
    else if (value instanceof Uint8Array) message[field] = Buffer.from([0, 1, 2, 254, 255]);
    else if (Array.isArray(value) && field.endsWith('Ids')) {
      // Ids are strings, except numeric ones (e.g. the user ids a setresuid asked for).
      message[field] = ['a', 'b'];
      try {
        type.encode(message).finish();
      } catch {
        message[field] = [0n, 2n ** 62n + 7n];
      }
    }
  }
  return message;
}
