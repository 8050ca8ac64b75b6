// A value a decoy must present the same every time (an SSH host key, a TLS certificate), kept in
// omega_decoys beside the decoy under `<prefix>.<decoy id>`: read if kept, else generated once and
// created there, so a restarted service, or another replica, presents what clients already saw (a
// changed key or certificate is a tell). A kept value that does not parse fails the decoy with
// DATA_LOSS naming the key; it is never replaced silently.
import type { KV } from '@omega/bus';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

export interface KeptValueKind<T> {
  /** Key prefix in omega_decoys, e.g. "ssh-host-key". */
  readonly prefix: string;
  /** What it is, for errors: "SSH host key". */
  readonly what: string;
  generate(): T | Promise<T>;
  encode(value: T): string;
  /** The value from its kept text; throws naming what is wrong. */
  decode(text: string): T;
}

export function keptValueKey(prefix: string, decoyId: string): string {
  return `${prefix}.${decoyId}`;
}

export async function keptForDecoy<T>(kv: KV, kind: KeptValueKind<T>, decoyId: string): Promise<T> {
  const key = keptValueKey(kind.prefix, decoyId);
  const kept = await readKept(kv, kind, key);
  if (kept !== undefined) return kept;
  const generated = await kind.generate();
  try {
    await kv.create(key, Buffer.from(kind.encode(generated), 'utf8'));
    return generated;
  } catch (err) {
    // Another replica starting the same decoy wrote first: its value is the decoy's.
    const theirs = await readKept(kv, kind, key);
    if (theirs !== undefined) return theirs;
    throw OmegaError.wrap(err, `decoy ${decoyId}: keeping its ${kind.what} as ${key}`);
  }
}

async function readKept<T>(kv: KV, kind: KeptValueKind<T>, key: string): Promise<T | undefined> {
  const entry = await kv.get(key);
  if (entry === null || entry.operation !== 'PUT') return undefined;
  try {
    return kind.decode(Buffer.from(entry.value).toString('utf8'));
  } catch (err) {
    throw new OmegaError(
      Code.DataLoss,
      `omega_decoys ${key} (revision ${entry.revision}) is not a ${kind.what}: ${errorMessage(err)}; delete it to give the decoy a new one`,
    );
  }
}
