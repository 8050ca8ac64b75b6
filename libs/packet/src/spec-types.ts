// The shape of a protocol spec (YAML, checked by spec-schema.ts): framing, a common message header
// and messages chosen by a one-byte type, each with fixed-size fields at fixed offsets.

export type ByteOrder = 'big' | 'little';

export type FieldKind = 'uint' | 'int' | 'price' | 'ascii' | 'timestamp' | 'enum';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** Bytes on the wire: 1, 2, 4, 6 or 8 for numbers; any width for ascii. */
  size: number;
  byteOrder?: ByteOrder;
  /** price: implied decimal places (the wire holds value × 10^decimals). */
  decimals?: number;
  /** timestamp: what the integer counts. */
  unit?: 'ns-since-midnight';
  /** enum: wire character → meaning. */
  values?: Record<string, string>;
  description?: string;
}

/** A field with its byte offset from the start of the message (the type byte is offset 0). */
export interface PlacedField extends FieldSpec {
  offset: number;
  byteOrder: ByteOrder;
}

export interface MessageSpec {
  /** The type byte as one ASCII character. */
  type: string;
  name: string;
  title: string;
  /** Total length on the wire, type byte included (checked against the fields). */
  length: number;
  fields: FieldSpec[];
}

export interface CompiledMessage extends MessageSpec {
  typeByte: number;
  /** Header fields then the message's own, with offsets. */
  placed: PlacedField[];
}

export interface ProtocolSpec {
  protocol: string;
  title: string;
  source: string;
  framing: { kind: 'moldudp64' };
  byteOrder: ByteOrder;
  header: FieldSpec[];
  messages: MessageSpec[];
}

export interface CompiledSpec extends ProtocolSpec {
  compiled: CompiledMessage[];
}
