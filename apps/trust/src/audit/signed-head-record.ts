// Trust's own record of the newest checkpoint it signed, kept beside its keys rather than in the
// stream it guards. On start the log must be a consistent extension of it: a stream that was
// shortened, deleted or replaced (by a writer with JetStream rights, or a weakened retention) is
// refused with what was found, instead of being signed over as a second, conflicting tree.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { verifyCheckpoint, type CheckpointPolicy } from '@omega/auditlog';
import { Code, OmegaError, errorMessage, type Logger } from '@omega/runtime';
import type { LogCheckpoint } from './audit-checkpoint';

/** The recorded head, verified with the log key. */
export interface RecordedHead {
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly timeNs: bigint;
}

interface RecordFile {
  note: string;
  timeNs: string;
}

/** The head recorded at `path`, verified with `policy`; undefined when there is no record yet. */
export async function readSignedHead(
  path: string,
  policy: CheckpointPolicy,
): Promise<RecordedHead | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw OmegaError.wrap(err, `audit log: cannot read ${path}`, Code.FailedPrecondition);
  }
  try {
    const record = JSON.parse(text) as RecordFile;
    const verified = await verifyCheckpoint(record.note, policy);
    return {
      size: verified.checkpoint.size,
      rootHash: verified.checkpoint.rootHash,
      timeNs: BigInt(record.timeNs),
    };
  } catch (err) {
    throw new OmegaError(
      Code.DataLoss,
      `audit log: ${path} is not a checkpoint signed by this log's key (${errorMessage(err)}); refusing to start without knowing what was signed before`,
      { cause: err },
    );
  }
}

/**
 * Checks that a log of `size`, whose root at any earlier size `rootAt` gives, extends `recorded`:
 * throws DataLoss naming what was signed and what was found.
 */
export async function checkExtendsSignedHead(
  recorded: RecordedHead,
  size: number,
  rootAt: (size: number) => Promise<Uint8Array>,
  where: { origin: string; path: string },
): Promise<void> {
  const signedAt = new Date(Number(recorded.timeNs / 1_000_000n)).toISOString();
  const moveAway = `restore the AUDIT stream, or move ${where.path} away to start a new log deliberately`;
  if (size < recorded.size) {
    throw new OmegaError(
      Code.DataLoss,
      `audit log ${where.origin}: this trust signed a checkpoint of size ${recorded.size} at ${signedAt}, but the AUDIT stream now gives a log of size ${size}: the stream was shortened, deleted or replaced; refusing to sign over it (${moveAway})`,
    );
  }
  const root = await rootAt(recorded.size);
  if (Buffer.compare(Buffer.from(root), Buffer.from(recorded.rootHash)) !== 0) {
    throw new OmegaError(
      Code.DataLoss,
      `audit log ${where.origin}: at size ${recorded.size} the AUDIT stream's tree has root ${Buffer.from(root).toString('base64')}, but this trust signed ${Buffer.from(recorded.rootHash).toString('base64')} at ${signedAt}: the stream was replaced by a conflicting tree; refusing to sign over it (${moveAway})`,
    );
  }
}

/**
 * Keeps the record current: each signed checkpoint replaces it (written to a temporary file, then
 * renamed over it). Writes never queue up: while one is on disk, only the newest checkpoint waits.
 */
export class SignedHeadRecorder {
  private pending: LogCheckpoint | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly path: string,
    private readonly logger: Logger,
  ) {}

  record(checkpoint: LogCheckpoint): void {
    this.pending = checkpoint;
    this.writing ??= this.drain();
  }

  /** Resolves once every recorded checkpoint is on disk (or its write failed and was logged). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const checkpoint = this.pending;
        this.pending = undefined;
        const record: RecordFile = { note: checkpoint.note, timeNs: String(checkpoint.timeNs) };
        const temporary = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
        try {
          await writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
          await rename(temporary, this.path);
        } catch (err) {
          this.logger.error(
            { err, size: checkpoint.size },
            `audit log: cannot record the signed checkpoint of size ${checkpoint.size} in ${this.path}: ${errorMessage(err)}`,
          );
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
