// Test-only: writes classic pcap files (Ethernet, IPv4, UDP) around given payloads, to feed tshark
// and the decoder the same junk and truncated datagrams.

function udpFrame(payload: Uint8Array, dstPort: number): Buffer {
  const udpLength = 8 + payload.length;
  const frame = Buffer.alloc(14 + 20 + udpLength);
  frame.writeUInt16BE(0x0800, 12);
  frame.writeUInt8(0x45, 14);
  frame.writeUInt16BE(20 + udpLength, 16);
  frame.writeUInt8(64, 22);
  frame.writeUInt8(17, 23);
  frame.set([10, 0, 0, 1, 233, 54, 12, 111], 26);
  frame.writeUInt16BE(40000, 34);
  frame.writeUInt16BE(dstPort, 36);
  frame.writeUInt16BE(udpLength, 38);
  frame.set(payload, 42);
  return frame;
}

/**
 * A microsecond pcap of UDP datagrams carrying `payloads`, one per second; with `snapBytes`, each
 * record keeps only that many bytes of its frame (a capture taken with a short snap length).
 */
export function udpPcap(payloads: Uint8Array[], dstPort = 26477, snapBytes?: number): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const records = payloads.map((payload, i) => {
    const whole = udpFrame(payload, dstPort);
    const frame = whole.subarray(0, Math.min(whole.length, snapBytes ?? whole.length));
    const record = Buffer.alloc(16);
    record.writeUInt32LE(1_700_000_000 + i, 0);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(whole.length, 12);
    return Buffer.concat([record, frame]);
  });
  return Buffer.concat([header, ...records]);
}
