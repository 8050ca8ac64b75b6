// The prober of bench/hostile, in its own process so that the attacker's work (serializing 100 MB,
// opening 20,000 sockets) never delays a probe: every 50 ms it asks one service for /healthz over a
// fresh HTTP connection and for grpc.health.v1 Check over a fresh gRPC connection (as the kubelet's
// httpGet and grpc probes do), and reads the service's resident memory from /proc/<pid>/status.
//
// Driven over IPC: { cmd: 'start', httpPort, grpcPort, pid } begins a window (and resets the
// kernel's peak-RSS mark through /proc/<pid>/clear_refs when allowed), { cmd: 'stop' } ends it and
// answers { http, grpc, rss } with latencies, failures and memory over the window.
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'package.json'));
const grpc = require('@grpc/grpc-js');
const { grpcHealthDefinition } = require('@omega/runtime');

const INTERVAL_MS = 50;
const TIMEOUT_MS = 2_000;
const grpcCodeName = (code) =>
  Object.entries(grpc.status).find(([, v]) => v === code)?.[0] ?? String(code);
const HealthClient = grpc.makeGenericClientConstructor(grpcHealthDefinition, 'Health');

/** Milliseconds one GET /healthz takes on a new connection; throws with what went wrong. */
function httpHealth(port) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      { host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: TIMEOUT_MS },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(performance.now() - started)
            : reject(new Error(`/healthz answered HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`/healthz: no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Milliseconds one grpc.health.v1 Check takes on a new connection; throws unless SERVING. */
function grpcHealth(port) {
  const client = new HealthClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    // A fresh connection per probe, as a kubelet grpc probe makes.
    'grpc.use_local_subchannel_pool': 1,
  });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    client.Check({ service: '' }, { deadline: Date.now() + TIMEOUT_MS }, (err, res) => {
      client.close();
      if (err)
        reject(
          new Error(
            `grpc health Check: ${grpcCodeName(err.code)} ${err.details.replace(/ \(\d{4}-[^)]*\)\. Resolution note: ?$/, '')}`,
          ),
        );
      else if (res.status !== 'SERVING' && res.status !== 1)
        reject(new Error(`grpc health Check: status ${res.status}`));
      else resolve(performance.now() - started);
    });
  });
}

function rssKiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return { rss: rss ? Number(rss[1]) : NaN, hwm: hwm ? Number(hwm[1]) : NaN };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

/** CPU milliseconds (user + system) the process has used since it started. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

function summary(samples) {
  const ok = samples.filter((s) => s.ms !== undefined).map((s) => s.ms);
  ok.sort((a, b) => a - b);
  const failures = samples.filter((s) => s.error !== undefined);
  return {
    probes: samples.length,
    failures: failures.length,
    firstError: failures[0]?.error,
    worstMs: ok.length > 0 ? ok[ok.length - 1] : undefined,
    p99Ms: ok.length > 0 ? ok[Math.min(ok.length - 1, Math.floor(0.99 * ok.length))] : undefined,
    p50Ms: ok.length > 0 ? ok[Math.floor(0.5 * ok.length)] : undefined,
  };
}

let window;

async function loop(w, probe, samples) {
  while (w.running) {
    const next = performance.now() + INTERVAL_MS;
    try {
      samples.push({ ms: await probe() });
    } catch (err) {
      // A failed probe counts as a failure, not as a latency.
      samples.push({ error: err instanceof Error ? err.message : String(err) });
    }
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

process.on('message', async (msg) => {
  if (msg.cmd === 'start') {
    let hwmReset = true;
    try {
      // "5" resets the peak resident set size (VmHWM) to the current one (proc(5)).
      writeFileSync(`/proc/${msg.pid}/clear_refs`, '5');
    } catch {
      hwmReset = false;
    }
    const w = {
      running: true,
      http: [],
      grpc: [],
      rss: [],
      hwmReset,
      pid: msg.pid,
      rssStartKiB: rssKiB(msg.pid).rss,
      cpuStartMs: cpuMs(msg.pid),
      startedMs: performance.now(),
    };
    w.done = Promise.all([
      loop(w, () => httpHealth(msg.httpPort), w.http),
      loop(w, () => grpcHealth(msg.grpcPort), w.grpc),
      loop(w, async () => rssKiB(msg.pid).rss, w.rss),
    ]);
    window = w;
    process.send({ started: true });
  } else if (msg.cmd === 'stop') {
    const w = window;
    w.running = false;
    await w.done;
    const rssSamples = w.rss.filter((s) => s.ms !== undefined && !Number.isNaN(s.ms));
    const { hwm } = rssKiB(w.pid);
    process.send({
      http: summary(w.http),
      grpc: summary(w.grpc),
      cpu: { serviceMs: cpuMs(w.pid) - w.cpuStartMs, windowMs: performance.now() - w.startedMs },
      rss: {
        startKiB: w.rssStartKiB,
        peakSampledKiB: Math.max(...rssSamples.map((s) => s.ms)),
        // The kernel's own peak since the window began (or since start when it could not be reset).
        peakKernelKiB: hwm,
        kernelPeakSinceWindow: w.hwmReset,
      },
    });
  } else if (msg.cmd === 'exit') {
    process.exit(0);
  }
});
