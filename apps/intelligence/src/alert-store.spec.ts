// AlertStore on a real nats-server: junk on ALERTS (bytes that are not an alert) is skipped and
// reported by every read instead of breaking it, and no read leaves a consumer behind.
import { connectBus, provision, type Bus } from '@omega/bus';
import { Alert, Severity } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { AlertStore, decodeStoredAlert, type AlertTail, type UnreadableAlert } from './alert-store';

const nats = withNats({ jetstream: true });
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({
    servers: nats.url,
    name: 'alert-store-spec',
    logger: createLogger({ service: 'spec', level: 'silent' }),
  });
  await provision(bus, { streams: ['ALERTS'] });
});

nats.beforeStop(async () => {
  await bus?.drain();
});

function alert(id: string): Uint8Array {
  return Alert.encode(
    Alert.fromPartial({
      id,
      ruleId: 'sigma:spec',
      title: `alert ${id}`,
      severity: Severity.SEVERITY_HIGH,
    }),
  ).finish();
}

async function consumerCount(): Promise<number> {
  let count = 0;
  for await (const _ of bus.jsm.consumers.list('ALERTS')) count++;
  return count;
}

/** Junk a writer with ALERTS publish rights could put there: none of it is an alert. */
const JUNK: Uint8Array[] = [
  new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // bad varint
  new TextEncoder().encode('{"id":"not protobuf"}'),
  new Uint8Array([0x0a, 0x50, 0x41]), // field 1, length 80, 1 byte present
];

describe('decodeStoredAlert', () => {
  it('names why bytes are not an alert and returns the alert when they are', () => {
    expect(decodeStoredAlert(alert('a-1')).alert?.id).toBe('a-1');
    for (const junk of JUNK)
      expect(decodeStoredAlert(junk).reason).toMatch(/^not an omega\.v1\.Alert/);
    expect(decodeStoredAlert(new Uint8Array(1024 * 1024 + 1)).reason).toMatch(/more than an alert/);
  });
});

describe('AlertStore with junk on ALERTS', () => {
  const unreadable: UnreadableAlert[] = [];
  let store: AlertStore;

  beforeAll(async () => {
    store = new AlertStore(bus, { onUnreadable: (u) => unreadable.push(u) });
    await bus.js.publish('omega.alerts.high', alert('first'));
    for (const junk of JUNK) await bus.js.publish('omega.alerts.high', junk);
    await bus.js.publish('omega.alerts.high', alert('last'));
  });

  it('lists, gets and scans every alert around the junk and reports each junk message', async () => {
    const page = await store.list(undefined, 10);
    expect(page.alerts.map((s) => s.alert.id)).toEqual(['last', 'first']);
    expect(unreadable.map((u) => u.seq)).toEqual([2, 3, 4]);
    expect(unreadable.every((u) => u.subject === 'omega.alerts.high')).toBe(true);
    expect((await store.get('last')).seq).toBe(5);
    expect((await store.all(undefined)).map((a) => a.id)).toEqual(['first', 'last']);
    await expect(store.get('missing')).rejects.toThrow(/not in the ALERTS stream/);
  });

  it('tails past the junk and deletes its consumer on close', async () => {
    const tail: AlertTail = await store.tail({ afterSeq: 0 });
    const seen: string[] = [];
    for await (const { alert: a } of tail) {
      seen.push(a.id);
      if (a.id === 'last') break;
    }
    await tail.close();
    expect(seen).toEqual(['first', 'last']);
    expect(await consumerCount()).toBe(0);
  });

  it('deletes its consumer when closed before anything was read (a call cancelled at once)', async () => {
    const tail: AlertTail = await store.tail({ afterSeq: 0 });
    expect(await consumerCount()).toBe(1);
    await tail.close();
    expect(await consumerCount()).toBe(0);
  });

  it('leaves no consumer behind after list, get and scan', async () => {
    await store.list(undefined, 1);
    await store.get('first');
    await store.all(undefined);
    expect(await consumerCount()).toBe(0);
  });
});
