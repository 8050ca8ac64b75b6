// The audit log verified in the browser: the latest checkpoint's two signatures (Ed25519 with
// WebCrypto, ML-DSA-65 with @noble/post-quantum) against trust's root keys, its signed text
// against its fields, and RFC 9162 inclusion proofs of the newest entries against its root
// (SHA-256 with WebCrypto). Nothing is taken on the gateway's word.
import { base64Decode } from '@bufbuild/protobuf/wire';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import type { Gateway } from './gateway-client';

interface HybridKey {
  readonly keyId?: string;
  readonly ed25519?: string;
  readonly mlDsa?: string;
}
export interface CheckpointJson {
  readonly origin?: string;
  readonly treeSize?: string;
  readonly rootHash?: string;
  readonly timeNs?: string;
  readonly noteBody?: string;
  readonly signature?: { keyId?: string; ed25519?: string; mlDsa?: string };
}
interface ProofJson {
  readonly logIndex?: string;
  readonly treeSize?: string;
  readonly leafHash?: string;
  readonly hashes?: readonly string[];
}

export interface VerifiedEntry {
  readonly index: number;
  readonly summary: string;
  readonly kind: string;
  readonly timeNs?: string;
}
export interface Verification {
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHex: string;
  readonly keyId: string;
  readonly entries: readonly VerifiedEntry[];
}

/** How many of the newest entries get an inclusion proof checked. */
export const ENTRIES_CHECKED = 20;

const bytes = (b64: string | undefined): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(base64Decode(b64 ?? ''));
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
const equal = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}
async function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const input = new Uint8Array(65);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 33);
  return sha256(input);
}

/** RFC 9162 2.1.3.2: the root an inclusion proof leads to, or an error saying why it cannot. */
export async function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Promise<Uint8Array> {
  if (index >= size) throw new Error(`inclusion proof: index ${index} is not below size ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (p.length !== 32) throw new Error(`inclusion proof: a hash of ${p.length} bytes`);
    if (sn === 0) throw new Error('inclusion proof: longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = await hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error('inclusion proof: shorter than the path to the root');
  return r;
}

/** Checks a checkpoint against the root keys; throws saying which check failed. */
export async function verifyCheckpoint(
  checkpoint: CheckpointJson,
  rootKeys: readonly HybridKey[],
  origin: string,
): Promise<{ treeSize: number; root: Uint8Array; keyId: string }> {
  const text = checkpoint.noteBody ?? '';
  const lines = text.split('\n');
  if (lines.length < 4 || lines.at(-1) !== '') {
    throw new Error('checkpoint: the signed text is not "<origin>\\n<size>\\n<root>\\n"');
  }
  const [noteOrigin = '', noteSize = '', noteRoot = ''] = lines;
  if (noteOrigin !== origin) {
    throw new Error(`checkpoint: origin "${noteOrigin}" is not this log's ("${origin}")`);
  }
  if (noteSize !== (checkpoint.treeSize ?? '0')) {
    throw new Error(
      `checkpoint: signed size ${noteSize} but the answer says ${checkpoint.treeSize ?? '0'}`,
    );
  }
  const root = bytes(noteRoot);
  if (!equal(root, bytes(checkpoint.rootHash))) {
    throw new Error("checkpoint: the signed root hash differs from the answer's root hash");
  }
  const signature = checkpoint.signature;
  const key = rootKeys.find((k) => k.keyId === signature?.keyId);
  if (signature === undefined || key === undefined) {
    throw new Error(
      `checkpoint: signed by key ${signature?.keyId ?? '(none)'}, not one of trust's root keys`,
    );
  }
  const message = new TextEncoder().encode(text);
  const ed25519 = await crypto.subtle.importKey(
    'raw',
    bytes(key.ed25519),
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  if (
    !(await crypto.subtle.verify({ name: 'Ed25519' }, ed25519, bytes(signature.ed25519), message))
  ) {
    throw new Error('checkpoint: the Ed25519 signature does not verify');
  }
  if (!ml_dsa65.verify(bytes(signature.mlDsa), message, bytes(key.mlDsa))) {
    throw new Error('checkpoint: the ML-DSA-65 signature does not verify');
  }
  return { treeSize: Number(noteSize), root, keyId: key.keyId ?? '' };
}

/** Fetches the bundle, the latest checkpoint and proofs of the newest entries, and checks all. */
export async function verifyAuditLog(gateway: Gateway, signal: AbortSignal): Promise<Verification> {
  const bundle = await gateway.call<{ rootKeys?: HybridKey[]; auditLogOrigin?: string }>(
    'TrustService/GetTrustBundle',
    {},
    signal,
  );
  const { checkpoint } = await gateway.call<{ checkpoint?: CheckpointJson }>(
    'TrustService/GetCheckpoint',
    {},
    signal,
  );
  if (checkpoint === undefined) throw new Error('the log has no checkpoint yet');
  const origin = bundle.auditLogOrigin ?? '';
  const checked = await verifyCheckpoint(checkpoint, bundle.rootKeys ?? [], origin);
  const start = Math.max(0, checked.treeSize - ENTRIES_CHECKED);
  const listed = await gateway.call<{
    records?: {
      ref?: { logIndex?: string; leafHash?: string };
      entry?: { summary?: string; kind?: string; timeNs?: string };
    }[];
  }>(
    'TrustService/ListAuditEntries',
    { startIndex: String(start), pageSize: ENTRIES_CHECKED },
    signal,
  );
  const entries: VerifiedEntry[] = [];
  for (const record of listed.records ?? []) {
    const index = Number(record.ref?.logIndex ?? '0');
    if (index >= checked.treeSize) continue;
    const { proof } = await gateway.call<{ proof?: ProofJson }>(
      'TrustService/GetInclusionProof',
      { logIndex: String(index), treeSize: String(checked.treeSize) },
      signal,
    );
    const leafHash = bytes(record.ref?.leafHash);
    if (proof === undefined || !equal(bytes(proof.leafHash), leafHash)) {
      throw new Error(`entry ${index}: the proof is for another leaf`);
    }
    const root = await rootFromInclusionProof(
      leafHash,
      index,
      checked.treeSize,
      (proof.hashes ?? []).map(bytes),
    );
    if (!equal(root, checked.root)) {
      throw new Error(`entry ${index}: its inclusion proof does not lead to the signed root`);
    }
    entries.push({
      index,
      summary: record.entry?.summary ?? '',
      kind: (record.entry?.kind ?? '').replace('AUDIT_ENTRY_KIND_', '').toLowerCase(),
      ...(record.entry?.timeNs !== undefined ? { timeNs: record.entry.timeNs } : {}),
    });
  }
  return {
    origin,
    treeSize: checked.treeSize,
    rootHex: hex(checked.root),
    keyId: checked.keyId,
    entries,
  };
}
