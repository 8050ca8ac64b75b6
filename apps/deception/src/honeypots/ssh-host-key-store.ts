// The SSH decoys' host keys kept in omega_decoys beside their decoy (`ssh-host-key.<decoy id>`), so
// a restarted service, or another replica, presents the key clients already know: a changed host
// key ("REMOTE HOST IDENTIFICATION HAS CHANGED") would give the decoy away. A sibling key, never
// part of the Decoy record, so ListDecoys never shows it.
import type { KV } from '@omega/bus';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { utils } from 'ssh2';
import { parseableHostKey, type SshHostKeySource } from './ssh-honeypot';

/** The omega_decoys key that keeps the SSH host key of decoy `decoyId`. */
export function sshHostKeyKey(decoyId: string): string {
  return `ssh-host-key.${decoyId}`;
}

/** Host keys read from, or generated once into, the decoys' bucket. */
export class KvSshHostKeys implements SshHostKeySource {
  constructor(private readonly kv: KV) {}

  async forDecoy(decoyId: string): Promise<string> {
    const key = sshHostKeyKey(decoyId);
    const kept = await this.#read(key);
    if (kept !== undefined) return kept;
    const generated = parseableHostKey();
    try {
      await this.kv.create(key, Buffer.from(generated, 'utf8'));
      return generated;
    } catch (err) {
      // Another replica starting the same decoy wrote first: its key is the decoy's.
      const theirs = await this.#read(key);
      if (theirs !== undefined) return theirs;
      throw OmegaError.wrap(err, `SSH decoy ${decoyId}: keeping its host key as ${key}`);
    }
  }

  async #read(key: string): Promise<string | undefined> {
    const entry = await this.kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    const pem = Buffer.from(entry.value).toString('utf8');
    const parsed = utils.parseKey(pem);
    if (parsed instanceof Error) {
      // Never replaced silently: a new key is the tell this store exists to avoid.
      throw new OmegaError(
        Code.DataLoss,
        `omega_decoys ${key} (revision ${entry.revision}) is not an SSH private key ssh2 reads: ${errorMessage(parsed)}; delete it to give the decoy a new host key`,
      );
    }
    return pem;
  }
}
