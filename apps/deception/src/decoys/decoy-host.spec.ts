// Decoys run by the deception process, on a real nats-server, driven by the real redis-cli: a
// deployed Redis decoy answers, each command lands on DECEPTION as an interaction of that decoy;
// a restarted host starts it again from omega_decoys; removing it closes the port; a bad spec is
// refused naming the field; a dry run starts nothing.
import { DecoyKind, DecoySpec, DecoyStatus, Event, InteractionKind } from '@omega/proto';
import { connectBus, provision, type Bus, type KV } from '@omega/bus';
import { createLogger } from '@omega/runtime';
import { freePort, withNats } from '@omega/testkit';
import { redisHoneypot } from '../honeypots/redis-honeypot';
import { runClient } from '../testing/database-honeypot-context';
import { DECOYS_BUCKET, DecoyHost } from './decoy-host';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'deception', level: 'silent' });
let bus: Bus;
let kv: KV;
const hosts: DecoyHost[] = [];

function host(): DecoyHost {
  const made = new DecoyHost({
    bus,
    kv,
    factories: new Map([[DecoyKind.DECOY_KIND_REDIS, redisHoneypot]]),
    listenHost: '127.0.0.1',
    node: 'vm',
    credentials: () => undefined,
    logger,
  });
  hosts.push(made);
  return made;
}

const spec = (port: number, overrides: Partial<DecoySpec> = {}): DecoySpec =>
  DecoySpec.fromPartial({
    kind: DecoyKind.DECOY_KIND_REDIS,
    name: 'session-cache',
    namespace: 'payments',
    port,
    banner: '7.2.4',
    ...overrides,
  });

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'decoy-spec', logger });
  await provision(bus, { kv: [DECOYS_BUCKET], streams: ['DECEPTION'] });
  kv = await bus.kv(DECOYS_BUCKET);
});

nats.beforeStop(async () => {
  for (const made of hosts) await made.stop();
  await bus?.drain();
});

/** The interactions of `decoyId` on DECEPTION so far. */
async function interactionsOf(decoyId: string): Promise<Event[]> {
  const consumer = await bus.js.consumers.get('DECEPTION', {
    filter_subjects: [`omega.deception.${decoyId}`],
  });
  const events: Event[] = [];
  for (;;) {
    const message = await consumer.next({ expires: 1_000 });
    if (message === null) return events;
    events.push(Event.decode(message.data));
  }
}

describe('decoys run by the deception service', () => {
  it('runs a Redis decoy whose every command is an interaction on DECEPTION, and starts it again after a restart', async () => {
    const port = await freePort();
    const first = host();
    const decoy = await first.deploy(spec(port), 'DeployDecoy', false);
    expect(decoy).toMatchObject({
      status: DecoyStatus.DECOY_STATUS_RUNNING,
      address: `127.0.0.1:${port}`,
    });
    const pong = await runClient('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING']);
    expect(pong.stdout.trim()).toBe('PONG');
    await first.stop();

    // A new process on the same bucket: the decoy listens again.
    const second = host();
    await second.restore();
    const keys = await runClient('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'KEYS', '*']);
    expect(keys.code).toBe(0);
    await second.stop();

    let events: Event[] = [];
    for (let i = 0; i < 50 && !events.some((e) => e.message.includes('KEYS')); i++) {
      events = await interactionsOf(decoy.id);
    }
    const commands = events
      .map((e) => (e.payload?.$case === 'deceptionInteraction' ? e.payload.value : undefined))
      .filter((i) => i?.kind === InteractionKind.INTERACTION_KIND_COMMAND)
      .map((i) => i?.request);
    expect(commands).toEqual(
      expect.arrayContaining([expect.stringMatching(/^PING/), expect.stringMatching(/^KEYS/)]),
    );
    expect(
      events.every((e) => e.srcEndpoint?.ip === '127.0.0.1' && e.dstEndpoint?.port === port),
    ).toBe(true);
  });

  it('closes the port when the decoy is removed, and lists it as removed', async () => {
    const port = await freePort();
    const decoys = host();
    const decoy = await decoys.deploy(spec(port, { name: 'orders-cache' }), 'DeployDecoy', false);
    const removed = await decoys.remove(decoy.id, 'done', 'RemoveDecoy');
    expect(removed.status).toBe(DecoyStatus.DECOY_STATUS_REMOVED);
    const refused = await runClient('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING']);
    expect(refused.stdout + refused.stderr).toMatch(/Connection refused/);
    expect(
      decoys.list({ namespace: '', kind: 0, includeRemoved: false }).map((d) => d.id),
    ).not.toContain(decoy.id);
    expect(
      decoys.list({ namespace: '', kind: 0, includeRemoved: true }).map((d) => d.id),
    ).toContain(decoy.id);
  });

  it('refuses a bad spec naming the field, a taken port, and starts nothing on a dry run', async () => {
    const decoys = host();
    await expect(
      decoys.deploy(spec(6379, { name: 'Bad_Name' }), 'DeployDecoy', false),
    ).rejects.toThrow(/DeployDecoy: spec\.name: "Bad_Name" must be a DNS label/);
    await expect(decoys.deploy(spec(0), 'DeployDecoy', false)).rejects.toThrow(
      /spec\.port: 0 must be 1-65535/,
    );
    await expect(
      decoys.deploy(spec(6379, { kind: DecoyKind.DECOY_KIND_SMB }), 'DeployDecoy', false),
    ).rejects.toThrow(
      /spec\.kind: DECOY_KIND_SMB is not a decoy this service runs \(it runs: DECOY_KIND_REDIS\)/,
    );
    await expect(
      decoys.deploy(spec(6379, { banner: 'a\r\nb' }), 'DeployDecoy', false),
    ).rejects.toThrow(/spec\.banner/);
    const port = await freePort();
    const dry = await decoys.deploy(spec(port), 'DeployDecoy', true);
    expect(dry.status).toBe(DecoyStatus.DECOY_STATUS_PENDING);
    const nothing = await runClient('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING']);
    expect(nothing.stdout + nothing.stderr).toMatch(/Connection refused/);
    await decoys.deploy(spec(port, { name: 'a' }), 'DeployDecoy', false);
    await expect(decoys.deploy(spec(port, { name: 'b' }), 'DeployDecoy', false)).rejects.toThrow(
      new RegExp(`spec\\.port: ${port} is taken by decoy dc-[0-9a-f]{12} \\(a\\)`),
    );
  });
});
