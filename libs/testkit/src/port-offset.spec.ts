import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  PORT_OFFSET_FIRST,
  PORT_OFFSET_LAST,
  PORT_OFFSET_STEP,
  reservePortOffset,
  stackPorts,
} from './port-offset';

const SLOTS: number[] = [];
for (let o = PORT_OFFSET_FIRST; o <= PORT_OFFSET_LAST; o += PORT_OFFSET_STEP) SLOTS.push(o);

let lockDir: string;
// The lock logic is checked apart from the ports: a real stack of another spec may be on any slot.
const portsFree = async (): Promise<boolean> => true;
let holder: ChildProcess | undefined;

beforeEach(() => {
  lockDir = mkdtempSync(join(tmpdir(), 'omega-port-offset-spec-'));
});

afterEach(() => {
  holder?.kill('SIGKILL');
  holder = undefined;
  rmSync(lockDir, { recursive: true, force: true });
});

describe('port offsets for whole local stacks', () => {
  it('never lets two offsets share a port, and keeps every gRPC port in the range .ci/run reserves', () => {
    const seen = new Map<number, number>();
    for (const offset of SLOTS) {
      for (const port of stackPorts(offset)) {
        expect(seen.get(port)).toBeUndefined();
        seen.set(port, offset);
      }
      // .ci/run: sysctl net.ipv4.ip_local_reserved_ports=51000-53999
      for (let i = 0; i < 7; i++) {
        expect(50051 + i + offset).toBeGreaterThanOrEqual(51000);
        expect(50051 + i + offset).toBeLessThanOrEqual(53999);
      }
    }
  });

  it('gives two reservations different offsets, writes the holder pid and removes the file at release', async () => {
    const a = await reservePortOffset({ lockDir, portsFree });
    const b = await reservePortOffset({ lockDir, portsFree });
    expect(a.offset).not.toBe(b.offset);
    expect(readFileSync(join(lockDir, String(a.offset)), 'utf8')).toBe(String(process.pid));
    a.release();
    a.release();
    expect(existsSync(join(lockDir, String(a.offset)))).toBe(false);
    expect(existsSync(join(lockDir, String(b.offset)))).toBe(true);
    b.release();
  });

  it('skips offsets a live process holds and takes over those of a process that is gone', async () => {
    holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    const live = holder.pid!;
    const dead = spawn('true', [], { stdio: 'ignore' });
    await new Promise((resolve) => dead.once('exit', resolve));
    const [stale, ...rest] = SLOTS;
    // Every slot but one is held by the sleeping process; the last by one that has exited.
    for (const offset of rest) writeFileSync(join(lockDir, String(offset)), String(live));
    writeFileSync(join(lockDir, String(stale)), String(dead.pid));
    const got = await reservePortOffset({ lockDir, portsFree });
    expect(got.offset).toBe(stale);
    expect(readFileSync(join(lockDir, String(stale)), 'utf8')).toBe(String(process.pid));
    got.release();
  });

  it('names the lock directory when every offset is held', async () => {
    holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    for (const offset of SLOTS) writeFileSync(join(lockDir, String(offset)), String(holder.pid));
    await expect(reservePortOffset({ lockDir, portsFree })).rejects.toThrow(
      `every offset from 1000 to 2900 is held by a running process (lock files in ${lockDir})`,
    );
  });

  it('leaves an offset whose port something else is listening on', async () => {
    holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    const [open, ...rest] = SLOTS;
    for (const offset of rest) writeFileSync(join(lockDir, String(offset)), String(holder.pid));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(9464 + 3 + open!, '127.0.0.1', resolve));
    try {
      await expect(reservePortOffset({ lockDir })).rejects.toThrow('or has a port in use');
      // and it did not keep the lock of the offset it left
      expect(existsSync(join(lockDir, String(open)))).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
