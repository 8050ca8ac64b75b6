// The whole Omega stack on this machine (`omega up`, apps/cli), on ports no one else is using,
// for tests that need every service running: nats-server and the seven services.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root (this file is libs/chart/src or libs/chart/dist). */
const ROOT = join(__dirname, '..', '..', '..');

export const OMEGA_SERVICES = [
  'gateway',
  'trust',
  'intelligence',
  'orchestrator',
  'deception',
  'twin',
  'sentinel',
] as const;
export type OmegaService = (typeof OMEGA_SERVICES)[number];

export interface LocalOmega {
  readonly portOffset: number;
  grpcPort(service: OmegaService): number;
  metricsPort(service: OmegaService): number;
  /** Everything `omega up` printed (the services' logs). */
  output(): string;
  stop(): Promise<void>;
}

/** ARCHITECTURE.md's local ports before the offset: gRPC 50051+i, metrics 9464+i. */
function basePorts(offset: number): number[] {
  return [4222, 8081, ...OMEGA_SERVICES.flatMap((_, i) => [50051 + i, 9464 + i])].map(
    (p) => p + offset,
  );
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

async function freeOffset(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 1000 + Math.floor(Math.random() * 40) * 100;
    const free = await Promise.all(basePorts(offset).map(isFree));
    if (free.every(Boolean)) return offset;
  }
  throw new Error("no port offset with all of Omega's local ports free");
}

/** Starts `node apps/cli/dist/main.js up` (build first: npx tsc -b tsconfig.build.json). */
export async function startLocalOmega(readyTimeoutMs = 180_000): Promise<LocalOmega> {
  const portOffset = await freeOffset();
  const dataDir = await mkdtemp(join(tmpdir(), 'omega-up-'));
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'apps', 'cli', 'dist', 'main.js'),
      'up',
      '--port-offset',
      String(portOffset),
      '--data-dir',
      dataDir,
      // The dashboards are checked against plaintext gRPC health calls and an attack sent
      // straight to the bus; the secure default has its own specs (mutual-tls-stack,
      // bus-permissions, stack-restart).
      '--insecure-plaintext',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out = (out + c).slice(-200_000)));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out = (out + c).slice(-200_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (!out.includes('every service is ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `omega up ${child.exitCode !== null ? `exited (${child.exitCode})` : `was not ready within ${readyTimeoutMs} ms`}; its output ends with:\n${out.slice(-4000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const index = (s: OmegaService) => OMEGA_SERVICES.indexOf(s);
  return {
    portOffset,
    grpcPort: (s) => 50051 + index(s) + portOffset,
    metricsPort: (s) => 9464 + index(s) + portOffset,
    output: () => out,
    stop,
  };
}
