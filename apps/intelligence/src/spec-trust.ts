// The real trust service for the intelligence specs: apps/trust as built (dist/main.js), run as a
// child process on the spec's nats-server, the way `omega up` runs it (apps never import apps).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { TrustServiceClient } from '@omega/proto';
import { createServer } from 'node:net';

const TRUST_MAIN = join(__dirname, '..', '..', 'trust', 'dist', 'main.js');

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

export interface SpecTrust {
  readonly address: string;
  readonly client: TrustServiceClient;
  readonly output: string[];
  stop(): Promise<void>;
}

export async function startSpecTrust(natsUrl: string, grpcPort?: number): Promise<SpecTrust> {
  if (!existsSync(TRUST_MAIN)) {
    throw new Error(`trust is not built (${TRUST_MAIN}): run \`npx tsc -b tsconfig.build.json\``);
  }
  const port = grpcPort ?? (await freePort());
  const httpPort = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [TRUST_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      OMEGA_NATS_SERVERS: natsUrl,
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_GRPC_PORT: String(port),
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_HTTP_PORT: String(httpPort),
      OMEGA_LOG_LEVEL: 'warn',
      OMEGA_TRUST_KEY_DIR: mkdtempSync(join(tmpdir(), 'omega-intel-trust-')),
      OMEGA_TRUST_TLOG_HOST: '127.0.0.1',
      OMEGA_TRUST_TLOG_PORT: String(await freePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const address = `127.0.0.1:${port}`;
  const client = new TrustServiceClient(address, grpc.credentials.createInsecure());
  // Ready when its /readyz says so (audit log and identities up), not merely listening.
  for (const deadline = Date.now() + 30_000; ;) {
    if (child.exitCode !== null) {
      throw new Error(`trust exited (${child.exitCode}) before ready:\n${output.join('')}`);
    }
    const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      throw new Error(`trust at ${address} not ready in 30 s:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    client,
    output,
    stop: async () => {
      client.close();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
