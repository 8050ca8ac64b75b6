import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { OmegaError } from '@omega/runtime';
import { freePort } from './free-port';
import {
  KAFKA_VERSION,
  findJava,
  kafkaClusterId,
  startKafkaBroker,
  type KafkaBroker,
} from './kafka-broker';

function client(broker: KafkaBroker): Kafka {
  return new Kafka({
    clientId: 'testkit-spec',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
}

/** Produces `values` to `topic` and reads them back from the beginning with a fresh group. */
async function roundTrip(kafka: Kafka, topic: string, values: string[]): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
  return readAll(kafka, topic, values.length);
}

async function readAll(kafka: Kafka, topic: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value?.toString() ?? '');
        if (seen.length === count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

async function createTopic(admin: Admin, topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
}

describe('startKafkaBroker', () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    broker = await startKafkaBroker();
  }, 90_000);
  afterAll(async () => {
    await broker?.stop();
  });

  it('starts a KRaft broker on a loopback port that the kafkajs client produces to and consumes from', async () => {
    expect(broker.brokers).toEqual([`127.0.0.1:${broker.port}`]);
    expect(broker.pid).toBeGreaterThan(0);
    const kafka = client(broker);
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, 'probe');
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    expect(cluster.brokers).toEqual([
      expect.objectContaining({ nodeId: 1, host: '127.0.0.1', port: broker.port }),
    ]);
    expect(await roundTrip(kafka, 'probe', ['one', 'two', 'three'])).toEqual([
      'one',
      'two',
      'three',
    ]);
    // The broker says which release it is; the kit pins that one.
    expect(broker.logTail(10_000)).toContain(`Kafka version: ${KAFKA_VERSION}`);
  }, 60_000);

  it('restarts after a kill -9 on the same port with the records it had', async () => {
    const kafka = client(broker);
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, 'durable');
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'durable', acks: -1, messages: [{ value: 'kept' }] });
    await producer.disconnect();
    const port = broker.port;

    await broker.restart({ signal: 'SIGKILL' });

    expect(broker.port).toBe(port);
    expect(broker.running).toBe(true);
    expect(await readAll(kafka, 'durable', 1)).toEqual(['kept']);
  }, 90_000);

  it('removes its data dir on stop', async () => {
    const other = await startKafkaBroker();
    const { logDir } = other;
    expect(existsSync(logDir)).toBe(true);
    await other.stop();
    expect(other.running).toBe(false);
    expect(existsSync(logDir)).toBe(false);
  }, 90_000);
});

describe('startKafkaBroker with SASL and TLS listeners', () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    broker = await startKafkaBroker({ sasl: { users: { alice: 'alice-secret' } }, tls: true });
  }, 90_000);
  afterAll(async () => {
    await broker?.stop();
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)(
    'accepts a %s login on the SASL listener and refuses a wrong password',
    async (mechanism) => {
      expect(broker.saslBrokers).toHaveLength(1);
      expect(broker.saslBrokers[0]).not.toBe(broker.brokers[0]);
      const login = (password: string) =>
        new Kafka({
          clientId: 'testkit-sasl-spec',
          brokers: broker.saslBrokers,
          logLevel: logLevel.NOTHING,
          retry: { retries: 2, initialRetryTime: 100 },
          sasl: { mechanism, username: 'alice', password },
        } as ConstructorParameters<typeof Kafka>[0]);
      const admin = login('alice-secret').admin();
      await admin.connect();
      await createTopic(admin, `sasl-${mechanism}`);
      await admin.disconnect();
      expect(await roundTrip(login('alice-secret'), `sasl-${mechanism}`, [mechanism])).toEqual([
        mechanism,
      ]);
      const intruder = login('wrong').admin();
      await expect(intruder.connect()).rejects.toThrow(/SASL .*authentication failed/i);
    },
    60_000,
  );

  it('serves TLS with a certificate for 127.0.0.1 that its CA verifies', async () => {
    expect(broker.tlsBrokers).toHaveLength(1);
    expect(broker.tlsCaPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const kafka = new Kafka({
      clientId: 'testkit-tls-spec',
      brokers: broker.tlsBrokers,
      logLevel: logLevel.NOTHING,
      ssl: { ca: [broker.tlsCaPem] },
    });
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, 'tls-probe');
    await admin.disconnect();
    expect(await roundTrip(kafka, 'tls-probe', ['over tls'])).toEqual(['over tls']);
  }, 60_000);

  it('is refused over TLS by a client that does not trust the test CA', async () => {
    const untrusting = new Kafka({
      clientId: 'testkit-tls-spec',
      brokers: broker.tlsBrokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      ssl: true,
    }).admin();
    await expect(untrusting.connect()).rejects.toThrow(
      /self-signed certificate in certificate chain|unable to verify the first certificate/,
    );
  }, 60_000);
});

describe('startKafkaBroker failures', () => {
  let squatter: Server;
  afterEach(() => squatter?.close());

  it('fails with the broker log tail when its port is taken', async () => {
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const address = squatter.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const failure = startKafkaBroker({ port, controllerPort: await freePort() });

    await expect(failure).rejects.toThrow(OmegaError);
    await expect(failure).rejects.toThrow(/exited \(1\) before it was ready; its errors:/);
    await expect(failure).rejects.toThrow(
      new RegExp(`failed to bind to 127\\.0\\.0\\.1:${port}: Address already in use`),
    );
    await expect(failure).rejects.toThrow(/its log ends with:/);
  }, 90_000);

  it('names the missing package when there is no java', () => {
    expect(() => findJava({ PATH: '/nonexistent' })).toThrow(
      /apt-get install openjdk-17-jre-headless/,
    );
  });
});

describe('kafkaClusterId', () => {
  it('is 16 random bytes in base64url that never starts with "-" (kafka-storage would read an option)', () => {
    const ids = Array.from({ length: 20_000 }, kafkaClusterId);
    // 1 id in 64 started with '-' before: 20,000 draws would show ~310 of them.
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    for (const id of ids.slice(0, 500)) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
