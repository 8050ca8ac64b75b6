// A protobuf wire writer for hot paths (the sentinel's event batches, trust's AppendAuditBatch
// answers): one growable buffer, no object per field.
// Nested messages reserve one length byte and move their body only when it outgrows it, so the
// output is the canonical (minimal varint) encoding ts-proto and protobufjs write for the same
// fields in the same order (event-encoders.spec.ts proves it byte for byte).

/** Field key = (number << 3) | wire type; callers pass the key, as ts-proto's generated code does. */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;

export class ProtoWriter {
  buf: Buffer;
  pos = 0;
  /** Start positions of the open nested messages (their reserved length byte). */
  private readonly forks: number[] = [];

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written so far (a view of the buffer, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Forgets everything from `pos` on (an event that turned out not to encode). */
  truncate(pos: number): void {
    this.pos = pos;
    this.forks.length = 0;
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An unsigned varint below 2^32 (field keys, lengths, uint32 and non-negative enum values). */
  uint32(value: number): this {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    let v = value >>> 0;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
    return this;
  }

  /** int32 as protobuf writes it: negative values sign-extended to ten bytes. */
  int32(value: number): this {
    if (value >= 0) return this.uint32(value);
    return this.uint64(BigInt.asUintN(64, BigInt(value)));
  }

  /** An unsigned varint of a non-negative safe integer (log indexes, tree sizes), no BigInt. */
  uint53(value: number): this {
    if (value <= 0xffffffff) return this.uint32(value);
    this.ensure(8);
    while (value > 0x7f) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
    return this;
  }

  /** An unsigned varint of any uint64. */
  uint64(value: bigint): this {
    if (value < 0n || value > 0xffffffffffffffffn) {
      throw new RangeError(`uint64 value ${value} out of range`);
    }
    if (value <= 0xffffffffn) return this.uint32(Number(value));
    this.ensure(10);
    let v = value;
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  /** fixed64 from a bigint. */
  fixed64(value: bigint): this {
    this.ensure(8);
    this.buf.writeBigUInt64LE(value, this.pos);
    this.pos += 8;
    return this;
  }

  /** fixed64 copied from 8 little-endian bytes (a kernel timestamp as the loader wrote it). */
  fixed64Bytes(source: Uint8Array, at: number): this {
    this.ensure(8);
    this.buf.set(source.subarray(at, at + 8), this.pos);
    this.pos += 8;
    return this;
  }

  /** A length-delimited UTF-8 string (without its key). */
  string(value: string): this {
    const n = value.length;
    if (n < 128) {
      // short ASCII (names, addresses, ids): byte by byte, cheaper than a call into Buffer.write
      this.ensure(1 + n);
      const at = this.pos;
      if (this.asciiAt(value, at + 1)) {
        this.buf[at] = n;
        this.pos = at + 1 + n;
        return this;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.uint32(bytes);
    this.ensure(bytes);
    this.buf.write(value, this.pos, bytes, 'utf8');
    this.pos += bytes;
    return this;
  }

  /** Bytes of a string without key or length, inside a fork (for strings built from parts). */
  rawString(value: string): this {
    const n = value.length;
    if (n < 128) {
      this.ensure(n);
      if (this.asciiAt(value, this.pos)) {
        this.pos += n;
        return this;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.ensure(bytes);
    this.buf.write(value, this.pos, bytes, 'utf8');
    this.pos += bytes;
    return this;
  }

  /** Copies `value` to buf[at] when it is all ASCII (room ensured by the caller); false if not. */
  private asciiAt(value: string, at: number): boolean {
    const buf = this.buf;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) return false;
      buf[at + i] = c;
    }
    return true;
  }

  /** Length-delimited bytes (without key) from `source[start, end)`. */
  bytesField(source: Uint8Array, start = 0, end = source.length): this {
    this.uint32(end - start);
    return this.raw(source, start, end);
  }

  /** Bytes as they are (pre-encoded fields). */
  raw(source: Uint8Array, start = 0, end = source.length): this {
    const n = end - start;
    this.ensure(n);
    this.buf.set(
      start === 0 && end === source.length ? source : source.subarray(start, end),
      this.pos,
    );
    this.pos += n;
    return this;
  }

  /** One raw byte (a digit, a dot). */
  byte(value: number): this {
    this.ensure(1);
    this.buf[this.pos++] = value;
    return this;
  }

  /** Starts a nested message or a string written in parts: reserves its one-byte length. */
  fork(): this {
    this.ensure(1);
    this.forks.push(this.pos);
    this.pos++;
    return this;
  }

  /** Ends the innermost fork: writes its length, moving the body when the length needs more bytes. */
  join(): this {
    const start = this.forks.pop();
    if (start === undefined) throw new Error('ProtoWriter.join without fork');
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.buf[start] = length;
      return this;
    }
    const extra = varintSize(length) - 1;
    this.ensure(extra);
    this.buf.copyWithin(start + 1 + extra, start + 1, this.pos);
    this.pos = start;
    this.uint32(length);
    this.pos += length;
    return this;
  }
}

/** Bytes of a non-negative safe integer as a varint (5 for 2^28 up to 2^35, 8 at 2^53). */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 5;
  for (let v = Math.floor(value / 0x800000000); v > 0; v = Math.floor(v / 0x80)) size++;
  return size;
}
