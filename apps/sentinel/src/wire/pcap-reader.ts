// The capture reader lives in @omega/packet (pure, shared with the packet decoders); the sentinel
// reads captures through it.
export { readCapture, type CapturedPacket, type PcapReadResult } from '@omega/packet';
