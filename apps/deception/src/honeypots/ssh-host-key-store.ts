// The SSH decoys' host keys kept in omega_decoys beside their decoy (`ssh-host-key.<decoy id>`), so
// a restarted service, or another replica, presents the key clients already know: a changed host
// key ("REMOTE HOST IDENTIFICATION HAS CHANGED") would give the decoy away. A sibling key, never
// part of the Decoy record, so ListDecoys never shows it.
import type { KV } from '@omega/bus';
import { errorMessage } from '@omega/runtime';
import { utils } from 'ssh2';
import { keptForDecoy, keptValueKey, type KeptValueKind } from './decoy-kept-value';
import { parseableHostKey, type SshHostKeySource } from './ssh-honeypot';

const SSH_HOST_KEY: KeptValueKind<string> = {
  prefix: 'ssh-host-key',
  what: 'SSH host key',
  generate: parseableHostKey,
  encode: (pem) => pem,
  decode: (pem) => {
    const parsed = utils.parseKey(pem);
    if (parsed instanceof Error) {
      throw new Error(`not an SSH private key ssh2 reads: ${errorMessage(parsed)}`);
    }
    return pem;
  },
};

/** The omega_decoys key that keeps the SSH host key of decoy `decoyId`. */
export function sshHostKeyKey(decoyId: string): string {
  return keptValueKey(SSH_HOST_KEY.prefix, decoyId);
}

/** Host keys read from, or generated once into, the decoys' bucket. */
export class KvSshHostKeys implements SshHostKeySource {
  constructor(private readonly kv: KV) {}

  forDecoy(decoyId: string): Promise<string> {
    return keptForDecoy(this.kv, SSH_HOST_KEY, decoyId);
  }
}
