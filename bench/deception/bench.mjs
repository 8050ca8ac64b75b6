#!/usr/bin/env node
// Deception through the real services: `omega up`'s stack with trust, intelligence and deception as
// built processes (zero trust on: TLS and trust-issued identities on the bus and gRPC).
//
//   npx tsc -b tsconfig.build.json && npx node bench/deception/bench.mjs [--touches 200]
//     [--ssh-touches 20] [--seconds 5] [--in-flight 32] [--hold 600] [--decoys 10] [--days 1]
//     [--check-every 10]
//     [--only latency,absorb,false-alerts] [--opencanary ~/.cache/omega/opencanary-venv] [--no-build]
//
// - latency: from a client's connect to the alert on ALERTS naming it, one touch at a time: an
//   in-process Redis client (connect, AUTH, close) and Debian's ssh through sshpass logging in with
//   a planted credential (to the first alert and to "Honeytoken … used by"); issue #18's target:
//   p99 < 200 ms.
// - absorb: connections/s each honeypot absorbs (--in-flight clients, --seconds each), the
//   deception process's RSS before, at its peak and after, and --hold connections opened at once:
//   how many stay open (the cap). Anchors in the same run: a plain `net` echo server with as many
//   listeners, and OpenCanary (ssh, http, redis, mysql, tcpbanner) when installed in --opencanary.
// - false-alerts: the labelled scenario generator's benign traffic with decoys among its services,
//   through the rule pack and every detector (false-alerts.mjs); alerts per decoy-day (target 0).
// The load average is printed beside every figure; nothing here asserts on time.
import { Buffer } from 'node:buffer';
import { setTimeout } from 'node:timers';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, homedir, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { flood, holdOpen, PROBES, rssMiB } from './absorb.mjs';
import { openCanaryInstalled, startEcho, startOpenCanary } from './anchors.mjs';
import { falseAlerts } from './false-alerts.mjs';
import { alertWatch, measureLatency } from './latency.mjs';
import { freePort } from '../gateway/second-gateway.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(join(root, 'package.json'));
const { values: args } = parseArgs({
  options: {
    touches: { type: 'string', default: '200' },
    'ssh-touches': { type: 'string', default: '20' },
    seconds: { type: 'string', default: '5' },
    'in-flight': { type: 'string', default: '32' },
    hold: { type: 'string', default: '600' },
    decoys: { type: 'string', default: '10' },
    days: { type: 'string', default: '1' },
    'check-every': { type: 'string', default: '10' },
    only: { type: 'string', default: 'latency,absorb,false-alerts' },
    opencanary: { type: 'string', default: join(homedir(), '.cache', 'omega', 'opencanary-venv') },
    'no-build': { type: 'boolean', default: false },
  },
});
const parts = new Set(args.only.split(','));
if (!args['no-build'])
  execFileSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

const load = () => `load ${loadavg()[0].toFixed(2)}`;
const num = (v, digits = 0) =>
  v === undefined
    ? '—'
    : v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percentile = (values, q) => {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  return sorted.length === 0
    ? undefined
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const KINDS = ['ssh', 'http', 'redis', 'postgres', 'mysql'];

console.log(
  `bench/deception: ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model}), Node ${process.version}, ${load()}`,
);

if (parts.has('latency') || parts.has('absorb')) await throughServices();
if (parts.has('false-alerts')) {
  console.log(`\nFalse alerts per decoy-day (scenario generator's benign traffic, ${load()}):`);
  const lines = falseAlerts({
    root,
    decoys: Number(args.decoys),
    days: Number(args.days),
    checkEverySec: Number(args['check-every']),
  });
  for (const line of lines) console.log(`  ${line}`);
}

async function throughServices() {
  const { LocalStack } = require(join(root, 'apps', 'cli', 'dist', 'local-stack.js'));
  const { operatorBusOptions, operatorChannelCredentials } = require(
    join(root, 'apps', 'cli', 'dist', 'operator-identity.js'),
  );
  const { Alert, DeceptionServiceClient, DecoyKind, HoneytokenKind } = require('@omega/proto');
  const { createPromiseClient } = require('@omega/runtime');
  const { connectBus } = require('@omega/bus');
  const { DeliverPolicy } = require('@nats-io/jetstream');
  const pino = require('pino');

  const dataDir = mkdtempSync(join(tmpdir(), 'omega-bench-deception-'));
  const output = [];
  const stack = new LocalStack({
    root,
    stateDir: dataDir,
    portOffset: 1000 + Math.floor(Math.random() * 1900),
    services: ['trust', 'intelligence', 'deception'],
    out: (line) => output.push(line),
    readyTimeoutMs: 90_000,
    nodeBin: process.execPath,
  });
  const cleanups = [() => rmSync(dataDir, { recursive: true, force: true }), () => stack.stop()];
  // A failure in a socket's handler must not leave the stack's processes behind.
  process.once('uncaughtException', async (err) => {
    console.error(err);
    await stack.stop().catch(() => undefined);
    process.exit(1);
  });
  try {
    await stack.start();
    const operator = await stack.operatorFiles();
    const bus = await connectBus({
      servers: stack.natsUrl,
      name: 'bench-deception',
      logger: pino({ level: 'silent' }),
      natsOptions: operatorBusOptions(operator),
    });
    cleanups.push(() => bus.drain());
    const deception = createPromiseClient(
      DeceptionServiceClient,
      `127.0.0.1:${stack.portsOf('deception').grpcPort}`,
      { credentials: operatorChannelCredentials(operator, 'deception'), timeoutMs: 20_000 },
    );
    cleanups.push(() => deception.close());
    const deceptionPid = stack.status().find((r) => r.name === 'deception').pid;

    const minted = await deception.mintHoneytoken({
      kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
      name: 'svc-backup',
      namespace: 'bench',
      placement: 'env of deploy/legacy-api',
      labels: {},
      plant: false,
      ttlSeconds: 0,
      requestId: '',
    });
    const ports = {};
    for (const kind of KINDS) {
      ports[kind] = await freePort();
      await deception.deployDecoy({
        spec: {
          kind: DecoyKind[`DECOY_KIND_${kind.toUpperCase()}`],
          name: `${kind}-bench`,
          namespace: 'bench',
          port: ports[kind],
          labels: {},
          banner: '',
          honeytokenIds: kind === 'ssh' ? [minted.honeytoken.id] : [],
          ttlSeconds: 0,
        },
        dryRun: false,
        requestId: '',
      });
    }
    console.log(
      `stack up (nats-server, trust, intelligence, deception; zero trust on); decoys ${KINDS.map((k) => `${k} :${ports[k]}`).join(', ')}; deception RSS ${num(rssMiB(deceptionPid), 1)} MiB`,
    );

    if (parts.has('latency')) {
      const watch = await alertWatch(bus, Alert, DeliverPolicy);
      cleanups.push(() => watch.stop());
      const touches = Number(args.touches);
      const sshTouches = Number(args['ssh-touches']);
      const l = await measureLatency({
        watch,
        redisPort: ports.redis,
        sshPort: ports.ssh,
        credential: { user: minted.secretId, password: minted.secretValue },
        touches,
        sshTouches,
      });
      const row = (what, values) => {
        const missing = values.filter((v) => v === undefined).length;
        const p99 = percentile(values, 0.99);
        return `  ${what.padEnd(58)} p50 ${num(percentile(values, 0.5), 1).padStart(7)} ms  p99 ${num(p99, 1).padStart(7)} ms  max ${num(percentile(values, 1), 1).padStart(7)} ms${missing ? `  (${missing} without alert in 10 s)` : ''}  target p99 < 200 ms: ${p99 !== undefined && p99 < 200 && missing === 0 ? 'met' : 'missed'}`;
      };
      console.log(`\nTouch → alert on ALERTS, one touch at a time (${load()}):`);
      console.log(row(`redis AUTH, in-process client (${touches} touches)`, l.redis));
      console.log(row(`ssh + sshpass, first alert (${sshTouches} logins)`, l.ssh));
      console.log(row(`ssh + sshpass, "Honeytoken … used by" (${sshTouches} logins)`, l.sshToken));
      console.log(row(`  of which from the password's check to that alert`, l.sshTokenSinceUse));
      console.log(
        `  (the ssh client itself: connect to exit of \`ssh … id\` p50 ${num(percentile(l.sshLogin, 0.5), 1)} ms; ${l.sshLogin.filter((v) => v === undefined).length} failed logins)`,
      );
    }

    if (parts.has('absorb')) {
      const metrics = `http://127.0.0.1:${stack.portsOf('deception').httpPort}/metrics`;
      await absorb({ ports, deceptionPid, metrics });
    }
  } catch (err) {
    console.error(output.slice(-40).join('\n'));
    throw err;
  } finally {
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch(() => undefined);
  }
}

/**
 * Deception's V8 heap (used / total) and external memory (Buffers, native objects held from JS)
 * from its /metrics, to tell what grows when its RSS does.
 */
async function heapOf(metrics) {
  try {
    const text = await (await globalThis.fetch(metrics)).text();
    const read = (name) =>
      Number(new RegExp(`^\\w*nodejs_${name} (\\S+)$`, 'm').exec(text)?.[1]) / 1024 / 1024;
    return `heap used ${num(read('heap_size_used_bytes'), 1)} of ${num(read('heap_size_total_bytes'), 1)} MiB, external ${num(read('external_memory_bytes'), 1)} MiB`;
  } catch (err) {
    return `heap: ${err.message}`;
  }
}

async function absorb({ ports, deceptionPid, metrics }) {
  const seconds = Number(args.seconds);
  const inFlight = Number(args['in-flight']);
  const hold = Number(args.hold);
  const echoPorts = Object.fromEntries(
    await Promise.all(KINDS.map(async (k) => [k, await freePort()])),
  );
  const echo = await startEcho(Object.values(echoPorts));
  let canary;
  const canaryKinds = ['ssh', 'http', 'redis', 'mysql', 'banner'];
  if (openCanaryInstalled(args.opencanary)) {
    const canaryPorts = Object.fromEntries(
      await Promise.all(canaryKinds.map(async (k) => [k, await freePort()])),
    );
    canary = { ports: canaryPorts, ...(await startOpenCanary(args.opencanary, canaryPorts)) };
  } else {
    console.log(`\n(OpenCanary not installed in ${args.opencanary}: only the echo anchor)`);
  }
  process.once('exit', () => {
    echo.stop();
    canary?.stop();
  });
  try {
    console.log(
      `\ndeception before the floods: RSS ${num(rssMiB(deceptionPid), 1)} MiB, ${await heapOf(metrics)}`,
    );
    console.log(
      `\nConnections/s absorbed, ${inFlight} clients at a time, ${seconds} s each (connect, the protocol's first bytes, close at the first reply); RSS MiB before / peak / 1 s after:`,
    );
    const line = (who, kind, r) =>
      `  ${kind.padEnd(9)} ${who.padEnd(11)} ${num(r.perSecond).padStart(7)} conn/s  RSS ${num(r.before, 1)} / ${num(r.peak, 1)} / ${num(r.after, 1)}` +
      `  (answered ${r.counts.answered}, closed ${r.counts.closed}, errors ${r.counts.error}, timeouts ${r.counts.timeout})  ${load()}`;
    for (const kind of [...KINDS, 'banner']) {
      if (kind !== 'banner') {
        const r = await flood({
          port: ports[kind],
          probe: PROBES[kind],
          pid: deceptionPid,
          seconds,
          inFlight,
        });
        console.log(line('omega', kind, r));
      } else {
        console.log(
          `  ${kind.padEnd(9)} ${'omega'.padEnd(11)} — (no banner decoy kind in deception yet)`,
        );
      }
      if (canary?.ports[kind] !== undefined) {
        const r = await flood({
          port: canary.ports[kind],
          probe: PROBES[kind],
          pid: canary.pid,
          seconds,
          inFlight,
        });
        console.log(line('OpenCanary', kind, r));
      }
      const echoPort = echoPorts[kind] ?? echoPorts.redis;
      const probe = PROBES[kind].length > 0 ? PROBES[kind] : Buffer.from('\n');
      console.log(
        line(
          'net echo',
          kind,
          await flood({ port: echoPort, probe, pid: echo.pid, seconds, inFlight }),
        ),
      );
    }
    console.log(
      `\n${hold} connections opened at once and kept idle: how many stay open after 1.5 s, RSS MiB before / while held:`,
    );
    const idle = Buffer.alloc(0);
    for (const kind of KINDS) {
      const targets = [
        ['omega', ports[kind], deceptionPid],
        ...(canary?.ports[kind] !== undefined
          ? [['OpenCanary', canary.ports[kind], canary.pid]]
          : []),
        ['net echo', echoPorts[kind], echo.pid],
      ];
      for (const [who, port, pid] of targets) {
        const r = await holdOpen({ port, probe: idle, pid, hold });
        console.log(
          `  ${kind.padEnd(9)} ${who.padEnd(11)} ${String(r.open).padStart(4)} open, ${String(r.closedByServer).padStart(4)} closed by the server${r.pending ? `, ${r.pending} still connecting` : ''}  RSS ${num(r.before, 1)} / ${num(r.during, 1)}  ${load()}`,
        );
      }
    }
    if (canary) console.log(`\n(OpenCanary logged ${canary.logLines()} events meanwhile)`);
    const after = `RSS ${num(rssMiB(deceptionPid), 1)} MiB, ${await heapOf(metrics)}`;
    await new Promise((r) => setTimeout(r, 15_000));
    const settled = `RSS ${num(rssMiB(deceptionPid), 1)} MiB, ${await heapOf(metrics)}`;
    console.log(`\ndeception after the floods: ${after}; 15 s later: ${settled}  ${load()}`);
  } finally {
    echo.stop();
    canary?.stop();
  }
}
