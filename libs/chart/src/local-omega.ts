// The whole Omega stack on this machine (`omega up`, apps/cli), on ports no one else is using,
// for tests that need every service running: nats-server and the seven services.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservePortOffset } from '@omega/testkit';

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

/** Starts `node apps/cli/dist/main.js up` (build first: npx tsc -b tsconfig.build.json). */
export async function startLocalOmega(readyTimeoutMs = 180_000): Promise<LocalOmega> {
  const reserved = await reservePortOffset();
  const portOffset = reserved.offset;
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
    reserved.release();
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (!out.includes('every service is ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `omega up ${child.exitCode !== null ? `exited (${child.exitCode})` : `was not ready within ${readyTimeoutMs} ms`} (port offset ${portOffset}); ${firstTrouble(out)}its output ends with:\n${out.slice(-4000)}`,
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

/**
 * The first service that crashed and what it printed before that above info level (warnings,
 * errors, stack traces),
 * which the tail of a whole stack's shutdown log would otherwise push out of sight.
 */
function firstTrouble(out: string): string {
  const lines = out.split('\n');
  const crash = lines.findIndex((l) => l.includes('✗'));
  if (crash < 0) return '';
  const service = lines[crash]!.trim().split(/\s+/)[0] ?? '';
  const own = lines
    .slice(0, crash)
    .filter((l) => l.startsWith(`${service} `) && !/^\S+\s+(INFO|DEBUG|TRACE)\b/.test(l))
    .slice(-20);
  return `first trouble: ${lines[crash]!.trim()}\n${own.join('\n')}\n`;
}
