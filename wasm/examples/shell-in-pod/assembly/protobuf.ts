// Protobuf wire reading and writing over linear memory, for the example module.

export class Reader {
  failed: bool = false;
  constructor(
    public at: usize,
    public end: usize,
  ) {
    this.end = at + end;
  }

  done(): bool {
    return this.failed || this.at >= this.end;
  }

  varint(): u64 {
    let value: u64 = 0;
    for (let shift: u64 = 0; shift < 64; shift += 7) {
      if (this.at >= this.end) break;
      const byte = load<u8>(this.at++);
      value |= (<u64>(byte & 0x7f)) << shift;
      if (byte < 0x80) return value;
    }
    this.failed = true;
    return 0;
  }

  key(): u32 {
    return <u32>this.varint();
  }

  /** The next length-delimited field as a reader over its bytes. */
  message(): Reader {
    const len = <usize>this.varint();
    if (len > this.end - this.at) {
      this.failed = true;
      return new Reader(this.end, 0);
    }
    const inner = new Reader(this.at, len);
    this.at += len;
    return inner;
  }

  string(): string {
    const len = <usize>this.varint();
    if (len > this.end - this.at) {
      this.failed = true;
      return '';
    }
    const text = String.UTF8.decodeUnsafe(this.at, len);
    this.at += len;
    return text;
  }

  skip(key: u32): void {
    const wire = key & 7;
    if (wire == 0) this.varint();
    else if (wire == 1) this.at += 8;
    else if (wire == 2) this.message();
    else if (wire == 5) this.at += 4;
    else this.failed = true;
    if (this.at > this.end) this.failed = true;
  }
}

export class Writer {
  start: usize;
  length: i32 = 0;
  constructor(public capacity: i32) {
    this.start = heap.alloc(<usize>capacity);
  }

  reset(): void {
    this.length = 0;
  }

  byte(value: u8): void {
    if (this.length >= this.capacity) return;
    store<u8>(this.start + <usize>this.length, value);
    this.length++;
  }

  varint(value: u64): void {
    while (value >= 0x80) {
      this.byte(<u8>(value | 0x80));
      value >>= 7;
    }
    this.byte(<u8>value);
  }

  varintField(field: u32, value: u64): void {
    this.varint(((<u64>field) << 3) | 0);
    this.varint(value);
  }

  bytesField(field: u32, at: usize, len: i32): void {
    this.varint(((<u64>field) << 3) | 2);
    this.varint(<u64>len);
    for (let i = 0; i < len; i++) this.byte(load<u8>(at + <usize>i));
  }

  stringField(field: u32, text: string): void {
    const utf8 = String.UTF8.encode(text);
    this.bytesField(field, changetype<usize>(utf8), utf8.byteLength);
  }

  /** One map<string, string> entry. */
  mapEntry(field: u32, key: string, value: string): void {
    const entry = new Writer(512);
    entry.stringField(1, key);
    entry.stringField(2, value);
    this.bytesField(field, entry.start, entry.length);
    heap.free(entry.start);
  }
}
