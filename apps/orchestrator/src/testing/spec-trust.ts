// Test-only: the real trust service (apps/trust as built, dist/main.js) as a child process on the
// spec's nats-server, the way `omega up` runs it (apps never import apps).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { TrustServiceClient } from '@omega/proto';
import { freePort } from '@omega/testkit';

const TRUST_MAIN = join(__dirname, '..', '..', '..', 'trust', 'dist', 'main.js');

export interface SpecTrust {
  readonly address: string;
  readonly client: TrustServiceClient;
  stop(): Promise<void>;
}

export async function startSpecTrust(natsUrl: string): Promise<SpecTrust> {
  if (!existsSync(TRUST_MAIN)) {
    throw new Error(`trust is not built (${TRUST_MAIN}): run \`npx tsc -b tsconfig.build.json\``);
  }
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, [TRUST_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      OMEGA_NATS_SERVERS: natsUrl,
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_GRPC_PORT: String(port),
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_HTTP_PORT: String(await freePort()),
      OMEGA_LOG_LEVEL: 'warn',
      OMEGA_TRUST_KEY_DIR: mkdtempSync(join(tmpdir(), 'omega-orch-trust-')),
      OMEGA_TRUST_TLOG_HOST: '127.0.0.1',
      OMEGA_TRUST_TLOG_PORT: String(await freePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const address = `127.0.0.1:${port}`;
  const client = new TrustServiceClient(address, grpc.credentials.createInsecure());
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`trust exited (${code}) before serving:\n${output.join('')}`));
    child.once('exit', onExit);
    client.waitForReady(Date.now() + 60_000, (err) => {
      child.off('exit', onExit);
      if (err)
        reject(new Error(`trust not ready at ${address}: ${err.message}\n${output.join('')}`));
      else resolve();
    });
  });
  return {
    address,
    client,
    stop: async () => {
      client.close();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
