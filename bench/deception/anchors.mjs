// The anchors of the connection flood, each a process of its own whose RSS is read like the
// deception service's: a plain `net` echo server with as many listeners as the bench deploys
// decoys, and OpenCanary (its ssh, http, redis, mysql and tcpbanner modules) when it is installed in
// a virtualenv (--opencanary DIR, default ~/.cache/omega/opencanary-venv: `python3 -m venv DIR &&
// DIR/bin/pip install opencanary`).
import { setTimeout } from 'node:timers';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';

const ECHO = `
const net = require('node:net');
const ports = JSON.parse(process.argv[1]);
let ready = 0;
for (const port of ports) {
  net.createServer((s) => { s.on('error', () => {}); s.pipe(s); })
    .listen(port, '127.0.0.1', () => { if (++ready === ports.length) process.send('ready'); });
}
`;

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function listening(port, child, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await new Promise((done) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), done(true)));
      s.once('error', () => done(false));
    });
    if (up) return;
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`${what}: nothing on port ${port}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A node process echoing on each of `ports`. */
export async function startEcho(ports) {
  const child = spawn(process.execPath, ['-e', ECHO, JSON.stringify(ports)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((done, fail) => {
    child.once('message', done);
    child.once('exit', (code) => fail(new Error(`echo server exited (${code})`)));
  });
  return { pid: child.pid, stop: () => child.kill('SIGKILL') };
}

export function openCanaryInstalled(venv) {
  return existsSync(join(venv, 'bin', 'twistd')) && existsSync(join(venv, 'bin', 'opencanary.tac'));
}

/** OpenCanary in the foreground (twistd -n) with one module per kind on the given ports. */
export async function startOpenCanary(venv, portOf) {
  const dir = mkdtempSync(join(tmpdir(), 'omega-bench-opencanary-'));
  const python = join(venv, 'bin', 'python');
  const sample = await new Promise((done, fail) => {
    const p = spawn(python, [
      '-c',
      'from importlib.resources import files; print(files("opencanary").joinpath("data", "settings.json"))',
    ]);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.once('exit', (code) => (code === 0 ? done(out.trim()) : fail(new Error('no opencanary'))));
  });
  const settings = JSON.parse(readFileSync(sample, 'utf8'));
  for (const key of Object.keys(settings)) if (key.endsWith('.enabled')) settings[key] = false;
  const modules = {
    ssh: 'ssh',
    http: 'http',
    redis: 'redis',
    mysql: 'mysql',
    banner: 'tcpbanner_1',
  };
  for (const [kind, module] of Object.entries(modules)) {
    if (portOf[kind] === undefined) continue;
    settings[`${module}.enabled`] = true;
    settings[`${module}.port`] = portOf[kind];
  }
  settings['tcpbanner.enabled'] = portOf.banner !== undefined;
  // A service that greets first, as the banner decoys of issue #18 would.
  settings['tcpbanner_1.initbanner'] = '220 files.internal ESMTP ready';
  settings['tcpbanner_1.datareceivedbanner'] = '500 unrecognised command';
  settings['device.listen_addr'] = '127.0.0.1';
  settings.logger.kwargs.handlers = {
    file: { class: 'logging.FileHandler', filename: join(dir, 'opencanary.log') },
  };
  writeFileSync(join(dir, 'opencanary.conf'), JSON.stringify(settings, null, 1));
  const child = spawn(
    join(venv, 'bin', 'twistd'),
    ['-noy', join(venv, 'bin', 'opencanary.tac'), '--pidfile', join(dir, 'twistd.pid')],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: `${join(venv, 'bin')}:${process.env.PATH}`, HOME: dir },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  try {
    for (const port of Object.values(portOf)) await listening(port, child, 'OpenCanary');
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}: ${stderr}`);
  }
  return {
    pid: child.pid,
    logLines: () => {
      try {
        return readFileSync(join(dir, 'opencanary.log'), 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    },
    stop: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
