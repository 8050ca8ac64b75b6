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

export const UUID_TEXT_BYTES = 36;
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Writes the 36-character text of a UUIDv7 for `timeMs` at `out[at]` (the hot path writes ids
 * straight into an encoded event, without a string).
 */
export function writeUuidv7Text(
  out: Uint8Array,
  at: number,
  timeMs: number,
  random: Uint8Array = random10(),
): void {
  const ms = Math.max(0, Math.floor(timeMs));
  // 48-bit big-endian milliseconds, then version 7 and variant 10 over the random bits
  const hi = Math.floor(ms / 0x1000000) & 0xffffff;
  const lo = ms & 0xffffff;
  let p = at;
  const hex = (b: number): void => {
    out[p++] = HEX[b >> 4] as number;
    out[p++] = HEX[b & 0x0f] as number;
  };
  hex(hi >> 16);
  hex((hi >> 8) & 0xff);
  hex(hi & 0xff);
  hex(lo >> 16);
  out[p++] = 0x2d; // '-'
  hex((lo >> 8) & 0xff);
  hex(lo & 0xff);
  out[p++] = 0x2d;
  hex(0x70 | ((random[0] as number) & 0x0f));
  hex(random[1] as number);
  out[p++] = 0x2d;
  hex(0x80 | ((random[2] as number) & 0x3f));
  hex(random[3] as number);
  out[p++] = 0x2d;
  for (let i = 4; i < 10; i++) hex(random[i] as number);
}

export function uuidv7(timeMs: number, random: Uint8Array = random10()): string {
  const text = Buffer.allocUnsafe(UUID_TEXT_BYTES);
  writeUuidv7Text(text, 0, timeMs, random);
  return text.toString('latin1');
}
