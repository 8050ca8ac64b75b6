// UUIDv7 event ids (time-ordered), from a caller-given time so mapping stays pure.
import { randomBytes } from 'node:crypto';

// One randomBytes call per 409 ids: at tens of thousands of events a second the per-call cost of
// the CSPRNG showed in profiles.
let pool = Buffer.alloc(0);
let poolAt = 0;
function random10(): Uint8Array {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  poolAt += 10;
  return pool.subarray(poolAt - 10, poolAt);
}

export function uuidv7(timeMs: number, random: Uint8Array = random10()): string {
  const b = Buffer.alloc(16);
  b.writeUIntBE(Math.max(0, Math.floor(timeMs)), 0, 6);
  Buffer.from(random.subarray(0, 10)).copy(b, 6);
  b[6] = 0x70 | ((b[6] ?? 0) & 0x0f);
  b[8] = 0x80 | ((b[8] ?? 0) & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
