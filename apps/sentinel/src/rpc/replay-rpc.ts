// ReplayPcap: a capture (inline bytes or a path on this node) through the same decoders as live
// traffic, published to TELEMETRY under its own session and tagged with the replay id.
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import {
  EventClass,
  type Event,
  type ReplayPcapRequest,
  type ReplayPcapResponse,
} from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { replayPackets } from '../events/capture-replay';
import { readCapture, type CapturedPacket } from '../wire/pcap-reader';
import type { TelemetryPublisher } from '../events/telemetry-publisher';

export interface ReplayRpcDeps {
  node: string;
  /** Where `path` captures may be read from, and how large they may be. */
  captures: CaptureDirectory;
  /** A publisher with its own session for one replay; closed (flushed) by the RPC. */
  newPublisher(sessionId: string): TelemetryPublisher;
  now(): bigint;
}

const KIND_OF_CLASS: Partial<Record<EventClass, string>> = {
  [EventClass.EVENT_CLASS_NETWORK_ACTIVITY]: 'network',
  [EventClass.EVENT_CLASS_DNS_ACTIVITY]: 'dns',
};

export interface CaptureDirectory {
  dir: string;
  maxBytes: number;
}

/**
 * The bytes of a capture named by ReplayPcapRequest.path: a regular file inside the configured
 * directory (after resolving symlinks), no larger than its cap. Anything else — /dev/zero, a FIFO,
 * /etc/shadow, a symlink out of the directory — is refused before a byte is read: the sentinel
 * runs privileged, and its callers must not be able to read the node's files or exhaust its memory.
 */
export async function readCaptureFile(
  captures: CaptureDirectory,
  path: string,
): Promise<Uint8Array> {
  const where = `ReplayPcapRequest.path ${JSON.stringify(path)}`;
  let root: string;
  try {
    root = await realpath(captures.dir);
  } catch (err) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${where}: the replay directory ${captures.dir} (sentinel.replay.dir) is not readable: ${errorMessage(err)}`,
      { cause: err },
    );
  }
  let real: string;
  try {
    real = await realpath(isAbsolute(path) ? path : resolve(root, path));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new OmegaError(
      missing ? Code.NotFound : Code.InvalidArgument,
      `${where}: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
  if (!real.startsWith(root + sep)) {
    throw new OmegaError(
      Code.PermissionDenied,
      `${where}: resolves to ${real}, outside the replay directory ${root} (sentinel.replay.dir); copy the capture there or send its bytes`,
    );
  }
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below refuses it.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new OmegaError(Code.InvalidArgument, `${where}: ${real} is not a regular file`);
    }
    if (stat.size > captures.maxBytes) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${where}: ${stat.size} bytes, more than the ${captures.maxBytes} allowed (sentinel.replay.maxBytes)`,
      );
    }
    // Exactly the size seen: a file that grows meanwhile is read up to that size, never past the cap.
    const bytes = new Uint8Array(stat.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === bytes.length ? bytes : bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

async function captureBytes(
  captures: CaptureDirectory,
  request: ReplayPcapRequest,
): Promise<{ bytes: Uint8Array; name: string }> {
  const source = request.source;
  switch (source?.$case) {
    case 'pcap':
      return { bytes: source.value, name: 'ReplayPcapRequest.pcap' };
    case 'path':
      return { bytes: await readCaptureFile(captures, source.value), name: source.value };
    case 'objectName':
      throw new OmegaError(
        Code.InvalidArgument,
        'ReplayPcapRequest.object_name: this sentinel has no capture object store; send pcap bytes or a path',
      );
    default:
      throw new OmegaError(
        Code.InvalidArgument,
        'ReplayPcapRequest: set one of pcap, path, object_name',
      );
  }
}

export async function replayPcap(
  deps: ReplayRpcDeps,
  request: ReplayPcapRequest,
): Promise<ReplayPcapResponse> {
  const started = Date.now();
  if (request.speed !== 0) {
    throw new OmegaError(
      Code.InvalidArgument,
      `ReplayPcapRequest.speed ${request.speed}: only 0 (as fast as possible) is built; paced replay is not`,
    );
  }
  const { bytes, name } = await captureBytes(deps.captures, request);
  const capture = readCapture(bytes, name);
  let packets: CapturedPacket[] = capture.packets;
  const first = packets[0]?.timeNs;
  if (request.shiftToNow && first !== undefined) {
    const shift = deps.now() - first;
    packets = packets.map((p) => ({ ...p, timeNs: p.timeNs + shift }));
  }
  const replayId = request.replayId || randomUUID();
  const { events, skippedPackets } = replayPackets(packets, deps.node);
  const publisher = deps.newPublisher(`replay-${replayId}`);
  let emitted = 0;
  for (const event of events) {
    const kind = KIND_OF_CLASS[event.classUid];
    if (!kind) continue;
    const tagged: Event = { ...event, unmapped: { ...event.unmapped, 'replay.id': replayId } };
    publisher.add(kind, tagged);
    emitted++;
  }
  await publisher.close(30_000);
  const { batchesPublished, droppedEvents, buffered } = publisher.stats;
  if (buffered > 0 || droppedEvents > 0n) {
    throw new OmegaError(
      Code.Unavailable,
      `ReplayPcap ${replayId}: ${buffered} events not published within 30 s and ${droppedEvents} dropped (is NATS up?)`,
    );
  }
  if (capture.error) {
    throw new OmegaError(
      Code.InvalidArgument,
      `${capture.error.message}; the ${emitted} events from the ${capture.packets.length} packets before it were published under replay id ${replayId}`,
      { cause: capture.error },
    );
  }
  return {
    replayId,
    packetsRead: BigInt(packets.length),
    packetsSkipped: BigInt(skippedPackets),
    eventsEmitted: BigInt(emitted),
    batchesEmitted: batchesPublished,
    capture:
      first !== undefined
        ? { startTimeNs: packets[0]!.timeNs, endTimeNs: packets[packets.length - 1]!.timeNs }
        : undefined,
    durationMs: BigInt(Date.now() - started),
  };
}
