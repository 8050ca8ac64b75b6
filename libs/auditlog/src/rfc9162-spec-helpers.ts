// RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 transcribed literally, for the proof specs (no shared code).
import { createHash } from 'node:crypto';
import type { HashReader } from './proof-plan';

const sha256 = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
};
export const MAX = 600;
export const entries = Array.from({ length: MAX }, (_, i) =>
  new TextEncoder().encode(`entry ${i}`),
);
export const D = entries.map((e) => sha256(Uint8Array.of(0), e)); // leaf hashes
const memo = new Map<string, Uint8Array>();
/** MTH(D[a:b]) of the leaf hashes above (memoised: a range's hash does not depend on the tree). */
export function mth(a: number, b: number): Uint8Array {
  const key = `${a}:${b}`;
  let h = memo.get(key);
  if (!h) {
    if (b === a) h = sha256();
    else if (b - a === 1) h = D[a]!;
    else {
      const k = largestPowerOfTwoBelow(b - a);
      h = sha256(Uint8Array.of(1), mth(a, a + k), mth(a + k, b));
    }
    memo.set(key, h);
  }
  return h;
}
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
/** PATH(m, D[a:b]) */
export function path(m: number, a: number, b: number): Uint8Array[] {
  if (b - a === 1) return [];
  const k = largestPowerOfTwoBelow(b - a);
  if (m < k) return [...path(m, a, a + k), mth(a + k, b)];
  return [...path(m - k, a + k, b), mth(a, a + k)];
}
/** SUBPROOF(m, D[a:b], flag) */
export function subproof(m: number, a: number, b: number, flag: boolean): Uint8Array[] {
  const n = b - a;
  if (m === n) return flag ? [] : [mth(a, b)];
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) return [...subproof(m, a, a + k, flag), mth(a + k, b)];
  return [...subproof(m - k, a + k, b, false), mth(a, a + k)];
}
export const referenceInclusion = (index: number, size: number) => path(index, 0, size);
export const referenceConsistency = (size1: number, size2: number) =>
  subproof(size1, 0, size2, true);

/** Serves perfect subtree hashes from the reference. */
export const reader: HashReader = {
  readHashes: (ids) =>
    ids.map(({ level, index }) => mth(index * 2 ** level, (index + 1) * 2 ** level)),
};

/** mulberry32: a seeded generator so a failure names a reproducible case. */
export function random(seed: number): (below: number) => number {
  let s = seed;
  return (below) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}
