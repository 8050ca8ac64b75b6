// What `omega audit` remembers between runs: the pinned log key and the last checkpoint it saw.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

export const DEFAULT_STATE_FILE = join(homedir(), '.omega', 'audit-state.json');

export interface AuditState {
  /** The log's hybrid public key in text form, pinned on first use or from --log-key. */
  logKey?: string;
  origin?: string;
  /** The last verified checkpoint note this CLI saw. */
  lastCheckpoint?: string;
}

export async function loadAuditState(file: string): Promise<AuditState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw OmegaError.wrap(err, `audit state ${file}`, Code.FailedPrecondition);
  }
  try {
    return JSON.parse(text) as AuditState;
  } catch (err) {
    throw new OmegaError(Code.DataLoss, `audit state ${file}: not JSON: ${errorMessage(err)}`);
  }
}

export async function saveAuditState(file: string, state: AuditState): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}
