#!/usr/bin/env node
// libs/bus against raw @nats-io/jetstream on the same nats-server in the same run: pipelined publish
// and durable pull consume + ack of N ~1 KiB EventBatch messages, interleaved rounds, medians.
// Two anchors: raw calls on a connection opened with nats.js defaults (what a hand-written service
// does), and raw calls on the bus's own connection (same connection options, so the difference is
// only what libs/bus does per message).
//
//   npx tsc -b libs/bus && npx node bench/bus/bench.mjs [--messages 20000] [--rounds 5]
//     [--window 256] [--size 1024] [--json]
//
// The script builds libs/proto, libs/bus and libs/testkit first (incremental, a no-op when fresh)
// unless --no-build is given, then imports their dist/ output.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    window: { type: 'string', default: '256' },
    size: { type: 'string', default: '1024' },
    batch: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const N = Number(args.messages);
const ROUNDS = Number(args.rounds);
const WINDOW = Number(args.window);
const SIZE = Number(args.size);
const BATCH = Number(args.batch);
const TARGET = 0.9;

if (!args['no-build']) {
  execFileSync(
    join(root, 'node_modules', '.bin', 'tsc'),
    ['-b', 'libs/proto', 'libs/bus', 'libs/testkit'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}

const { EventBatch, EventClass, Severity } = require('@omega/proto');
const bus_ = require('@omega/bus');
const { startNatsServer } = require('@omega/testkit');
const { connect } = require('@nats-io/transport-node');
const { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } = require('@nats-io/jetstream');
const pino = require('pino');

/** An EventBatch whose encoding is exactly `size` bytes (padding goes into the last message). */
function paddedBatch(size) {
  const make = (pad) =>
    EventBatch.fromPartial({
      sender: { id: 'spiffe://omega.local/ns/omega/sentinel/node-a', keyId: 'ab'.repeat(32) },
      sessionId: '01J9Z6W3XK7Q2M4N5P6R7S8T9V',
      sequence: 123456n,
      createdTimeNs: 1_732_000_000_000_000_000n,
      events: [0, 1, 2].map((i) => ({
        id: `01J9Z6W3XK7Q2M4N5P6R7S8T${i}A`,
        timeNs: 1_732_000_000_000_000_000n + BigInt(i),
        classUid: EventClass.EVENT_CLASS_PROCESS_ACTIVITY,
        severity: Severity.SEVERITY_INFORMATIONAL,
        node: 'node-a',
        message: i === 2 ? 'x'.repeat(pad) : `exec /usr/bin/curl by pid ${4000 + i}`,
      })),
    });
  let pad = 0;
  while (EventBatch.encode(make(pad)).finish().length < size) pad++;
  const batch = make(pad);
  return { batch, bytes: EventBatch.encode(batch).finish().length };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs publishOne(i) for i < n with at most `window` in flight; returns msgs/s. */
async function pipelined(n, window, publishOne) {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < n) await publishOne(next++);
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

const consumerConfig = (durable, subject) => ({
  durable_name: durable,
  filter_subject: subject,
  ack_policy: AckPolicy.Explicit,
  deliver_policy: DeliverPolicy.All,
  max_deliver: 6,
  ack_wait: 30_000_000_000,
  max_ack_pending: 1000,
});

async function main() {
  const server = await startNatsServer();
  const logger = pino({ level: 'warn' });
  const bus = await bus_.connectBus({ servers: server.url, name: 'bench-bus', logger });
  await bus_.provision(bus, { streams: ['TELEMETRY', 'DLQ'] });
  const rawNc = await connect({ servers: server.url, name: 'bench-raw' });
  const jsm = await jetstreamManager(rawNc);
  const { batch, bytes } = paddedBatch(SIZE);

  /** Hand-written publish and consume with @nats-io/jetstream calls on connection `nc`. */
  const raw = (nc) => {
    const js = jetstream(nc, { timeout: 5000 });
    return {
      publish: (subject) =>
        pipelined(N, WINDOW, () => js.publish(subject, EventBatch.encode(batch).finish())),
      async consume(subject, durable) {
        const start = performance.now();
        const consumer = await js.consumers.get('TELEMETRY', durable);
        const messages = await consumer.consume({ max_messages: BATCH });
        let count = 0;
        for await (const m of messages) {
          EventBatch.decode(m.data);
          m.ack();
          if (++count === N) break;
        }
        const rate = N / ((performance.now() - start) / 1000);
        await nc.flush();
        return rate;
      },
    };
  };

  const variants = {
    raw: raw(rawNc),
    rawOnBusConnection: raw(bus.nc),
    bus: {
      publish: (subject) =>
        pipelined(N, WINDOW, () => bus_.publish(bus, subject, EventBatch, batch)),
      async consume(subject, durable) {
        const start = performance.now();
        let count = 0;
        let done;
        const finished = new Promise((resolve) => (done = resolve));
        const handle = await bus_.consume(bus, {
          stream: 'TELEMETRY',
          durable,
          filterSubject: subject,
          type: EventBatch,
          batchSize: BATCH,
          handler: async () => {
            if (++count === N) done(performance.now());
            return bus_.ack();
          },
        });
        const end = await finished;
        await handle.stop();
        return N / ((end - start) / 1000);
      },
    },
  };
  const names = Object.keys(variants);

  const results = Object.fromEntries(names.map((name) => [name, { publish: [], consume: [] }]));
  // Warm-up (JIT, stream files), not counted.
  for (const name of names) {
    const subject = `omega.telemetry.warmup.${name}`;
    await jsm.consumers.add('TELEMETRY', consumerConfig(`warmup_${name}`, subject));
    await variants[name].publish(subject);
    await variants[name].consume(subject, `warmup_${name}`);
  }
  await jsm.streams.purge('TELEMETRY');
  for (let round = 1; round <= ROUNDS; round++) {
    // Rotate who goes first, so drift in machine load does not favour one variant.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const subject = `omega.telemetry.bench.${name}-${round}`;
      const durable = `bench_${name}_${round}`;
      await jsm.consumers.add('TELEMETRY', consumerConfig(durable, subject));
      results[name].publish.push(await variants[name].publish(subject));
      results[name].consume.push(await variants[name].consume(subject, durable));
    }
    await jsm.streams.purge('TELEMETRY');
    if (!args.json) process.stderr.write(`round ${round}/${ROUNDS} done\n`);
  }

  const rows = ['publish', 'consume'].map((phase) => {
    const m = Object.fromEntries(names.map((name) => [name, median(results[name][phase])]));
    return {
      phase,
      ...m,
      busVsRaw: m.bus / m.raw,
      busVsRawOnBusConnection: m.bus / m.rawOnBusConnection,
      rounds: Object.fromEntries(names.map((name) => [name, results[name][phase]])),
    };
  });
  const setting = {
    date: new Date().toISOString(),
    node: process.version,
    natsServer: server.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    messages: N,
    messageBytes: bytes,
    rounds: ROUNDS,
    publishWindow: WINDOW,
    pullBatch: BATCH,
  };

  if (args.json) {
    process.stdout.write(JSON.stringify({ setting, rows }, null, 2) + '\n');
  } else {
    const fmt = (x) => Math.round(x).toLocaleString('en-US');
    console.log(
      `\nlibs/bus vs raw @nats-io/jetstream: ${N} × ${bytes}-byte EventBatch, median of ${ROUNDS} interleaved rounds`,
    );
    console.log(
      `nats-server ${setting.natsServer}, Node ${setting.node}, ${setting.cpus} CPUs (${setting.cpuModel})\n`,
    );
    const head = [
      'phase',
      'raw',
      'raw on bus conn',
      'libs/bus',
      'bus/raw',
      'bus/raw-on-bus',
      `≥ ${TARGET}`,
    ];
    const lines = rows.map((r) => [
      r.phase === 'publish' ? `publish (window ${WINDOW})` : `consume + ack (pull ${BATCH})`,
      fmt(r.raw),
      fmt(r.rawOnBusConnection),
      fmt(r.bus),
      r.busVsRaw.toFixed(2),
      r.busVsRawOnBusConnection.toFixed(2),
      Math.min(r.busVsRaw, r.busVsRawOnBusConnection) >= TARGET ? 'ok' : 'MISSED',
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const print = (cells) =>
      console.log(
        cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   '),
      );
    console.log('msgs/s (median)');
    print(head);
    print(widths.map((w) => '-'.repeat(w)));
    lines.forEach(print);
    console.log('\nper round (msgs/s):');
    for (const r of rows) {
      for (const name of names) {
        console.log(
          `  ${r.phase.padEnd(8)} ${name.padEnd(19)} ${r.rounds[name].map(fmt).join(', ')}`,
        );
      }
    }
  }

  await bus.drain();
  await rawNc.drain();
  await server.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
