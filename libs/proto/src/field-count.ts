// How often a field occurs at the top level of an encoded message, read from the wire without
// decoding: a bound on repeated fields can then refuse a request before decoding builds an object
// for each element (a 4 MB request of empty elements decodes into millions of objects).
import { BinaryReader } from '@bufbuild/protobuf/wire';

/**
 * Occurrences of `fieldNumber` among the top-level fields of `bytes`, counting stopping at
 * `stopAt` (pass the limit + 1). Throws, naming the byte offset, when the bytes are not a message.
 */
export function countTopLevelField(
  bytes: Uint8Array,
  fieldNumber: number,
  stopAt = Infinity,
): number {
  const reader = new BinaryReader(bytes);
  let count = 0;
  while (reader.pos < reader.len && count < stopAt) {
    const at = reader.pos;
    try {
      const [number, wireType] = reader.tag();
      if (number === fieldNumber) count++;
      reader.skip(wireType, number);
    } catch (err) {
      throw new Error(
        `not a protobuf message at byte ${at}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }
  return count;
}
