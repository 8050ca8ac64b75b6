// The real trust service for other services' specs: apps/trust as built (dist/main.js) run as a
// child process on the spec's nats-server, the way `omega up` runs it, with a TrustService client.
// A path, not an import: libs never import apps, and a spec wants the service as it ships.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustServiceClient, type TrustServiceService } from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';
import { freePort } from './free-port';

/** apps/trust/dist/main.js in this repository. */
export const TRUST_MAIN = join(__dirname, '..', '..', '..', 'apps', 'trust', 'dist', 'main.js');

export interface TrustProcessOptions {
  readonly natsUrl: string;
  /** Default: a free port. */
  readonly grpcPort?: number;
  /** More OMEGA_* settings (join tokens, TLS, …); they win over the defaults. */
  readonly env?: Record<string, string>;
  /** Default 60 s. */
  readonly readyTimeoutMs?: number;
  /**
   * Its key directory, e.g. an earlier run's to restart the same trust; kept by stop(). Default: a
   * fresh temporary directory that stop() removes.
   */
  readonly keyDir?: string;
}

export interface TrustProcess {
  /** `127.0.0.1:<grpc port>`. */
  readonly address: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** The trust process's id (for CPU accounting, or a last-resort kill when the caller dies). */
  readonly pid: number | undefined;
  /** Its key directory (options.keyDir, or a fresh temporary one removed by stop()). */
  readonly keyDir: string;
  /** Everything it printed so far. */
  readonly output: string[];
  /** An insecure TrustService client of `address` (closed by stop()). */
  readonly client: PromiseClient<typeof TrustServiceService>;
  /** Close the client, SIGTERM, wait for the exit, remove a temporary key directory. */
  stop(): Promise<void>;
}

/**
 * Starts trust and resolves once its /readyz says ready (audit log and identities up). The ports
 * are picked free just before trust binds them, so another process can take one in between: then
 * it starts again on fresh ports (up to three times).
 */
export async function startTrust(options: TrustProcessOptions): Promise<TrustProcess> {
  if (!existsSync(TRUST_MAIN)) {
    throw new Error(`trust is not built (${TRUST_MAIN}): run \`npx tsc -b tsconfig.build.json\``);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTrustOnce(options);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}

async function startTrustOnce(options: TrustProcessOptions): Promise<TrustProcess> {
  const grpcPort = options.grpcPort ?? (await freePort());
  const httpPort = await freePort();
  const keyDir = options.keyDir ?? mkdtempSync(join(tmpdir(), 'omega-spec-trust-'));
  const output: string[] = [];
  const child = spawn(process.execPath, [TRUST_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      OMEGA_NATS_SERVERS: options.natsUrl,
      OMEGA_GRPC_HOST: '127.0.0.1',
      OMEGA_GRPC_PORT: String(grpcPort),
      OMEGA_HTTP_HOST: '127.0.0.1',
      OMEGA_HTTP_PORT: String(httpPort),
      OMEGA_LOG_LEVEL: 'warn',
      OMEGA_TRUST_KEY_DIR: keyDir,
      OMEGA_TRUST_TLOG_HOST: '127.0.0.1',
      OMEGA_TRUST_TLOG_PORT: String(await freePort()),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const address = `127.0.0.1:${grpcPort}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (options.keyDir === undefined) await rm(keyDir, { recursive: true, force: true });
  };
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  for (const deadline = Date.now() + timeoutMs; ;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`trust exited (${child.exitCode}) before ready:\n${output.join('')}`);
    }
    const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`trust at ${address} not ready in ${timeoutMs} ms:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const client = createPromiseClient(TrustServiceClient, address);
  return {
    address,
    grpcPort,
    httpPort,
    pid: child.pid,
    keyDir,
    output,
    client,
    stop: async () => {
      client.close();
      await stop();
    },
  };
}
