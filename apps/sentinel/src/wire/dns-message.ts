// What a DNS event needs from a DNS message: id, query/response, rcode, the first question and the
// answers. The header and questions (all a query has, usually) are read here with bounds checks;
// answer, authority and additional records go through dns-packet's own record decoder, so a
// message decodes here exactly when dns-packet.decode accepts it (dns-message.spec.ts checks both
// on valid, truncated and mutated messages).
import * as dnsPacket from 'dns-packet';
import type { DnsAnswer } from '@omega/proto';

// dns-packet's name tables, so type and class mnemonics are the ones its decoder gives
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dnsTypes = require('dns-packet/types') as { toString(type: number): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dnsClasses = require('dns-packet/classes') as { toString(klass: number): string };

interface RecordDecoder {
  decode: ((buf: Buffer, offset: number) => dnsPacket.Answer) & { bytes: number };
}
const recordDecoder = (dnsPacket as unknown as { answer: RecordDecoder }).answer;

export interface DnsQuestionSummary {
  name: string;
  type: string;
  class: string;
}

export interface DnsSummary {
  id: number;
  response: boolean;
  /** RCODE as on the wire (the header's low four bits). */
  rcode: number;
  /** The first question, when there is one. */
  question: DnsQuestionSummary | undefined;
  answers: DnsAnswer[];
}

const NO_ANSWERS: DnsAnswer[] = [];

/** Decodes `payload` (a whole DNS message); throws an Error naming the problem when it is not one. */
export function decodeDnsSummary(payload: Buffer): DnsSummary {
  if (payload.length < 12) throw new Error('DNS header must be 12 bytes');
  const flags = payload.readUInt16BE(2);
  const questions = payload.readUInt16BE(4);
  const answers = payload.readUInt16BE(6);
  const others = payload.readUInt16BE(8) + payload.readUInt16BE(10);
  let offset = 12;
  let question: DnsQuestionSummary | undefined;
  for (let i = 0; i < questions; i++) {
    const name = decodeName(payload, offset);
    offset = nameEnd;
    if (offset + 4 > payload.length) throw new Error('DNS question truncated after its name');
    if (i === 0) {
      question = {
        name,
        type: dnsTypes.toString(payload.readUInt16BE(offset)),
        class: dnsClasses.toString(payload.readUInt16BE(offset + 2)),
      };
    }
    offset += 4;
  }
  let decodedAnswers = NO_ANSWERS;
  if (answers + others > 0) {
    decodedAnswers = [];
    for (let i = 0; i < answers + others; i++) {
      const record = recordDecoder.decode(payload, offset);
      offset += recordDecoder.decode.bytes;
      if (i < answers) decodedAnswers.push(answerOf(record));
    }
  }
  return {
    id: payload.readUInt16BE(0),
    response: (flags & 0x8000) !== 0,
    rcode: flags & 0x0f,
    question,
    answers: decodedAnswers,
  };
}

function answerOf(a: dnsPacket.Answer): DnsAnswer {
  return {
    type: a.type,
    rdata: rdataText(a),
    ttlSeconds: 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0,
  };
}

function rdataText(answer: dnsPacket.Answer): string {
  const data = (answer as { data?: unknown }).data;
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('hex');
  if (Array.isArray(data))
    return data.map((d) => (Buffer.isBuffer(d) ? d.toString('utf8') : String(d))).join(' ');
  return JSON.stringify(data);
}

/** Where the last decodeName stopped reading in place (after the name or its first pointer). */
let nameEnd = 0;

/**
 * A (possibly compressed) name as dns-packet decodes it: labels as UTF-8 joined by dots, "." for
 * the root; pointers only to earlier bytes (no loops), at most 254 bytes of labels.
 */
function decodeName(buf: Buffer, start: number): string {
  let offset = start;
  let oldOffset = start;
  let end = -1;
  let total = 0;
  let name = '';
  let labels = 0;
  for (;;) {
    if (offset >= buf.length) throw new Error('Cannot decode name (buffer overflow)');
    const len = buf[offset++] as number;
    if (len === 0) break;
    if ((len & 0xc0) === 0) {
      if (offset + len > buf.length) throw new Error('Cannot decode name (buffer overflow)');
      total += len + 1;
      if (total > 254) throw new Error('Cannot decode name (name too long)');
      const label = labelText(buf, offset, offset + len);
      name = labels++ === 0 ? label : `${name}.${label}`;
      offset += len;
    } else if ((len & 0xc0) === 0xc0) {
      if (offset + 1 > buf.length) throw new Error('Cannot decode name (buffer overflow)');
      const jump = (((len & 0x3f) << 8) | (buf[offset] as number)) >>> 0;
      if (jump >= oldOffset) throw new Error('Cannot decode name (bad pointer)');
      if (end === -1) end = offset + 1;
      offset = jump;
      oldOffset = jump;
    } else {
      throw new Error('Cannot decode name (bad label)');
    }
  }
  nameEnd = end === -1 ? offset : end;
  return labels === 0 ? '.' : name;
}

function labelText(buf: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) > 0x7f) return buf.toString('utf8', start, end);
  }
  return buf.toString('latin1', start, end);
}
