// `omega witness`: a second process that cosigns the audit log's checkpoints (C2SP tlog-witness
// add-checkpoint, C2SP tlog-cosignature cosignature/v1) after checking that each one is signed by
// the log key and extends, by a consistency proof, the last checkpoint it cosigned.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import {
  cosignCheckpoint,
  decideAddCheckpoint,
  formatSignedNote,
  formatWitnessSignerKey,
  formatWitnessVerifierKey,
  parseAddCheckpoint,
  parseCheckpoint,
  parseSignedNote,
  parseWitnessSignerKey,
  witnessSigner,
  type Checkpoint,
  type WitnessSigner,
} from '@omega/auditlog';
import { publicKeyFromText } from '@omega/crypto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { logPolicy } from './audit-command';

export interface WitnessOptions {
  /** The witness's signer key (skey text); created with `name` when the file is missing. */
  keyFile: string;
  /** Name of a key created now (default `omega-witness`). */
  name?: string;
  /** The log's hybrid public key in text form: checkpoints must verify with it. */
  logKeyFile: string;
  /** The log's origin line (default `omega.local/audit`). */
  origin?: string;
  /** The last checkpoint note this witness cosigned. */
  stateFile: string;
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Unix seconds for cosignature timestamps (default: the wall clock). */
  nowSeconds?: () => number;
  log?: (line: string) => void;
}

export interface RunningWitness {
  readonly port: number;
  /** Its verifier key: give it to `omega audit verify --witness`. */
  readonly vkey: string;
  close(): Promise<void>;
}

/** The largest add-checkpoint body read (63 proof lines and a hybrid-signed checkpoint fit). */
const MAX_BODY_BYTES = 64 * 1024;
/** C2SP tlog-witness: the content type of a 409 answer naming the witness's latest size. */
const SIZE_CONTENT_TYPE = 'text/x.tlog.size';

export async function startWitness(opts: WitnessOptions): Promise<RunningWitness> {
  const signer = await loadOrCreateKey(opts.keyFile, opts.name ?? 'omega-witness');
  const origin = opts.origin ?? 'omega.local/audit';
  const policy = await logPolicy(
    publicKeyFromText(await readFile(opts.logKeyFile, 'utf8')),
    origin,
  );
  let latest = await readState(opts.stateFile);
  const now = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const log = opts.log ?? (() => undefined);
  // One request at a time: each decision depends on the checkpoint the previous one cosigned.
  let queue: Promise<unknown> = Promise.resolve();

  const addCheckpoint = async (body: string): Promise<[number, string, string?]> => {
    const request = parseAddCheckpoint(body);
    const decision = await decideAddCheckpoint(request, latest, policy);
    if (decision.kind === 'conflict') {
      return [409, `${decision.latestSize}\n`, SIZE_CONTENT_TYPE];
    }
    const text = parseSignedNote(request.note).text;
    const line = await cosignCheckpoint(text, signer, now());
    // Remembered before it is answered: a crash can lose a cosignature, never the state.
    await writeState(opts.stateFile, request.note);
    latest = decision.checkpoint;
    log(`cosigned ${origin} size ${decision.checkpoint.size}`);
    const cosignature = formatSignedNote({ text, signatures: [line] }).slice(text.length + 1);
    return [200, cosignature];
  };

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/add-checkpoint') {
      return answer(res, 404, 'only POST /add-checkpoint\n');
    }
    const body = readBody(req);
    const handled = queue.then(() => body).then(addCheckpoint);
    queue = handled.catch(() => undefined);
    handled.then(
      ([status, text, type]) => answer(res, status, text, type),
      (err: unknown) => {
        const status = statusOf(err);
        log(`add-checkpoint refused (${status}): ${errorMessage(err)}`);
        answer(res, status, `${errorMessage(err)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', resolve);
  });
  const vkey = formatWitnessVerifierKey(signer);
  log(
    `witness ${signer.name} for ${origin} on port ${(server.address() as AddressInfo).port}: ${vkey}`,
  );
  return {
    port: (server.address() as AddressInfo).port,
    vkey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function statusOf(err: unknown): number {
  if (!(err instanceof OmegaError)) return 500;
  if (err.code === Code.InvalidArgument) return 400;
  if (err.code === Code.PermissionDenied) return 403;
  if (err.code === Code.DataLoss) return 422;
  return 500;
}

function answer(res: ServerResponse, status: number, text: string, type = 'text/plain'): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new OmegaError(
        Code.InvalidArgument,
        `add-checkpoint: body is over ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function loadOrCreateKey(file: string, name: string): Promise<WitnessSigner> {
  try {
    return parseWitnessSignerKey(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw OmegaError.wrap(err, `witness key ${file}`, Code.FailedPrecondition);
    }
  }
  const signer = witnessSigner(name, new Uint8Array(randomBytes(32)));
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${formatWitnessSignerKey(signer)}\n`, { mode: 0o600, flag: 'wx' });
  return signer;
}

async function readState(file: string): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw OmegaError.wrap(err, `witness state ${file}`, Code.FailedPrecondition);
  }
  try {
    return parseCheckpoint(parseSignedNote(text).text);
  } catch (err) {
    throw OmegaError.wrap(err, `witness state ${file}: not a checkpoint note`, Code.DataLoss);
  }
}

async function writeState(file: string, note: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, note, { mode: 0o600 });
  await rename(temporary, file);
}
