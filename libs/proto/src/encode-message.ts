// Encoding a message into one long-lived BinaryWriter instead of a new one per message.
//
// ts-proto's `X.encode(m).finish()` starts a writer from an empty buffer and doubles it as the
// message grows (a fresh zeroed allocation and a copy at each step), then copies the result out,
// and its grpc-js serializers copy it once more into a Buffer. On trust's append path (an
// AppendAuditBatch answer is ~90 KB, and every entry is encoded once) that was ~6% of the
// process. Reusing one writer leaves a single copy, exactly the message's size. Encoding is
// synchronous and nested messages share their parent's writer, so one writer per thread is safe.
import { BinaryWriter } from '@bufbuild/protobuf/wire';

/** What ts-proto generates for every message type. */
export interface EncodableType<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
}

/** Above this the writer's buffer is not kept, so one huge message does not pin its memory. */
const KEEP_WRITER_BYTES = 4 * 1024 * 1024;

let shared = new BinaryWriter();

/** The message's protobuf encoding, byte for byte what `type.encode(message).finish()` gives. */
export function encodeMessage<T>(type: EncodableType<T>, message: T): Buffer {
  let bytes: Uint8Array;
  try {
    bytes = type.encode(message, shared).finish();
  } catch (err) {
    // A throw mid-message (a value out of range) leaves the writer mid-fork: start afresh.
    shared = new BinaryWriter();
    throw err;
  }
  if (bytes.byteLength > KEEP_WRITER_BYTES) shared = new BinaryWriter();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
