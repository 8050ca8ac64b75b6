// Touch to alert: from a client's connect to a decoy to the alert on ALERTS naming that client.
// Every touch comes from an address of its own (127.1.x.y for the in-process client, 127.2.x.y for
// Debian's ssh): intelligence keeps one alert per (rule, source) a minute, so a touch from an
// address already alerted on would raise none, and each source's first alert is the touch's.
import { setTimeout } from 'node:timers';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Follows ALERTS from now on; `waitFor(ip)` resolves at the first alert naming ip:<ip>. */
export async function alertWatch(bus, Alert, DeliverPolicy) {
  const consumer = await bus.js.consumers.get('ALERTS', {
    filter_subjects: ['omega.alerts.>'],
    deliver_policy: DeliverPolicy.New,
  });
  const messages = await consumer.consume();
  const seen = new Map(); // ip -> [{ at, title }]
  const waiting = new Map(); // `${ip}|${prefix}` -> resolve
  void (async () => {
    for await (const msg of messages) {
      const at = performance.now();
      const alert = Alert.decode(msg.data);
      const ip = /ip:(\d+\.\d+\.\d+\.\d+)/.exec(alert.title)?.[1];
      if (ip === undefined) continue;
      const list = seen.get(ip) ?? [];
      // The alert's time is its interaction's, recorded by deception on this machine's clock.
      const sinceEventMs = Date.now() - Number(alert.timeNs / 1_000_000n);
      const hit = { at, sinceEventMs, title: alert.title };
      list.push(hit);
      seen.set(ip, list);
      for (const [key, resolve] of [...waiting]) {
        const [wantIp, prefix] = key.split('|');
        if (wantIp === ip && alert.title.startsWith(prefix)) {
          waiting.delete(key);
          resolve(hit);
        }
      }
    }
  })();
  return {
    /** The first alert naming `ip` whose title starts with `prefix` ('' for any): its arrival. */
    waitFor(ip, prefix = '', timeoutMs = 10_000) {
      const hit = (seen.get(ip) ?? []).find((a) => a.title.startsWith(prefix));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve) => {
        const key = `${ip}|${prefix}`;
        waiting.set(key, resolve);
        setTimeout(() => {
          if (waiting.delete(key)) resolve(undefined);
        }, timeoutMs);
      });
    },
    stop: () => messages.stop(),
  };
}

/** One Redis login attempt from `source`: connect, AUTH, read the reply, close. */
function redisTouch(port, source, user) {
  return new Promise((done, fail) => {
    const s = connect({ port, host: '127.0.0.1', localAddress: source });
    s.once('connect', () => s.write(`AUTH ${user} not-the-password\r\n`));
    s.once('data', () => (s.destroy(), done()));
    s.once('error', fail);
    s.setTimeout(
      5_000,
      () => (s.destroy(), fail(new Error(`redis touch from ${source}: timeout`))),
    );
  });
}

/** Debian's ssh through sshpass from `source`, running `id`; resolves with its exit code. */
export function sshTouch(port, source, user, password, command = 'id') {
  return new Promise((done) => {
    execFile(
      'sshpass',
      [
        '-p',
        password,
        'ssh',
        '-F',
        '/dev/null',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'LogLevel=ERROR',
        '-o',
        'PreferredAuthentications=password',
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'NumberOfPasswordPrompts=1',
        ...(source ? ['-b', source] : []),
        '-p',
        String(port),
        `${user}@127.0.0.1`,
        command,
      ],
      { timeout: 30_000 },
      (err, stdout) => done({ code: err ? Number(err.code ?? 1) : 0, stdout }),
    );
  });
}

const sourceOf = (net, i) => `127.${net}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/**
 * `touches` Redis login attempts and `sshTouches` ssh logins with the honeytoken credential, one at
 * a time; latencies in ms (undefined: no alert within 10 s).
 */
export async function measureLatency({
  watch,
  redisPort,
  sshPort,
  credential,
  touches,
  sshTouches,
  pause = 20,
}) {
  const redis = [];
  for (let i = 0; i < touches; i++) {
    const source = sourceOf(1, i);
    const t0 = performance.now();
    await redisTouch(redisPort, source, `bench-${i}`);
    const hit = await watch.waitFor(source);
    redis.push(hit === undefined ? undefined : hit.at - t0);
    await sleep(pause);
  }
  const ssh = [];
  const sshToken = [];
  const sshLogin = [];
  const sshTokenSinceUse = [];
  for (let i = 0; i < sshTouches; i++) {
    const source = sourceOf(2, i);
    const t0 = performance.now();
    const first = watch.waitFor(source, '', 30_000);
    const token = watch.waitFor(source, 'Honeytoken ', 30_000);
    const { code } = await sshTouch(sshPort, source, credential.user, credential.password);
    sshLogin.push(code === 0 ? performance.now() - t0 : undefined);
    const [a, b] = await Promise.all([first, token]);
    ssh.push(a === undefined ? undefined : a.at - t0);
    sshToken.push(b === undefined ? undefined : b.at - t0);
    sshTokenSinceUse.push(b?.sinceEventMs);
    await sleep(pause);
  }
  return { redis, ssh, sshToken, sshTokenSinceUse, sshLogin };
}
