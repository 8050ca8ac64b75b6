// Public entry of @omega/packet: protocol specs (YAML) compiled to TypeScript decoders and Wireshark
// Lua dissectors, MoldUDP64 framing, and the pcap/pcapng reader. Pure: bytes and text in, no I/O.
export { parseSpec, MAX_SPEC_BYTES } from './spec-loader';
export type {
  ByteOrder,
  CompiledMessage,
  CompiledSpec,
  FieldKind,
  FieldSpec,
  MessageSpec,
  PlacedField,
  ProtocolSpec,
} from './spec-types';
export { compileTypeScript, type TypeScriptOptions } from './typescript-compiler';
export { compileLua } from './lua-compiler';
export { readAscii, readInt64, readUint48, readUint64, readUint64Number } from './field-readers';
export {
  MOLDUDP64_HEADER_BYTES,
  readMoldUdp64Header,
  walkMoldUdp64,
  type MoldUdp64Header,
  type MoldUdp64Visitor,
} from './moldudp64';
export { udpPayload, type UdpPayload } from './udp-payload';
export { readCapture, type CapturedPacket, type PcapReadResult } from './pcap-reader';
export { ITCH50, ITCH50_LENGTHS, itch50Record } from './generated/itch50';
export {
  decodeCapture,
  type CaptureDecodeResult,
  type DecodedMessage,
  type GeneratedDecoder,
} from './capture-decoder';
export { DECODERS, SHIPPED_SPECS_DIR } from './decoders';
