// What a secure local stack needs before nats-server starts: trust (its built bus-setup entry, on
// trust's own key directory) writes the server's TLS certificate, the trust CA and the config that
// sends every connection to trust's authorization callout.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

const execFileAsync = promisify(execFile);

export interface BusServerFiles {
  /** nats-server config (`-c`): TLS requiring a trust-issued client certificate, the callout. */
  readonly configFile: string;
  /** The trust CA, PEM: what clients check the server's certificate with. */
  readonly caFile: string;
}

export async function writeBusServerFiles(options: {
  nodeBin: string;
  root: string;
  keyDir: string;
  outDir: string;
}): Promise<BusServerFiles> {
  const setup = join(options.root, 'apps', 'trust', 'dist', 'bus-setup-main.js');
  const args = [setup, '--key-dir', options.keyDir, '--out', options.outDir];
  try {
    const { stdout } = await execFileAsync(options.nodeBin, [
      ...args,
      '--dns',
      'localhost',
      '--ip',
      '127.0.0.1',
    ]);
    return JSON.parse(stdout) as BusServerFiles;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new OmegaError(
      Code.FailedPrecondition,
      `bus setup (${setup}) failed: ${stderr || errorMessage(err)}`,
      { cause: err },
    );
  }
}
