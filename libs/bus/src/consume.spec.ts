// Over 400 lines on purpose: one nats-server per file, shared by every consume behaviour.
import { Alert, Event } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { startNatsServer, withNats } from '@omega/testkit';
import { connectBus, type Bus } from './connection';
import { consume, type ConsumeOptions, type ConsumerHandle } from './consume';
import { ack, nak, reject, term, type Outcome } from './handler';
import { DLQ_HEADERS } from './dead-letter';
import { provision } from './provision';
import { publish } from './publish';
import { eventually, recordingLogger, uniqueName } from './spec-helpers';
import { serverSupports } from './server-features';
import { subjects } from './subjects';

describe('consume', () => {
  const nats = withNats();
  const log = recordingLogger();
  let bus: Bus;
  const handles: ConsumerHandle[] = [];
  beforeAll(async () => {
    bus = await connectBus({ servers: nats.url, name: 'omega-test', logger: log.logger });
    nats.beforeStop(() => bus.drain());
    await provision(bus, { streams: ['ALERTS', 'TASKS', 'DLQ'] });
  });
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.stop()));
  });

  /** A consumer on its own subject of ALERTS, stopped after the test. */
  async function start<T>(
    options: Omit<ConsumeOptions<T>, 'stream' | 'durable' | 'filterSubject'> & { name?: string },
  ) {
    const name = options.name ?? uniqueName('c');
    const subject = subjects.alerts(name);
    const handle = await consume(bus, {
      stream: 'ALERTS',
      durable: name,
      filterSubject: subject,
      ...options,
    });
    handles.push(handle);
    return { handle, subject, name };
  }

  /** Dead letters of one consumer, read back from the DLQ stream. */
  async function deadLetters(durable: string, count: number) {
    const subject = subjects.dlq('ALERTS', durable);
    await eventually(async () => {
      const info = await bus.jsm.streams.info('DLQ', { subjects_filter: subject });
      return (info.state.subjects?.[subject] ?? 0) >= count;
    }, `${count} dead letter(s) on ${subject}`);
    const letters = [];
    let seq = 0;
    for (let i = 0; i < count; i++) {
      const msg = await bus.jsm.direct.getMessage('DLQ', { next_by_subj: subject, seq: seq + 1 });
      if (!msg) break;
      seq = msg.seq;
      letters.push(msg);
    }
    return letters;
  }

  it('hands the handler the decoded message and its delivery, and acks', async () => {
    const seen: Array<{
      alert: Alert;
      subject: string;
      seq: number;
      deliveryCount: number;
      type: string;
    }> = [];
    const { handle, subject } = await start({
      type: Alert,
      handler: async (alert, ctx) => {
        seen.push({
          alert,
          subject: ctx.subject,
          seq: ctx.seq,
          deliveryCount: ctx.deliveryCount,
          type: ctx.headers.get('Omega-Type'),
        });
        return ack();
      },
    });
    const sent = Alert.fromPartial({ id: 'a-1', title: 'port scan', confidence: 80 });
    const pubAck = await publish(bus, subject, Alert, sent);
    await eventually(() => seen.length === 1, 'delivery');
    expect(seen[0]).toEqual({
      alert: sent,
      subject,
      seq: pubAck.seq,
      deliveryCount: 1,
      type: 'omega.v1.Alert',
    });
    await eventually(async () => (await handle.info()).num_ack_pending === 0, 'the ack');
    expect((await handle.info()).num_pending).toBe(0);
  });

  it('redelivers a nak after its delay, with deliveryCount 2', async () => {
    const deliveries: Array<{ count: number; at: number }> = [];
    const { subject } = await start({
      type: Alert,
      handler: async (_alert, ctx) => {
        deliveries.push({ count: ctx.deliveryCount, at: Date.now() });
        return ctx.deliveryCount === 1 ? nak(300) : ack();
      },
    });
    await publish(bus, subject, Alert, Alert.fromPartial({ id: 'retry-me' }));
    await eventually(() => deliveries.length === 2, 'the redelivery');
    expect(deliveries.map((d) => d.count)).toEqual([1, 2]);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(250);
  });

  it('dead-letters bytes that are not the expected type, with the error, and carries on', async () => {
    const processed: string[] = [];
    const { subject, name } = await start({
      type: Alert,
      handler: async (alert) => {
        processed.push(alert.id);
        return ack();
      },
    });
    const garbage = new Uint8Array([0x0a, 0x05, 0x61, 0x62, 0x0f]);
    const bad = await bus.js.publish(subject, garbage);
    await publish(bus, subject, Alert, Alert.fromPartial({ id: 'after-garbage' }));

    await eventually(() => processed.includes('after-garbage'), 'the next good message');
    expect(processed).toEqual(['after-garbage']);
    const [letter] = await deadLetters(name, 1);
    expect(letter!.data).toEqual(garbage);
    const h = (key: string) => letter!.header.get(key);
    expect(h(DLQ_HEADERS.reason)).toBe('decode');
    expect(h(DLQ_HEADERS.stream)).toBe('ALERTS');
    expect(h(DLQ_HEADERS.consumer)).toBe(name);
    expect(h(DLQ_HEADERS.subject)).toBe(subject);
    expect(h(DLQ_HEADERS.seq)).toBe(String(bad.seq));
    expect(h(DLQ_HEADERS.expectedType)).toBe('omega.v1.Alert');
    expect(h(DLQ_HEADERS.error)).toBe(
      'cannot decode 5 bytes as omega.v1.Alert: premature EOF ' +
        '(at byte 0: field 1: length 5 runs past the end (5 bytes))',
    );
    expect(h(DLQ_HEADERS.errorOffset)).toBe('0');
    expect(h(DLQ_HEADERS.deliveryCount)).toBe('1');
    expect(log.messages()).toContain(
      `consumer ${name} on stream ALERTS: seq ${bad.seq} on ${subject} dead-lettered (decode): ${h(DLQ_HEADERS.error)}`,
    );
  });

  it('dead-letters a message whose Omega-Type names another type, keeping its headers', async () => {
    const processed: Alert[] = [];
    const { subject, name } = await start({
      type: Alert,
      handler: async (alert) => {
        processed.push(alert);
        return ack();
      },
    });
    await publish(bus, subject, Event, Event.fromPartial({ id: 'e-1' }), {
      msgId: 'event-e-1',
      headers: { 'Omega-Sender': 'sentinel-7' },
    });
    const [letter] = await deadLetters(name, 1);
    expect(processed).toEqual([]);
    expect(letter!.header.get(DLQ_HEADERS.reason)).toBe('type-mismatch');
    expect(letter!.header.get(DLQ_HEADERS.error)).toBe(
      `Omega-Type is omega.v1.Event but consumer ${name} on stream ALERTS expects omega.v1.Alert`,
    );
    expect(letter!.header.get('Omega-Type')).toBe('omega.v1.Event');
    expect(letter!.header.get('Omega-Sender')).toBe('sentinel-7');
    expect(letter!.header.get(DLQ_HEADERS.msgId)).toBe('event-e-1');
    // The original id would make JetStream drop a re-publish; the dead letter has its own.
    expect(letter!.header.get('Nats-Msg-Id')).toMatch(new RegExp(`^dlq:ALERTS:${name}:\\d+$`));
  });

  it('dead-letters a message after maxDeliver failed attempts, never calling the handler again', async () => {
    const attempts: number[] = [];
    const { subject, name } = await start({
      type: Alert,
      maxDeliver: 3,
      retryDelayMs: () => 50,
      handler: async (_alert, ctx) => {
        attempts.push(ctx.deliveryCount);
        throw new Error(`database unavailable (attempt ${ctx.deliveryCount})`);
      },
    });
    const pubAck = await publish(bus, subject, Alert, Alert.fromPartial({ id: 'doomed' }));
    const [letter] = await deadLetters(name, 1);
    expect(attempts).toEqual([1, 2, 3]);
    expect(letter!.header.get(DLQ_HEADERS.reason)).toBe('max-deliver');
    expect(letter!.header.get(DLQ_HEADERS.seq)).toBe(String(pubAck.seq));
    expect(letter!.header.get(DLQ_HEADERS.deliveryCount)).toBe('3');
    expect(letter!.header.get(DLQ_HEADERS.error)).toBe(
      'handler failed 3 times; last: database unavailable (attempt 3)',
    );
    expect(Alert.decode(letter!.data).id).toBe('doomed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('treats a handler that returns no outcome as failed', async () => {
    const { subject, name } = await start({
      type: Alert,
      maxDeliver: 2,
      retryDelayMs: () => 10,
      handler: (async () => undefined) as unknown as () => Promise<Outcome>,
    });
    await publish(bus, subject, Alert, Alert.fromPartial({ id: 'forgot' }));
    const [letter] = await deadLetters(name, 1);
    expect(letter!.header.get(DLQ_HEADERS.error)).toBe(
      'handler failed 2 times; last: handler returned undefined; return ack(), nak(delayMs) or term(reason)',
    );
  });

  it('dead-letters on the reserved extra delivery when the last attempt outlived ackWait', async () => {
    const attempts: number[] = [];
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const { name, subject } = await start({
      type: Alert,
      maxDeliver: 2,
      ackWaitMs: 400,
      concurrency: 4,
      handler: async (_alert, ctx) => {
        attempts.push(ctx.deliveryCount);
        await stuck;
        return ack();
      },
    });
    await publish(bus, subject, Alert, Alert.fromPartial({ id: 'slow' }));
    const [letter] = await deadLetters(name, 1);
    release();
    expect(attempts).toEqual([1, 2]);
    expect(letter!.header.get(DLQ_HEADERS.reason)).toBe('max-deliver');
    expect(letter!.header.get(DLQ_HEADERS.deliveryCount)).toBe('3');
    expect(letter!.header.get(DLQ_HEADERS.error)).toMatch(/not acked after 2 handler attempts/);
  });

  it('terminates a message when the handler says so, without dead-lettering it', async () => {
    const { handle, subject, name } = await start({
      type: Alert,
      handler: async () => term('superseded by a newer alert'),
    });
    await publish(bus, subject, Alert, Alert.fromPartial({ id: 'old' }));
    const line = new RegExp(
      `consumer ${name} on stream ALERTS: handler terminated seq \\d+: superseded`,
    );
    await eventually(() => log.messages().some((m) => line.test(m)), 'the term log line');
    await eventually(async () => {
      const info = await handle.info();
      return info.num_ack_pending === 0 && info.ack_floor.stream_seq > 0;
    }, 'the term');
    const info = await bus.jsm.streams.info('DLQ', {
      subjects_filter: subjects.dlq('ALERTS', name),
    });
    expect(info.state.subjects?.[subjects.dlq('ALERTS', name)] ?? 0).toBe(0);
  });

  it('dead-letters a message the handler rejects, once, with its reason, and carries on', async () => {
    const seen: string[] = [];
    const { handle, subject, name } = await start({
      type: Alert,
      handler: async (alert) => {
        seen.push(alert.id);
        return alert.id === 'forged' ? reject('signature: ed25519 part invalid') : ack();
      },
    });
    const bad = await publish(bus, subject, Alert, Alert.fromPartial({ id: 'forged' }));
    await publish(bus, subject, Alert, Alert.fromPartial({ id: 'fine' }));
    const [letter] = await deadLetters(name, 1);
    expect(letter!.header.get(DLQ_HEADERS.reason)).toBe('rejected');
    expect(letter!.header.get(DLQ_HEADERS.error)).toBe('signature: ed25519 part invalid');
    expect(letter!.header.get(DLQ_HEADERS.seq)).toBe(String(bad.seq));
    expect(Alert.decode(letter!.data).id).toBe('forged');
    await eventually(async () => {
      const info = await handle.info();
      return info.num_ack_pending === 0 && info.ack_floor.stream_seq >= bad.seq + 1;
    }, 'both settled');
    expect(seen).toEqual(['forged', 'fine']);
  });

  it('stop() stops pulling and waits for the running handler to finish', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const finished: string[] = [];
    // A message the server sends after the pull closed comes back only after ackWait (a buffered
    // one is nak'd at once), so keep ackWait short enough for this test to see either path.
    const ackWaitMs = 2_000;
    const { handle, subject } = await start({
      type: Alert,
      ackWaitMs,
      handler: async (alert) => {
        started.push(alert.id);
        await gate;
        finished.push(alert.id);
        return ack();
      },
    });
    await publish(bus, subject, Alert, Alert.fromPartial({ id: 'first' }));
    await publish(bus, subject, Alert, Alert.fromPartial({ id: 'second' }));
    await eventually(() => started.length === 1, 'the first handler');

    let stopped = false;
    const stopping = handle.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toEqual(['first']);
    expect(started).toEqual(['first']);
    expect((await handle.info()).ack_floor.stream_seq).toBeGreaterThan(0);

    // 'first' was acked before stop() returned; 'second' was handed back (nak'd, or redelivered
    // after ackWait if it was still on the wire), not lost.
    const next: string[] = [];
    const resumed = await consume(bus, {
      stream: 'ALERTS',
      durable: handle.durable,
      filterSubject: subject,
      type: Alert,
      ackWaitMs,
      handler: async (alert) => {
        next.push(alert.id);
        return ack();
      },
    });
    handles.push(resumed);
    await eventually(() => next.length === 1, "'second' after the restart");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(next).toEqual(['second']);
  });

  it('bus.drain() stops its consumers first', async () => {
    const local = await connectBus({ servers: nats.url, name: 'omega-drain', logger: log.logger });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const name = uniqueName('drain');
    let finished = false;
    await consume(local, {
      stream: 'ALERTS',
      durable: name,
      filterSubject: subjects.alerts(name),
      type: Alert,
      handler: async () => {
        await gate;
        finished = true;
        return ack();
      },
    });
    await publish(local, subjects.alerts(name), Alert, Alert.fromPartial({ id: 'x' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const draining = local.drain();
    setTimeout(release, 100);
    await draining;
    expect(finished).toBe(true);
    expect(local.nc.isClosed()).toBe(true);
  });

  it('provisions its consumer idempotently and updates what drifted', async () => {
    const name = uniqueName('cfg');
    const handler = async () => ack();
    const options = {
      stream: 'ALERTS',
      durable: name,
      type: Alert,
      handler,
      maxDeliver: 4,
      ackWaitMs: 5000,
    };
    const first = await consume(bus, options);
    handles.push(first);
    const created = await first.info();
    expect(created.config).toMatchObject({
      durable_name: name,
      ack_policy: 'explicit',
      deliver_policy: 'all',
      max_deliver: 5,
      ack_wait: 5_000_000_000,
      max_ack_pending: 1000,
    });
    await first.stop();

    const again = await consume(bus, options);
    handles.push(again);
    expect((await again.info()).created).toBe(created.created);
    await again.stop();

    const changedOptions = { ...options, maxAckPending: 10, filterSubject: subjects.alerts(name) };
    const version = bus.nc.info!.version;
    if (!serverSupports(version, 'consumerFilterUpdate')) {
      await expect(consume(bus, changedOptions)).rejects.toThrow(
        `consumer ${name} on stream ALERTS: changing a consumer filter subject needs nats-server 2.10.0 or newer, but the server is ${version}`,
      );
      return;
    }
    const changed = await consume(bus, changedOptions);
    handles.push(changed);
    expect((await changed.info()).config).toMatchObject({
      max_ack_pending: 10,
      filter_subject: subjects.alerts(name),
    });
    expect(log.messages()).toContain(
      `consumer ${name} on stream ALERTS: updated max_ack_pending, filter_subject`,
    );
  });

  it('works on the TASKS work queue', async () => {
    const done: string[] = [];
    const handle = await consume(bus, {
      stream: 'TASKS',
      durable: 'contain-worker',
      filterSubject: subjects.tasks('contain'),
      type: Alert,
      handler: async (task) => {
        done.push(task.id);
        return ack();
      },
    });
    handles.push(handle);
    await publish(bus, subjects.tasks('contain'), Alert, Alert.fromPartial({ id: 'task-1' }));
    await eventually(() => done.length === 1, 'the task');
    await eventually(
      async () => (await bus.jsm.streams.info('TASKS')).state.messages === 0,
      'removal',
    );
  });

  it('rejects bad options and missing streams with errors that name the consumer', async () => {
    const base = { stream: 'ALERTS', type: Alert, handler: async () => ack() };
    await expect(consume(bus, { ...base, durable: 'has.dot' })).rejects.toThrow(
      /subject token consume\.durable="has\.dot" contains '\.'/,
    );
    await expect(consume(bus, { ...base, durable: 'd', maxDeliver: 0 })).rejects.toThrow(
      'consumer d on stream ALERTS: maxDeliver must be a positive integer, got 0',
    );
    const missing = consume(bus, { ...base, stream: 'NOPE', durable: 'd' });
    await expect(missing).rejects.toMatchObject({ code: Code.NotFound });
    await expect(missing).rejects.toThrow(
      'consumer d on stream NOPE: reading the consumer: stream NOPE does not exist; provision it first',
    );
  });

  it('refuses to start dead-lettering without a DLQ stream', async () => {
    const server = await startNatsServer();
    const other = await connectBus({ servers: server.url, name: 'omega-test', logger: log.logger });
    try {
      await provision(other, { streams: ['ALERTS'] });
      const attempt = consume(other, {
        stream: 'ALERTS',
        durable: 'd',
        type: Alert,
        handler: async () => ack(),
      });
      await expect(attempt).rejects.toBeInstanceOf(OmegaError);
      await expect(attempt).rejects.toThrow(
        "consumer d on stream ALERTS: dead-lettering needs the DLQ stream; provision it (provision(bus, { streams: ['DLQ'] })) or pass deadLetter: false",
      );
    } finally {
      await other.drain();
      await server.stop();
    }
  });
});
