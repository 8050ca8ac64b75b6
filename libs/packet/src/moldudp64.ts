// MoldUDP64 framing (Nasdaq's "MoldUDP64 Protocol Specification" 1.00): a 20-byte header (session
// 10 ASCII, sequence number of the first message 8, message count 2, all big-endian) then `count`
// blocks of a 2-byte length and that many message bytes. Strict: the blocks must fill the payload
// exactly and every message must be a known type of exactly its spec length.
import { Code, OmegaError } from '@omega/errors';
import { readAscii, readUint64Number } from './field-readers';

export const MOLDUDP64_HEADER_BYTES = 20;
/** Count values that carry no messages: a heartbeat (0) and the end of the session (0xFFFF). */
export const MOLDUDP64_END_OF_SESSION = 0xffff;

export interface MoldUdp64Header {
  session: string;
  sequence: number;
  count: number;
}

/** Called once per message: where its type byte is, its length, its sequence number. */
export type MoldUdp64Visitor = (offset: number, length: number, sequence: number) => void;

export function readMoldUdp64Header(view: DataView, start: number, end: number): MoldUdp64Header {
  if (end - start < MOLDUDP64_HEADER_BYTES) {
    throw new OmegaError(
      Code.InvalidArgument,
      `MoldUDP64 header at byte ${start}: ${end - start} bytes is shorter than the 20-byte header`,
    );
  }
  return {
    session: readAscii(view, start, 10),
    sequence: readUint64Number(view, start + 10, false),
    count: view.getUint16(start + 18, false),
  };
}

/**
 * Walks the messages of one MoldUDP64 payload in [start, end) of `view`, calling `visit` for each.
 * Throws an OmegaError naming the byte offset when the blocks do not add up, a type is unknown
 * (`lengths[type] < 0`) or a length differs from the spec's.
 */
export function walkMoldUdp64(
  view: DataView,
  start: number,
  end: number,
  lengths: Int32Array,
  visit: MoldUdp64Visitor,
): MoldUdp64Header {
  const header = readMoldUdp64Header(view, start, end);
  const count = header.count === MOLDUDP64_END_OF_SESSION ? 0 : header.count;
  let at = start + MOLDUDP64_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + 2 > end)
      throw bad(at, `message ${i + 1} of ${count}: its length is past the end of the payload`);
    const length = view.getUint16(at, false);
    if (length === 0 || at + 2 + length > end) {
      throw bad(
        at,
        `message ${i + 1} of ${count}: length ${length} runs past the end of the payload`,
      );
    }
    const type = view.getUint8(at + 2);
    const expected = lengths[type] ?? -1;
    if (expected < 0)
      throw bad(at + 2, `message ${i + 1} of ${count}: unknown type 0x${type.toString(16)}`);
    if (expected !== length) {
      throw bad(
        at + 2,
        `message ${i + 1} of ${count}: type '${String.fromCharCode(type)}' is ${length} bytes, the spec says ${expected}`,
      );
    }
    visit(at + 2, length, header.sequence + i);
    at += 2 + length;
  }
  if (at !== end) throw bad(at, `${end - at} bytes after the ${count} messages the header counts`);
  return header;
}

function bad(offset: number, message: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `MoldUDP64 at byte ${offset}: ${message}`);
}
