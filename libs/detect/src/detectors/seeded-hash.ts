// Deterministic seeded 32-bit string hashing (FNV-1a, then murmur3's finalizer) for sketches and sets.

/** 32-bit hash of `text` under `seed`; same inputs, same output, on every machine. */
export function seededHash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // FNV alone mixes its low bits poorly; the finalizer spreads every input bit over the word.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
