// Readers for the field widths DataView lacks (6 and 8 bytes as plain numbers, fixed ASCII), used
// by generated decoders. They read straight from the caller's buffer and allocate nothing but the
// string an ASCII field returns.

const TWO_32 = 4294967296;

export function readUint48(view: DataView, offset: number, littleEndian: boolean): number {
  return littleEndian
    ? view.getUint32(offset, true) + view.getUint16(offset + 4, true) * TWO_32
    : view.getUint16(offset, false) * TWO_32 + view.getUint32(offset + 2, false);
}

/** A 64-bit unsigned integer as a number when it is exact, else as its decimal string. */
export function readUint64(view: DataView, offset: number, littleEndian: boolean): number | string {
  const value = readUint64Number(view, offset, littleEndian);
  return Number.isSafeInteger(value) ? value : view.getBigUint64(offset, littleEndian).toString();
}

/** A 64-bit signed integer as a number when it is exact, else as its decimal string. */
export function readInt64(view: DataView, offset: number, littleEndian: boolean): number | string {
  const hi = view.getInt32(littleEndian ? offset + 4 : offset, littleEndian);
  const lo = view.getUint32(littleEndian ? offset : offset + 4, littleEndian);
  const value = hi * TWO_32 + lo;
  return Number.isSafeInteger(value) ? value : view.getBigInt64(offset, littleEndian).toString();
}

/** A 64-bit unsigned integer as the nearest number (prices, where a double is what users get). */
export function readUint64Number(view: DataView, offset: number, littleEndian: boolean): number {
  const hi = view.getUint32(littleEndian ? offset + 4 : offset, littleEndian);
  const lo = view.getUint32(littleEndian ? offset : offset + 4, littleEndian);
  return hi * TWO_32 + lo;
}

/** Fixed-width ASCII, right-padded with spaces: the padding is dropped, every other byte kept. */
export function readAscii(view: DataView, offset: number, size: number): string {
  let end = offset + size;
  while (end > offset && view.getUint8(end - 1) === 0x20) end--;
  let text = '';
  for (let i = offset; i < end; i++) text += String.fromCharCode(view.getUint8(i));
  return text;
}
