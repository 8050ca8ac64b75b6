// Decodes every MoldUDP64 message of a capture with a generated decoder: packets are read by the
// capture reader, UDP payloads located in place, messages visited without copying. A truncated
// capture keeps the packets before the break and reports the byte offset; a UDP payload that is
// not valid framing for this protocol is reported with its frame number and offset, not guessed at.
import type { OmegaError } from '@omega/errors';
import { walkMoldUdp64 } from './moldudp64';
import { readCapture } from './pcap-reader';
import { udpPayload } from './udp-payload';

const PROGRESS_EVERY = 100_000;

/** What a generated decoder module provides (see typescript-compiler.ts). */
export interface GeneratedDecoder {
  lengths: Int32Array;
  record(view: DataView, offset: number): Record<string, unknown> | undefined;
}

export interface DecodedMessage {
  /** 1-based frame number in the capture, as Wireshark counts. */
  frame: number;
  session: string;
  sequence: number;
  length: number;
  /** Type, name and every field (see the generated `…Record`). */
  fields: Record<string, unknown>;
}

export interface CaptureDecodeResult {
  format: 'pcap' | 'pcapng';
  packets: number;
  messages: number;
  /** Packets that are not UDP. */
  skippedPackets: number;
  /** UDP payloads that are not this protocol's framing, with why (byte offsets in the frame). */
  malformed: { frame: number; error: OmegaError }[];
  /** The capture itself broke off (truncated or corrupt): everything before it was decoded. */
  error?: OmegaError;
}

export function decodeCapture(
  bytes: Uint8Array,
  decoder: GeneratedDecoder,
  onMessage: (message: DecodedMessage) => void,
  name = 'capture',
  /** Called every `PROGRESS_EVERY` packets and once at the end, for progress on long work. */
  onProgress?: (packetsDone: number, packetsTotal: number) => void,
): CaptureDecodeResult {
  const capture = readCapture(bytes, name);
  const result: CaptureDecodeResult = {
    format: capture.format,
    packets: capture.packets.length,
    messages: 0,
    skippedPackets: 0,
    malformed: [],
    ...(capture.error ? { error: capture.error } : {}),
  };
  capture.packets.forEach((packet, index) => {
    if (onProgress && index > 0 && index % PROGRESS_EVERY === 0)
      onProgress(index, capture.packets.length);
    const udp = udpPayload(packet.linkType, packet.data);
    if (!udp) {
      result.skippedPackets++;
      return;
    }
    const view = new DataView(packet.data.buffer, packet.data.byteOffset, packet.data.byteLength);
    const frame = index + 1;
    let session = '';
    const found: DecodedMessage[] = [];
    try {
      session = walkMoldUdp64(
        view,
        udp.start,
        udp.end,
        decoder.lengths,
        (offset, length, sequence) => {
          const fields = decoder.record(view, offset) ?? {};
          found.push({ frame, session, sequence, length, fields });
        },
      ).session;
    } catch (error) {
      result.malformed.push({ frame, error: error as OmegaError });
      return;
    }
    for (const message of found) {
      message.session = session;
      result.messages++;
      onMessage(message);
    }
  });
  onProgress?.(capture.packets.length, capture.packets.length);
  return result;
}
