// One live demo at a time on a machine: the namespaces have fixed names, so a second run would
// tear down the first one's hosts. A lock file holds the running demo's pid; a lock whose process
// is gone (a crashed run) is taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';

export const DEMO_LOCK_FILE = join(tmpdir(), 'omega-demo.lock');

/** Takes the lock; returns the function that releases it. */
export async function acquireDemoLock(file = DEMO_LOCK_FILE): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new OmegaError(
          Code.FailedPrecondition,
          `another live demo (pid ${holder}) is running; stop it first (lock ${file})`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new OmegaError(Code.Aborted, `could not take the demo lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
