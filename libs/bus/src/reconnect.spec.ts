import { Alert } from '@omega/proto';
import { withNats } from '@omega/testkit';
import { connectBus, type Bus } from './connection';
import { consume } from './consume';
import { ack } from './handler';
import { provision } from './provision';
import { publish } from './publish';
import { eventually, recordingLogger } from './spec-helpers';
import { subjects } from './subjects';

describe('a bus across a nats-server restart', () => {
  const nats = withNats();
  let bus: Bus;
  const readiness: boolean[] = [];
  beforeAll(async () => {
    bus = await connectBus({
      servers: nats.url,
      name: 'omega-test',
      logger: recordingLogger().logger,
      onReadyChange: (ready) => readiness.push(ready),
      reconnectTimeWaitMs: 200,
      reconnectJitterMs: 100,
    });
    nats.beforeStop(() => bus.drain());
    await provision(bus, { streams: ['ALERTS', 'DLQ'] });
  });

  it('loses no acknowledged message: all published before and after are consumed', async () => {
    const before = 300;
    const after = 300;
    const subject = subjects.alerts('restart');
    const seen = new Map<string, number>();
    const handle = await consume(bus, {
      stream: 'ALERTS',
      durable: 'restart-test',
      filterSubject: subject,
      type: Alert,
      ackWaitMs: 2000,
      handler: async (alert) => {
        seen.set(alert.id, (seen.get(alert.id) ?? 0) + 1);
        // Slow enough that the restart lands while messages are still pending.
        await new Promise((resolve) => setTimeout(resolve, 2));
        return ack();
      },
    });

    for (let i = 0; i < before; i++) {
      const pubAck = await publish(bus, subject, Alert, Alert.fromPartial({ id: `a-${i}` }), {
        msgId: `a-${i}`,
      });
      expect(pubAck.duplicate).toBe(false);
    }
    await eventually(() => seen.size >= 50, 'some messages consumed');
    const seenAtRestart = seen.size;

    await nats.server.restart({ downtimeMs: 500 });
    await eventually(() => bus.isReady(), 'the reconnect', 20_000);

    for (let i = before; i < before + after; i++) {
      await publish(bus, subject, Alert, Alert.fromPartial({ id: `a-${i}` }), { msgId: `a-${i}` });
    }
    await eventually(() => seen.size === before + after, 'every message', 30_000);
    await handle.stop();

    expect(seenAtRestart).toBeLessThan(before); // the restart hit while messages were pending
    const missing = [...Array(before + after).keys()].filter((i) => !seen.has(`a-${i}`));
    expect(missing).toEqual([]);
    expect(readiness).toEqual([false, true, false, true]);
    const info = await bus.jsm.streams.info('ALERTS', { subjects_filter: subject });
    expect(info.state.subjects?.[subject]).toBe(before + after);
  }, 60_000);
});
