// A port offset for a whole local Omega (`omega up --port-offset`), held by this process alone.
//
// A stack's ports are ARCHITECTURE.md's local defaults plus the offset: nats 4222, HTTP 8081,
// metrics 9464-9470 and gRPC 50051-50057. Offsets are multiples of 100 from 1000 to 2900, so two
// offsets never share a port, and every gRPC port (51051-52957) lies in the range .ci/run reserves
// from the kernel's ephemeral ports (51000-53999), where no outgoing connection can take it.
//
// Checking that the ports are free is not enough: a spec that restarts its stack leaves them free
// for a moment, and another spec's stack could take them then. So an offset is claimed with a lock
// file (created exclusively, holding the pid) under the system's temporary directory, shared by every
// jest worker on the machine, and released at stop or when its process is gone.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PORT_OFFSET_FIRST = 1000;
export const PORT_OFFSET_LAST = 2900;
export const PORT_OFFSET_STEP = 100;

export interface PortOffset {
  readonly offset: number;
  /** Gives the offset back (idempotent); also done when this process exits. */
  release(): void;
}

/** Shared by every process on the machine; a spec of this file passes its own. */
export const DEFAULT_LOCK_DIR = join(tmpdir(), 'omega-port-offsets');

/** The ports a stack at `offset` listens on (before `--port-offset` shifts nothing else). */
export function stackPorts(offset: number): number[] {
  const base = [4222, 8081];
  for (let i = 0; i < 7; i++) base.push(50051 + i, 9464 + i);
  return base.map((port) => port + offset);
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims the lock file of `offset`, taking it over when the process that held it is gone. */
function claim(lockDir: string, offset: number): boolean {
  const file = join(lockDir, String(offset));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(file, 'utf8'));
    } catch {
      continue; // released between the two calls: try again
    }
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) return false;
    try {
      unlinkSync(file);
    } catch {
      // another process took the stale file over first
    }
  }
  return false;
}

/**
 * An offset no other process on this machine holds, whose ports are free now. Tries the slots in a
 * random order; throws, naming the lock directory, when every one is taken.
 */
export async function reservePortOffset(
  options: { lockDir?: string; portsFree?: (ports: number[]) => Promise<boolean> } = {},
): Promise<PortOffset> {
  const lockDir = options.lockDir ?? DEFAULT_LOCK_DIR;
  const portsFree =
    options.portsFree ??
    (async (ports: number[]) => (await Promise.all(ports.map(isFree))).every(Boolean));
  mkdirSync(lockDir, { recursive: true });
  const slots: number[] = [];
  for (let o = PORT_OFFSET_FIRST; o <= PORT_OFFSET_LAST; o += PORT_OFFSET_STEP) slots.push(o);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  for (const offset of slots) {
    if (!claim(lockDir, offset)) continue;
    const file = join(lockDir, String(offset));
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.off('exit', release);
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    };
    if (await portsFree(stackPorts(offset))) {
      process.on('exit', release);
      return { offset, release };
    }
    release(); // held by something outside this scheme: leave it be
  }
  throw new Error(
    `no free port offset: every offset from ${PORT_OFFSET_FIRST} to ${PORT_OFFSET_LAST} is held by a running process (lock files in ${lockDir}) or has a port in use`,
  );
}
