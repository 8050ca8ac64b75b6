// Processes a killed demo run left behind (its services, nats-server): every process the demo
// starts inherits a marker naming the run's state directory, so the next run over the same state
// finds them in /proc and ends them before it needs their ports.
import { readdir, readFile } from 'node:fs/promises';

/** Not OMEGA_*: services refuse OMEGA_ variables that name no setting. */
export const DEMO_MARKER_VARIABLE = 'DEMO_STATE_DIR';

/** Marks this process (and so every child it starts) as the demo run over `stateDir`. */
export function markDemoProcesses(stateDir: string): void {
  process.env[DEMO_MARKER_VARIABLE] = stateDir;
}

/** Processes carrying the marker for `stateDir`, other than this one. */
export async function findLeftoverProcesses(stateDir: string): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const marker = `${DEMO_MARKER_VARIABLE}=${stateDir}`;
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ: string;
    try {
      environ = await readFile(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // gone, or not ours to read
    }
    if (environ.split('\0').includes(marker)) found.push(pid);
  }
  return found;
}

/** Kills processes carrying the marker for `stateDir` (not this one); returns their pids. */
export async function killLeftoverProcesses(stateDir: string): Promise<number[]> {
  const killed: number[] = [];
  for (const pid of await findLeftoverProcesses(stateDir)) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // exited meanwhile
    }
  }
  return killed;
}
