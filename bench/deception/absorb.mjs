// Connection floods: connections/s a listener absorbs with `inFlight` clients connecting at once,
// each sending its protocol's first bytes and closing at the server's first reply (or its close),
// the process's RSS before, at its peak and after; then `hold` connections opened together and
// kept, to read how many the listener keeps open (its connection cap) and its RSS meanwhile.
import { Buffer } from 'node:buffer';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/** The first bytes a client of each kind sends (the server speaks first on ssh and mysql). */
export const PROBES = {
  ssh: Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'),
  http: Buffer.from('GET / HTTP/1.1\r\nHost: decoy\r\nConnection: close\r\n\r\n'),
  redis: Buffer.from('PING\r\n'),
  // PostgreSQL's SSLRequest: length 8, code 80877103.
  postgres: Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]),
  mysql: Buffer.alloc(0),
  // OpenCanary's tcpbanner answers a client's first line.
  banner: Buffer.from('\r\n'),
};

export function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line)[1]) / 1024;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One connection: connect, send `probe` (a newline when empty and `echo`), close at the reply. */
function once(port, probe) {
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1');
    let finished = false;
    const end = (outcome) => {
      if (finished) return;
      finished = true;
      s.destroy();
      done(outcome);
    };
    s.once('connect', () => {
      if (probe.length > 0) s.write(probe);
    });
    s.once('data', () => end('answered'));
    s.once('close', () => end('closed'));
    s.once('error', () => end('error'));
    s.setTimeout(3_000, () => end('timeout'));
  });
}

export async function flood({ port, probe, pid, seconds, inFlight }) {
  const counts = { answered: 0, closed: 0, error: 0, timeout: 0 };
  const before = rssMiB(pid);
  let peak = before;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid));
    } catch {
      /* exited: reported by the caller */
    }
  }, 100);
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) counts[await once(port, probe)]++;
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await sleep(1_000);
  const after = rssMiB(pid);
  const total = counts.answered + counts.closed;
  return { perSecond: total / elapsed, counts, before, peak: Math.max(peak, after), after };
}

/** Opens `hold` connections at once and keeps them; how many are still open after `waitMs`. */
export async function holdOpen({ port, probe, pid, hold, waitMs = 1_500 }) {
  const sockets = [];
  const closed = new Set();
  let pending = 0;
  const before = rssMiB(pid);
  await Promise.all(
    Array.from(
      { length: hold },
      () =>
        new Promise((done) => {
          const s = connect(port, '127.0.0.1');
          s.on('data', () => undefined);
          s.once('connect', () => {
            if (probe.length > 0) s.write(probe);
            done();
          });
          s.once('close', () => {
            closed.add(s);
            done();
          });
          // A connect the listener's backlog left pending is counted as not open.
          setTimeout(() => {
            if (s.connecting) pending++;
            done();
          }, 5_000).unref();
          s.on('error', () => undefined);
          sockets.push(s);
        }),
    ),
  );
  await sleep(waitMs);
  const open = sockets.filter((s) => !closed.has(s) && !s.connecting).length;
  const during = rssMiB(pid);
  const closedByServer = closed.size;
  for (const s of sockets) s.destroy();
  await sleep(500);
  return { open, closedByServer, pending, before, during };
}
