// A second gateway process beside a running stack's (bench.mjs --gateway-b): another build of it
// (e.g. a copy of apps/gateway/dist with a change) with the same environment, so the same
// backends, bus and kept identity (it renews the credential the first one enrolled), on ports of
// its own. Two builds then answer the same calls in the same run.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** A port nothing listens on now. */
export async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** Starts `main` with the environment of the process `gatewayPid`; resolves once it is ready. */
export async function startSecondGateway(main, gatewayPid) {
  const env = Object.fromEntries(
    readFileSync(`/proc/${gatewayPid}/environ`, 'utf8')
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  Object.assign(env, { OMEGA_GRPC_PORT: String(grpcPort), OMEGA_HTTP_PORT: String(httpPort) });
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [resolve(main)], { env, stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await globalThis.fetch(`http://127.0.0.1:${httpPort}/readyz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the second gateway (${main}) did not get ready`);
    }
    await delay(250);
  }
  return { child, address: `127.0.0.1:${grpcPort}` };
}
