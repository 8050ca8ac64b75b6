// End to end on a real nats-server: an ssh login with a honeytoken password, through the
// BusInteractionRecorder, lands on DECEPTION as Events that intelligence can read back.
import { connectBus, provision, subjects, type Bus } from '@omega/bus';
import { DecoyKind, Event, InteractionKind, Severity } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { BusInteractionRecorder } from '../interaction-recorder';
import { honeypotFixture } from '../testing/honeypot-fixture';
import { sshWithPassword } from '../testing/ssh-clients';
import { sshHoneypot } from './ssh-honeypot';

jest.setTimeout(60_000);

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'deception', level: 'silent' });
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'ssh-honeypot-bus-spec', logger });
  await provision(bus, { streams: ['DECEPTION'] });
  nats.beforeStop(() => bus.drain());
});

describe('ssh honeypot on the bus', () => {
  it('publishes the connect, the honeytoken use, the command and the disconnect as Events on DECEPTION', async () => {
    const decoyId = 'decoy-ssh-bus';
    const { context } = honeypotFixture({
      kind: DecoyKind.DECOY_KIND_SSH,
      decoyId,
      honeytokens: { 'deploy:Summer2024!deploy': 'ht-bus-1' },
    });
    const recorder = new BusInteractionRecorder({
      bus,
      decoyId,
      decoyKind: DecoyKind.DECOY_KIND_SSH,
      address: { ip: '10.0.7.21', port: 22 },
      node: 'node-a',
      logger,
    });
    const honeypot = await sshHoneypot({ ...context, recorder }, { host: '127.0.0.1', port: 0 });
    try {
      const run = await sshWithPassword(honeypot.port, 'deploy', 'Summer2024!deploy', {
        command: 'whoami',
      });
      expect(run.stdout).toBe('deploy\n');
    } finally {
      await honeypot.close();
    }
    await recorder.flushed();

    const consumer = await bus.js.consumers.get('DECEPTION', {
      filter_subjects: [subjects.deception(decoyId)],
    });
    const events: Event[] = [];
    for (;;) {
      const message = await consumer.next({ expires: 2_000 });
      if (!message) break;
      events.push(Event.decode(message.data));
      if (events.length === 4) break;
    }
    const interactions = events.map((event) =>
      event.payload?.$case === 'deceptionInteraction' ? event.payload.value : undefined,
    );
    expect(interactions.map((i) => i?.kind)).toEqual([
      InteractionKind.INTERACTION_KIND_CONNECT,
      InteractionKind.INTERACTION_KIND_TOKEN_USE,
      InteractionKind.INTERACTION_KIND_COMMAND,
      InteractionKind.INTERACTION_KIND_DISCONNECT,
    ]);
    expect(interactions[1]).toMatchObject({
      decoyId,
      decoyKind: DecoyKind.DECOY_KIND_SSH,
      honeytokenId: 'ht-bus-1',
      protocol: 'ssh',
      username: 'deploy',
    });
    expect(interactions[2]).toMatchObject({ request: 'whoami', username: 'deploy' });
    expect(new Set(interactions.map((i) => i?.sessionId)).size).toBe(1);
    expect(events[1]).toMatchObject({
      severity: Severity.SEVERITY_CRITICAL,
      srcEndpoint: expect.objectContaining({ ip: '127.0.0.1' }),
      dstEndpoint: expect.objectContaining({ ip: '10.0.7.21', port: 22 }),
      node: 'node-a',
    });
    expect(events[0]?.severity).toBe(Severity.SEVERITY_LOW);
    expect(events[2]?.severity).toBe(Severity.SEVERITY_HIGH);
  });
});
