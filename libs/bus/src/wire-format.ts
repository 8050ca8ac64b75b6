// Finds where bytes stop being a protobuf message, for dead-letter headers: the generated decoders
// say "premature EOF" or "cant skip wire type 7" but not where.
const MAX_VARINT_BYTES = 10;

export interface WireFormatProblem {
  /** Byte offset of the field (tag) where the bytes stop making sense. */
  offset: number;
  problem: string;
}

/**
 * Walks the top-level fields of a protobuf encoding and returns the first structural problem
 * (truncated tag or value, a length past the end, an invalid wire type), or undefined if every
 * top-level field is well-formed. Pure; only run on bytes that already failed to decode.
 */
export function findWireFormatProblem(bytes: Uint8Array): WireFormatProblem | undefined {
  let pos = 0;
  while (pos < bytes.length) {
    const fieldStart = pos;
    const tag = readVarint(bytes, pos);
    if (!tag) return { offset: fieldStart, problem: 'field tag is cut off' };
    pos = tag.next;
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field === 0) return { offset: fieldStart, problem: 'field number 0 is invalid' };
    switch (wireType) {
      case 0: {
        const value = readVarint(bytes, pos);
        if (!value) return { offset: fieldStart, problem: `field ${field}: varint is cut off` };
        pos = value.next;
        break;
      }
      case 1:
      case 5: {
        const size = wireType === 1 ? 8 : 4;
        if (pos + size > bytes.length) {
          return {
            offset: fieldStart,
            problem: `field ${field}: ${size}-byte value runs past the end (${bytes.length} bytes)`,
          };
        }
        pos += size;
        break;
      }
      case 2: {
        const length = readVarint(bytes, pos);
        if (!length) return { offset: fieldStart, problem: `field ${field}: length is cut off` };
        if (length.next + length.value > bytes.length) {
          return {
            offset: fieldStart,
            problem: `field ${field}: length ${length.value} runs past the end (${bytes.length} bytes)`,
          };
        }
        pos = length.next + length.value;
        break;
      }
      case 3:
      case 4:
        // Group start/end markers (proto2, deprecated): no payload of their own.
        break;
      default:
        return { offset: fieldStart, problem: `field ${field}: invalid wire type ${wireType}` };
    }
  }
  return undefined;
}

function readVarint(bytes: Uint8Array, start: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES && start + i < bytes.length; i++) {
    const byte = bytes[start + i] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: start + i + 1 };
  }
  return undefined;
}
