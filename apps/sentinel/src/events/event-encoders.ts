// Hand-written protobuf encoders for the hot event kinds: a DNS event straight from the loader's
// DNS frame bytes, and a flow (TRAFFIC) event from a flow record, written into the open batch with
// no Event object and no intermediate buffers. They write exactly what ts-proto's Event.encode
// writes for the Event that network-events.ts builds for the same input, field for field and byte
// for byte (event-encoders.spec.ts decodes them with ts-proto and protobufjs and compares).
// bench/sentinel/README.md has the figures that justify them over ts-proto here.
import { EventClass, FIELD_TAGS, Severity } from '@omega/proto';
import { decodeDnsSummary, type DnsSummary } from '../wire/dns-message';
import { UUID_TEXT_BYTES, writeUuidv7Text } from './event-id';
import { dnsFrameCapturedBytes, ipv6Text } from '../wire/loader-frames';
import type { EventSource, Flow } from './network-events';
import { ProtoWriter } from '@omega/proto';

// Field keys ((number << 3) | wire type), generated from common.proto by proto:gen.
const EVENT_ID = FIELD_TAGS.Event.id;
const EVENT_TIME_NS = FIELD_TAGS.Event.timeNs;
const EVENT_CLASS_UID = FIELD_TAGS.Event.classUid;
const EVENT_SEVERITY = FIELD_TAGS.Event.severity;
const EVENT_MESSAGE = FIELD_TAGS.Event.message;
const EVENT_SRC_ENDPOINT = FIELD_TAGS.Event.srcEndpoint;
const EVENT_DST_ENDPOINT = FIELD_TAGS.Event.dstEndpoint;
const EVENT_NODE = FIELD_TAGS.Event.node;
const EVENT_NETWORK_ACTIVITY = FIELD_TAGS.Event.networkActivity;
const EVENT_DNS_ACTIVITY = FIELD_TAGS.Event.dnsActivity;
const EVENT_UNMAPPED = FIELD_TAGS.Event.unmapped;
const EVENT_RAW_DATA = FIELD_TAGS.Event.rawData;
const DNS = FIELD_TAGS.DnsActivity;
const QUERY = FIELD_TAGS.DnsQuery;
const ANSWER = FIELD_TAGS.DnsAnswer;
const NETWORK = FIELD_TAGS.NetworkActivity;
const TRAFFIC = FIELD_TAGS.NetworkTraffic;
const INTERVAL = FIELD_TAGS.TimeRange;

/** `unmapped {"sentinel.source": source}` as one pre-encoded map entry per source. */
const SOURCE_ENTRY: Record<EventSource, Buffer> = {
  ebpf: unmappedEntry('sentinel.source', 'ebpf'),
  pcap: unmappedEntry('sentinel.source', 'pcap'),
};

function unmappedEntry(key: string, value: string): Buffer {
  const w = new ProtoWriter(64);
  w.uint32(EVENT_UNMAPPED).fork();
  w.uint32(FIELD_TAGS.Event_UnmappedEntry.key).string(key);
  w.uint32(FIELD_TAGS.Event_UnmappedEntry.value).string(value);
  w.join();
  return Buffer.from(w.bytes());
}

/** Whole milliseconds of a little-endian uint64 nanosecond count, exactly (no float rounding). */
function millisOfNs(bytes: Buffer, at: number): number {
  const lo = bytes.readUInt32LE(at);
  const hi = bytes.readUInt32LE(at + 4);
  // hi * 2^32 + lo = hi * 4294 * 10^6 + (hi * 967296 + lo), every term exact in a double
  return hi * 4294 + Math.floor((hi * 967_296 + lo) / 1_000_000);
}

function writeId(w: ProtoWriter, timeMs: number): void {
  w.uint32(EVENT_ID).uint32(UUID_TEXT_BYTES);
  w.ensure(UUID_TEXT_BYTES);
  writeUuidv7Text(w.buf, w.pos, timeMs);
  w.pos += UUID_TEXT_BYTES;
}

/** Decimal text of one byte. */
function writeDecimal(w: ProtoWriter, value: number): void {
  if (value >= 100) w.byte(0x30 + Math.floor(value / 100));
  if (value >= 10) w.byte(0x30 + (Math.floor(value / 10) % 10));
  w.byte(0x30 + (value % 10));
}

function writePortText(w: ProtoWriter, port: number): void {
  if (port >= 10) writePortText(w, Math.floor(port / 10));
  w.byte(0x30 + (port % 10));
}

/** Dotted text of the IPv4 address in `body[at, at+4)`, inside an open string. */
function writeIpv4Text(w: ProtoWriter, body: Buffer, at: number): void {
  for (let i = 0; i < 4; i++) {
    if (i > 0) w.byte(0x2e);
    writeDecimal(w, body[at + i] as number);
  }
}

/**
 * The address text the frame decoder gives for 16 address bytes (IPv4 in the first 4; a
 * v4-mapped IPv6 address as IPv4), written without key, inside an open string.
 */
function writeAddressText(w: ProtoWriter, family: number, body: Buffer, at: number): void {
  if (family === 4) return writeIpv4Text(w, body, at);
  let mapped = body[at + 10] === 0xff && body[at + 11] === 0xff;
  for (let i = 0; mapped && i < 10; i++) mapped = body[at + i] === 0;
  if (mapped) return writeIpv4Text(w, body, at + 12);
  w.rawString(ipv6Text(body.subarray(at, at + 16)));
}

/** NetworkEndpoint {ip, port} from frame bytes (ip is never empty). */
function writeFrameEndpoint(
  w: ProtoWriter,
  key: number,
  family: number,
  body: Buffer,
  addressAt: number,
  port: number,
): void {
  w.uint32(key).fork();
  w.uint32(FIELD_TAGS.NetworkEndpoint.ip).fork();
  writeAddressText(w, family, body, addressAt);
  w.join();
  if (port !== 0) w.uint32(FIELD_TAGS.NetworkEndpoint.port).uint32(port);
  w.join();
}

function writeEndpoint(w: ProtoWriter, key: number, ip: string, port: number): void {
  w.uint32(key).fork();
  if (ip !== '') w.uint32(FIELD_TAGS.NetworkEndpoint.ip).string(ip);
  if (port !== 0) w.uint32(FIELD_TAGS.NetworkEndpoint.port).uint32(port);
  w.join();
}

function writeString(w: ProtoWriter, key: number, value: string): void {
  if (value !== '') w.uint32(key).string(value);
}

/**
 * The DNS event for one loader DNS frame body, appended to `w`. False (and nothing written) when
 * the payload is not a DNS message (its flow still counts it). Throws on a malformed frame, with
 * the frame decoder's message.
 */
export function writeDnsFrameEvent(
  w: ProtoWriter,
  body: Buffer,
  node: string,
  source: EventSource,
): boolean {
  const captured = dnsFrameCapturedBytes(body);
  const family = body[48] as number;
  if (family !== 4 && family !== 6)
    throw new Error(`DNS address family ${family}, expected 4 or 6`);
  let dns: DnsSummary;
  try {
    dns = decodeDnsSummary(body.subarray(56, 56 + captured));
  } catch {
    return false;
  }
  writeId(w, millisOfNs(body, 0));
  if (body.readUInt32LE(0) !== 0 || body.readUInt32LE(4) !== 0) {
    w.uint32(EVENT_TIME_NS).fixed64Bytes(body, 0);
  }
  w.uint32(EVENT_CLASS_UID).uint32(EventClass.EVENT_CLASS_DNS_ACTIVITY);
  w.uint32(EVENT_SEVERITY).uint32(Severity.SEVERITY_INFORMATIONAL);
  writeDnsMessage(w, dns);
  writeFrameEndpoint(w, EVENT_SRC_ENDPOINT, family, body, 12, body.readUInt16LE(44));
  writeFrameEndpoint(w, EVENT_DST_ENDPOINT, family, body, 28, body.readUInt16LE(46));
  writeString(w, EVENT_NODE, node);
  writeDnsActivity(w, dns);
  w.raw(SOURCE_ENTRY[source]);
  if (captured > 0) w.uint32(EVENT_RAW_DATA).bytesField(body, 56, 56 + captured);
  return true;
}

function writeDnsMessage(w: ProtoWriter, dns: DnsSummary): void {
  w.uint32(EVENT_MESSAGE).fork();
  w.rawString(dns.response ? 'dns response ' : 'dns query ');
  if (dns.question) {
    w.rawString(dns.question.name);
    w.byte(0x20);
    w.rawString(dns.question.type);
  } else {
    w.byte(0x20);
  }
  w.join();
}

function writeDnsActivity(w: ProtoWriter, dns: DnsSummary): void {
  w.uint32(EVENT_DNS_ACTIVITY).fork();
  w.uint32(DNS.activityId).uint32(dns.response ? 2 : 1); // DNS_ACTIVITY_ID_RESPONSE : _QUERY
  w.uint32(DNS.query).fork(); // query: always present
  const q = dns.question;
  if (q) {
    writeString(w, QUERY.hostname, q.name);
    writeString(w, QUERY.type, q.type);
    writeString(w, QUERY.class, q.class);
  }
  if (dns.id !== 0) w.uint32(QUERY.packetUid).uint32(dns.id);
  w.join();
  for (const a of dns.answers) {
    w.uint32(DNS.answers).fork();
    writeString(w, ANSWER.type, a.type);
    writeString(w, ANSWER.rdata, a.rdata);
    if (a.ttlSeconds !== 0) w.uint32(ANSWER.ttlSeconds).uint32(a.ttlSeconds);
    w.join();
  }
  if (dns.rcode !== 0) w.uint32(DNS.rcode).uint32(dns.rcode);
  w.uint32(DNS.protocol).uint32(17); // IP_PROTOCOL_UDP
  w.join();
}

/** A flow (TRAFFIC) event, appended to `w`. */
export function writeFlowEvent(
  w: ProtoWriter,
  flow: Flow,
  node: string,
  source: EventSource,
): void {
  writeId(w, Number(flow.firstNs / 1_000_000n));
  if (flow.lastNs !== 0n) w.uint32(EVENT_TIME_NS).fixed64(flow.lastNs);
  w.uint32(EVENT_CLASS_UID).uint32(EventClass.EVENT_CLASS_NETWORK_ACTIVITY);
  w.uint32(EVENT_SEVERITY).uint32(Severity.SEVERITY_INFORMATIONAL);
  w.uint32(EVENT_MESSAGE).fork();
  w.rawString(`flow ${flow.src}:`);
  writePortText(w, flow.srcPort);
  w.rawString(` -> ${flow.dst}:`);
  writePortText(w, flow.dstPort);
  w.rawString(' proto ');
  writePortText(w, flow.protocol);
  w.join();
  writeEndpoint(w, EVENT_SRC_ENDPOINT, flow.src, flow.srcPort);
  writeEndpoint(w, EVENT_DST_ENDPOINT, flow.dst, flow.dstPort);
  writeString(w, EVENT_NODE, node);
  w.uint32(EVENT_NETWORK_ACTIVITY).fork();
  w.uint32(NETWORK.activityId).uint32(6); // NETWORK_ACTIVITY_ID_TRAFFIC
  if (flow.protocol !== 0) w.uint32(NETWORK.protocol).uint32(flow.protocol);
  w.uint32(NETWORK.traffic).fork(); // traffic: always present
  writeCounter(w, TRAFFIC.bytesOut, flow.bytesOut);
  writeCounter(w, TRAFFIC.bytesIn, flow.bytesIn);
  writeCounter(w, TRAFFIC.packetsOut, flow.packetsOut);
  writeCounter(w, TRAFFIC.packetsIn, flow.packetsIn);
  w.join();
  w.uint32(NETWORK.interval).fork(); // interval: always present
  if (flow.firstNs !== 0n) w.uint32(INTERVAL.startTimeNs).fixed64(flow.firstNs);
  if (flow.lastNs !== 0n) w.uint32(INTERVAL.endTimeNs).fixed64(flow.lastNs);
  w.join();
  if (flow.tcpFlags !== 0) w.uint32(NETWORK.tcpFlags).uint32(flow.tcpFlags);
  w.join();
  w.raw(SOURCE_ENTRY[source]);
}

/** A uint64 counter held as a number (exact below 2^53, as the flow exporter computes it). */
function writeCounter(w: ProtoWriter, key: number, value: number): void {
  if (value === 0) return;
  w.uint32(key);
  if (value <= 0xffffffff) w.uint32(value);
  else w.uint64(BigInt(value));
}
