// ReplayPcap: a capture (inline bytes or a path on this node) through the same decoders as live
// traffic, published to TELEMETRY under its own session and tagged with the replay id.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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
  /** A publisher with its own session for one replay; closed (flushed) by the RPC. */
  newPublisher(sessionId: string): TelemetryPublisher;
  now(): bigint;
}

const KIND_OF_CLASS: Partial<Record<EventClass, string>> = {
  [EventClass.EVENT_CLASS_NETWORK_ACTIVITY]: 'network',
  [EventClass.EVENT_CLASS_DNS_ACTIVITY]: 'dns',
};

async function captureBytes(
  request: ReplayPcapRequest,
): Promise<{ bytes: Uint8Array; name: string }> {
  const source = request.source;
  switch (source?.$case) {
    case 'pcap':
      return { bytes: source.value, name: 'ReplayPcapRequest.pcap' };
    case 'path':
      try {
        return { bytes: await readFile(source.value), name: source.value };
      } catch (err) {
        throw new OmegaError(
          (err as NodeJS.ErrnoException).code === 'ENOENT' ? Code.NotFound : Code.InvalidArgument,
          `ReplayPcapRequest.path: ${errorMessage(err)}`,
          { cause: err },
        );
      }
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
  const { bytes, name } = await captureBytes(request);
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
