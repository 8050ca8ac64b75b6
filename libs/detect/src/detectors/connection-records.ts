// Which network activity records stand for a new connection, so that one TCP connection counts once
// however many records its sensor emits for it (what one Zeek conn.log line is for RITA).
//
// A sentinel in eBPF mode reports a TCP connection twice over: socket events from the kernel's TCP
// state machine (OPEN on connect or accept, then CLOSE with the socket's byte counters, or FAIL when
// it never opened) and, from its packet accounting, NetFlow-style TRAFFIC records (one when the flow
// ends, and one per active timeout while it lasts). Pcap replay and UDP have only TRAFFIC. Counting
// every CLOSE and every TRAFFIC made each beacon check-in two connections a few milliseconds apart,
// which wrecks the interval statistics, and a long-lived connection's periodic TRAFFIC exports
// looked like a perfectly regular beacon.
//
// The rule, per connection (protocol and both endpoints with ports, either orientation):
// - a socket record is preferred: OPEN counts nothing but marks the connection as tracked by
//   socket events, so its TRAFFIC exports are not counted; its CLOSE/FAIL/REFUSE/RESET counts once.
// - TRAFFIC counts only for a connection not seen in the last `memoryNs` (no socket events for it:
//   replay, UDP, traffic the node only forwards); later exports of the same flow are continuations.
// - a connection the local socket accepted (OPEN inbound) is not a connection from the local end:
//   its CLOSE is not counted (the remote end originated it).
// - a record without both ports cannot be matched to another one and counts, as before.
// Reuse of the same 5-tuple within `memoryNs` (a client port reused to the same server) is taken for
// the same connection: rare, since a closed connection holds its tuple in TIME_WAIT for 60 s.
import { NetworkActivityId, NetworkDirection, type Event } from '@omega/proto';
import { LruMap } from './lru-map';

export interface ConnectionRecordsConfig {
  /** Connections remembered (LRU). */
  maxConnections: number;
  /** How long after its last record a connection is remembered. */
  memoryNs: number;
}

interface SeenConnection {
  /** Event time (s) of its last record. */
  lastSec: number;
  /** Counted already (by a TRAFFIC export or a closing socket record). */
  counted: boolean;
  /** The local socket accepted it (OPEN inbound). */
  inbound: boolean;
}

/** Network activities that open, close or summarise a connection. */
export function isConnectionActivity(activity: NetworkActivityId): boolean {
  switch (activity) {
    case NetworkActivityId.NETWORK_ACTIVITY_ID_OPEN:
    case NetworkActivityId.NETWORK_ACTIVITY_ID_CLOSE:
    case NetworkActivityId.NETWORK_ACTIVITY_ID_TRAFFIC:
    case NetworkActivityId.NETWORK_ACTIVITY_ID_FAIL:
    case NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE:
    case NetworkActivityId.NETWORK_ACTIVITY_ID_RESET:
      return true;
    default:
      return false;
  }
}

export class ConnectionRecords {
  private readonly seen: LruMap<string, SeenConnection>;
  private readonly memorySec: number;

  constructor(config: ConnectionRecordsConfig) {
    this.seen = new LruMap(config.maxConnections);
    this.memorySec = config.memoryNs / 1e9;
  }

  get size(): number {
    return this.seen.size;
  }

  /**
   * Whether this record is a new connection to count (see the rule above). `event` is a network
   * activity event whose activity passed `isConnectionActivity`.
   */
  countsAsConnection(event: Event): boolean {
    if (event.payload?.$case !== 'networkActivity') return false;
    const activity = event.payload.value;
    const open = activity.activityId === NetworkActivityId.NETWORK_ACTIVITY_ID_OPEN;
    const key = connectionKey(event, activity.protocol);
    if (key === undefined) return !open;
    const nowSec = Number(event.timeNs / 1_000_000n) / 1000;
    const known = this.seen.get(key);
    const recent = known !== undefined && Math.abs(nowSec - known.lastSec) <= this.memorySec;
    if (known) known.lastSec = Math.max(known.lastSec, nowSec);
    if (open) {
      const inbound = activity.direction === NetworkDirection.NETWORK_DIRECTION_INBOUND;
      if (recent) known.inbound ||= inbound;
      else this.seen.set(key, { lastSec: nowSec, counted: false, inbound });
      return false;
    }
    if (activity.activityId === NetworkActivityId.NETWORK_ACTIVITY_ID_TRAFFIC) {
      if (recent) return false; // socket-tracked, or a continuation export of a counted flow
      this.seen.set(key, { lastSec: nowSec, counted: true, inbound: false });
      return true;
    }
    // CLOSE, FAIL, REFUSE, RESET: the socket's own end-of-connection record.
    if (recent && (known.counted || known.inbound)) return false;
    this.seen.set(key, { lastSec: nowSec, counted: true, inbound: false });
    return true;
  }
}

/** `protocol|a|b` with the two `ip:port` ends sorted; undefined when a port is missing. */
function connectionKey(event: Event, protocol: number): string | undefined {
  const src = event.srcEndpoint;
  const dst = event.dstEndpoint;
  if (!src?.port || !dst?.port || !src.ip || !dst.ip) return undefined;
  const a = `${src.ip}:${src.port}`;
  const b = `${dst.ip}:${dst.port}`;
  return a < b ? `${protocol}|${a}|${b}` : `${protocol}|${b}|${a}`;
}
