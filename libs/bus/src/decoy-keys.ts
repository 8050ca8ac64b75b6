// The keys of the `omega_decoys` KV bucket's decoys: `dc-<12 hex>`, one Decoy protobuf each.
// Deception mints and writes them, the twin follows them as DECOY vertices; other keys in the
// bucket (a decoy's kept SSH host key or TLS certificate) are not decoys.
import { randomBytes } from 'node:crypto';

const DECOY_ID = /^dc-[0-9a-f]{12}$/;

/** A new random decoy id (48 bits). */
export function newDecoyId(): string {
  return `dc-${randomBytes(6).toString('hex')}`;
}

/** Whether `key` names a decoy (a decoy's id is its key). */
export function isDecoyId(key: string): boolean {
  return DECOY_ID.test(key);
}
