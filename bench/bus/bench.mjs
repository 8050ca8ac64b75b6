#!/usr/bin/env node
// libs/bus against raw @nats-io/jetstream on the same nats-server in the same run: pipelined publish
// and durable pull consume + ack of N ~1 KiB EventBatch messages, interleaved rounds, medians.
// Over 400 lines on purpose: one driver whose variants share the servers, the batch and the rounds.
// Two anchors: raw calls on a connection opened with nats.js defaults (what a hand-written service
// does), and raw calls on the bus's own connection (same connection options, so the difference is
// only what libs/bus does per message). With zero trust (the default, `--zero-trust compare`) the
// libs/bus variant also runs on a second nats-server with TLS and NATS auth on (trust's bus setup,
// trust answering the authorization callout, enrolled identities), interleaved with the others.
//
//   npx tsc -b libs/bus && npx node bench/bus/bench.mjs [--messages 20000] [--rounds 5]
//     [--window 256] [--size 1024] [--zero-trust compare|plain|secure] [--json]
//
// The script builds libs/proto, libs/bus and libs/testkit first (incremental, a no-op when fresh)
// unless --no-build is given, then imports their dist/ output.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { cpuSecondsOf, startZeroTrust, zeroTrustCost, zeroTrustModes } from '../zero-trust.mjs';

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
    // plain: the plaintext server only; secure: libs/bus on the zero-trust server only; compare: both.
    'zero-trust': { type: 'string', default: 'compare' },
    // Where zero trust's cost is: also libs/bus on a third server with the same TLS (client
    // certificates required) and no NATS auth, so TLS and authorization can be told apart.
    'tls-only': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const N = Number(args.messages);
const ROUNDS = Number(args.rounds);
const WINDOW = Number(args.window);
const SIZE = Number(args.size);
const BATCH = Number(args.batch);
const TARGET = 0.9;
/** Issue 16: zero trust may cost at most 15% of throughput. */
const ZERO_TRUST_TARGET = 0.85;
const MODES = zeroTrustModes(args['zero-trust']);

if (!args['no-build']) {
  execFileSync(
    join(root, 'node_modules', '.bin', 'tsc'),
    ['-b', 'libs/proto', 'libs/bus', 'libs/testkit', 'libs/trust-client', 'apps/trust'],
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

/** Hand-written publish and consume with @nats-io/jetstream calls on connection `nc`. */
function rawVariant(nc, batch) {
  const js = jetstream(nc, { timeout: 5000 });
  return {
    jsm: () => jetstreamManager(nc),
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
}

/**
 * libs/bus: `publisher` publishes, `consumer` reads with a durable pull consumer. On the plaintext
 * server both are one connection; on the zero-trust server a sentinel publishes and intelligence
 * consumes, each with its own certificate and permissions, as in a deployment.
 */
function busVariant(publisher, consumer, batch) {
  return {
    jsm: async () => consumer.jsm,
    publish: (subject) =>
      pipelined(N, WINDOW, () => bus_.publish(publisher, subject, EventBatch, batch)),
    async consume(subject, durable) {
      const start = performance.now();
      let count = 0;
      let done;
      const finished = new Promise((resolve) => (done = resolve));
      const handle = await bus_.consume(consumer, {
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
  };
}

/** The sentinel that publishes (its own node's telemetry subjects) and the service that reads. */
const SENTINEL = 'sentinel/bench-node';
const READER = 'service/intelligence';

async function main() {
  const logger = pino({ level: 'warn' });
  const { batch, bytes } = paddedBatch(SIZE);
  const variants = {};
  const closers = [];
  /** Opens one more connection to each server, for the connect-time measure. */
  const connects = {};
  let natsVersion = '';
  if (MODES.includes('plain')) {
    const server = await startNatsServer();
    natsVersion = server.version;
    const bus = await bus_.connectBus({ servers: server.url, name: 'bench-bus', logger });
    await bus_.provision(bus, { streams: ['TELEMETRY', 'DLQ'] });
    const rawNc = await connect({ servers: server.url, name: 'bench-raw' });
    variants.raw = { ...rawVariant(rawNc, batch), serverPid: server.pid };
    variants.rawOnBusConnection = { ...rawVariant(bus.nc, batch), serverPid: server.pid };
    variants.bus = { ...busVariant(bus, bus, batch), serverPid: server.pid };
    connects.plain = () => connect({ servers: server.url, name: 'bench-connect' });
    closers.push(
      () => bus.drain(),
      () => rawNc.drain(),
      () => server.stop(),
    );
  }
  if (MODES.includes('secure')) {
    const zeroTrust = await startZeroTrust({ identities: [SENTINEL, READER] });
    natsVersion = zeroTrust.nats.version;
    const sentinelCredentials = await zeroTrust.enroll(SENTINEL);
    const sentinel = await zeroTrust.connectBus(SENTINEL, sentinelCredentials, { logger });
    await bus_.provision(sentinel, { streams: ['TELEMETRY', 'DLQ'] });
    const reader = await zeroTrust.connectBus(READER, await zeroTrust.enroll(READER), { logger });
    variants.busZeroTrust = {
      ...busVariant(sentinel, reader, batch),
      serverPid: zeroTrust.nats.pid,
    };
    connects.zeroTrust = () =>
      connect({
        servers: zeroTrust.nats.url,
        name: 'bench-connect',
        ...zeroTrust.natsOptions(SENTINEL, sentinelCredentials),
      });
    if (args['tls-only']) {
      const dir = mkdtempSync(join(tmpdir(), 'omega-bench-bus-tls-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'tls.conf'), zeroTrust.tlsOnlyConfig());
      const server = await startNatsServer({ args: ['-c', join(dir, 'tls.conf')] });
      const tls = {
        ca: zeroTrust.caPem,
        cert: sentinelCredentials.certificateChainPem,
        key: sentinelCredentials.tlsPrivateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      };
      const bus = await bus_.connectBus({
        servers: server.url,
        name: 'bench-bus-tls',
        logger,
        natsOptions: { tls },
      });
      await bus_.provision(bus, { streams: ['TELEMETRY', 'DLQ'] });
      variants.busTlsOnly = { ...busVariant(bus, bus, batch), serverPid: server.pid };
      connects.tlsOnly = () => connect({ servers: server.url, name: 'bench-connect', tls });
      closers.push(
        () => bus.drain(),
        () => server.stop(),
      );
    }
    closers.push(
      () => sentinel.drain(),
      () => reader.drain(),
      () => zeroTrust.stop(),
    );
  }
  const names = Object.keys(variants);

  // Connection set-up, paid once per connection and outside the rates above: TCP, then the TLS
  // 1.3 handshake (client certificate verified), then on the zero-trust server the authorization
  // callout (the server asks trust, which checks the certificate and signs a user JWT).
  const connectMs = {};
  for (const [name, open] of Object.entries(connects)) {
    const times = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      const nc = await open();
      times.push(performance.now() - t0);
      await nc.close();
    }
    connectMs[name] = median(times.slice(1));
  }
  const purge = async () => {
    // The zero-trust server refuses purges to every identity (docs/bus-permissions.md): when it
    // runs, neither server's stream is purged, so both stores grow alike.
    if (!MODES.includes('secure')) await (await variants.raw.jsm()).streams.purge('TELEMETRY');
  };
  // Subjects a sentinel on node `bench-node` may publish to: omega.telemetry.<kind>.bench-node.
  const subjectOf = (tag) => `omega.telemetry.${tag}.bench-node`;

  const results = Object.fromEntries(
    names.map((name) => [name, { publish: [], consume: [], publishCpu: [], consumeCpu: [] }]),
  );
  // CPU per message of this process (the clients) and of the variant's nats-server, beside the
  // rate: on a shared machine it shows where a variant's extra work is, whatever the load.
  const measured = async (name, phase, run) => {
    const client0 = process.cpuUsage();
    const server0 = cpuSecondsOf(variants[name].serverPid);
    results[name][phase].push(await run());
    const client = process.cpuUsage(client0);
    const server = cpuSecondsOf(variants[name].serverPid) - server0;
    results[name][`${phase}Cpu`].push({
      clientUs: (client.user + client.system) / N,
      serverUs: (server * 1e6) / N,
    });
  };
  // Warm-up (JIT, stream files, TLS sessions), not counted.
  for (const name of names) {
    const subject = subjectOf(`warmup-${name}`);
    const jsm = await variants[name].jsm();
    await jsm.consumers.add('TELEMETRY', consumerConfig(`warmup_${name}`, subject));
    await variants[name].publish(subject);
    await variants[name].consume(subject, `warmup_${name}`);
  }
  await purge();
  for (let round = 1; round <= ROUNDS; round++) {
    // Rotate who goes first, so drift in machine load does not favour one variant.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const subject = subjectOf(`${name}-${round}`);
      const durable = `bench_${name}_${round}`;
      const jsm = await variants[name].jsm();
      await jsm.consumers.add('TELEMETRY', consumerConfig(durable, subject));
      await measured(name, 'publish', () => variants[name].publish(subject));
      await measured(name, 'consume', () => variants[name].consume(subject, durable));
    }
    await purge();
    if (!args.json)
      process.stderr.write(`round ${round}/${ROUNDS} done (load ${loadavg()[0].toFixed(2)})\n`);
  }

  const rows = ['publish', 'consume'].map((phase) => {
    const m = Object.fromEntries(names.map((name) => [name, median(results[name][phase])]));
    return {
      phase,
      ...m,
      ...(m.bus !== undefined
        ? { busVsRaw: m.bus / m.raw, busVsRawOnBusConnection: m.bus / m.rawOnBusConnection }
        : {}),
      ...(m.bus !== undefined && m.busZeroTrust !== undefined
        ? { zeroTrustVsPlain: m.busZeroTrust / m.bus }
        : {}),
      rounds: Object.fromEntries(names.map((name) => [name, results[name][phase]])),
      cpuUsPerMessage: Object.fromEntries(
        names.map((name) => [
          name,
          {
            client: median(results[name][`${phase}Cpu`].map((c) => c.clientUs)),
            server: median(results[name][`${phase}Cpu`].map((c) => c.serverUs)),
          },
        ]),
      ),
    };
  });
  const setting = {
    date: new Date().toISOString(),
    node: process.version,
    natsServer: natsVersion,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    zeroTrust: args['zero-trust'],
    messages: N,
    messageBytes: bytes,
    rounds: ROUNDS,
    publishWindow: WINDOW,
    pullBatch: BATCH,
  };

  if (args.json) {
    process.stdout.write(JSON.stringify({ setting, rows, connectMs }, null, 2) + '\n');
  } else {
    printTables(setting, rows, names);
    console.log(
      `\nconnect (TCP + TLS handshake + authorization until the first PONG), median of 20: ${Object.entries(
        connectMs,
      )
        .map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`)
        .join(', ')}`,
    );
  }
  for (const close of closers) await close();
}

function printTables(setting, rows, names) {
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  const phaseName = (r) =>
    r.phase === 'publish' ? `publish (window ${WINDOW})` : `consume + ack (pull ${BATCH})`;
  const table = (head, lines) => {
    const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const print = (cells) =>
      console.log(
        cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   '),
      );
    print(head);
    print(widths.map((w) => '-'.repeat(w)));
    lines.forEach(print);
  };
  console.log(
    `\nlibs/bus vs raw @nats-io/jetstream: ${N} × ${setting.messageBytes}-byte EventBatch, median of ${ROUNDS} interleaved rounds`,
  );
  console.log(
    `nats-server ${setting.natsServer}, Node ${setting.node}, ${setting.cpus} CPUs (${setting.cpuModel}), load ${setting.load}\n`,
  );
  if (names.includes('bus')) {
    console.log('msgs/s (median), plaintext server');
    table(
      ['phase', 'raw', 'raw on bus conn', 'libs/bus', 'bus/raw', 'bus/raw-on-bus', `≥ ${TARGET}`],
      rows.map((r) => [
        phaseName(r),
        fmt(r.raw),
        fmt(r.rawOnBusConnection),
        fmt(r.bus),
        r.busVsRaw.toFixed(2),
        r.busVsRawOnBusConnection.toFixed(2),
        Math.min(r.busVsRaw, r.busVsRawOnBusConnection) >= TARGET ? 'ok' : 'MISSED',
      ]),
    );
  }
  if (names.includes('busZeroTrust')) {
    console.log(
      '\nmsgs/s (median), libs/bus with TLS 1.3 + NATS auth (client certificates from trust, ' +
        'authorization callout, per-identity permissions; sentinel publishes, intelligence consumes)',
    );
    const compared = names.includes('bus');
    const tlsOnly = names.includes('busTlsOnly');
    table(
      [
        'phase',
        ...(compared ? ['plaintext'] : []),
        ...(tlsOnly ? ['TLS only'] : []),
        'zero trust',
        ...(compared ? ['zero-trust cost', '≤ 15%'] : []),
      ],
      rows.map((r) => [
        phaseName(r),
        ...(compared ? [fmt(r.bus)] : []),
        ...(tlsOnly ? [fmt(r.busTlsOnly)] : []),
        fmt(r.busZeroTrust),
        ...(compared
          ? [
              zeroTrustCost(r.bus, r.busZeroTrust),
              r.zeroTrustVsPlain >= ZERO_TRUST_TARGET ? 'ok' : 'MISSED',
            ]
          : []),
      ]),
    );
  }
  console.log('\nCPU µs per message, median (this process = the clients / nats-server):');
  for (const r of rows) {
    console.log(
      `  ${r.phase.padEnd(8)} ${names
        .map((name) => {
          const c = r.cpuUsPerMessage[name];
          return `${name} ${c.client.toFixed(1)} / ${c.server.toFixed(1)}`;
        })
        .join('; ')}`,
    );
  }
  console.log('\nper round (msgs/s):');
  for (const r of rows) {
    for (const name of names) {
      console.log(
        `  ${r.phase.padEnd(8)} ${name.padEnd(19)} ${r.rounds[name].map(fmt).join(', ')}`,
      );
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
