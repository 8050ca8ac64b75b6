// ListInteractions: interactions read back from the DECEPTION stream, newest first, by walking
// stream sequences downwards (JetStream has no "previous by subject"). A call scans a bounded
// number of messages; a page may hold fewer than page_size events while next_page_token says more
// remain. The page token is opaque: a sequence bound to the filters it was made for.
import { createHash } from 'node:crypto';
import type { Bus } from '@omega/bus';
import { Event, type ListInteractionsRequest, type ListInteractionsResponse } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import ipaddr from 'ipaddr.js';

export const INTERACTIONS_STREAM = 'DECEPTION';
export const DEFAULT_INTERACTIONS_PAGE = 50;
export const MAX_INTERACTIONS_PAGE = 500;
/** Stream messages one call reads at most, matched or not. */
export const MAX_SCANNED_PER_CALL = 5_000;
/** Messages fetched at once. */
const FETCH_BATCH = 64;
/** Events may be stamped by a node's clock ahead of the server's: the early stop waits this long. */
const CLOCK_SLACK_NS = 60_000_000_000n;
const ID = /^[A-Za-z0-9_.-]{1,128}$/;
const TOKEN = /^i1:(\d{1,16}):([0-9a-f]{16})$/;

/** A checked ListInteractionsRequest. */
export interface InteractionFilter {
  readonly decoyId: string;
  readonly honeytokenId: string;
  readonly sourceIp: string;
  readonly startNs: bigint;
  /** 0: no end. */
  readonly endNs: bigint;
  readonly pageSize: number;
  /** Continue below this stream sequence; undefined: from the newest. */
  readonly before: number | undefined;
}

function invalid(method: string, field: string, problem: string): OmegaError {
  return new OmegaError(Code.InvalidArgument, `${method}: ${field}: ${problem}`);
}

function filtersDigest(request: ListInteractionsRequest): string {
  const range = request.timeRange;
  return createHash('sha256')
    .update(
      JSON.stringify([
        request.decoyId,
        request.honeytokenId,
        request.sourceIp,
        String(range?.startTimeNs ?? 0n),
        String(range?.endTimeNs ?? 0n),
      ]),
    )
    .digest('hex')
    .slice(0, 16);
}

function pageToken(request: ListInteractionsRequest, before: number): string {
  return Buffer.from(`i1:${before}:${filtersDigest(request)}`).toString('base64url');
}

/** Checks every field (INVALID_ARGUMENT naming it) and bounds the page size (pure). */
export function checkListInteractions(
  request: ListInteractionsRequest,
  method: string,
): InteractionFilter {
  for (const field of ['decoyId', 'honeytokenId'] as const) {
    if (request[field] !== '' && !ID.test(request[field])) {
      throw invalid(
        method,
        field === 'decoyId' ? 'decoy_id' : 'honeytoken_id',
        `${JSON.stringify(request[field].slice(0, 40))} is not an id (letters, digits, "._-", at most 128)`,
      );
    }
  }
  if (request.sourceIp !== '' && !ipaddr.isValid(request.sourceIp)) {
    throw invalid(
      method,
      'source_ip',
      `${JSON.stringify(request.sourceIp.slice(0, 60))} is not an IP address`,
    );
  }
  const startNs = request.timeRange?.startTimeNs ?? 0n;
  const endNs = request.timeRange?.endTimeNs ?? 0n;
  if (endNs !== 0n && startNs > endNs) {
    throw invalid(method, 'time_range', `start_time_ns ${startNs} is after end_time_ns ${endNs}`);
  }
  if (request.pageSize > MAX_INTERACTIONS_PAGE) {
    throw invalid(
      method,
      'page_size',
      `${request.pageSize} is more than ${MAX_INTERACTIONS_PAGE}; page with next_page_token`,
    );
  }
  let before: number | undefined;
  if (request.pageToken !== '') {
    const match = TOKEN.exec(
      request.pageToken.length <= 64
        ? Buffer.from(request.pageToken, 'base64url').toString('latin1')
        : '',
    );
    if (match === null || !Number.isSafeInteger(Number(match[1])) || Number(match[1]) < 1) {
      throw invalid(method, 'page_token', 'not one this service returned');
    }
    if (match[2] !== filtersDigest(request)) {
      throw invalid(
        method,
        'page_token',
        'made for other filters: keep the filters of the first call',
      );
    }
    before = Number(match[1]);
  }
  return {
    decoyId: request.decoyId,
    honeytokenId: request.honeytokenId,
    sourceIp: request.sourceIp === '' ? '' : ipaddr.process(request.sourceIp).toString(),
    startNs,
    endNs,
    pageSize: request.pageSize || DEFAULT_INTERACTIONS_PAGE,
    before,
  };
}

function matches(event: Event, filter: InteractionFilter): boolean {
  if (event.payload?.$case !== 'deceptionInteraction') return false;
  const touch = event.payload.value;
  if (filter.decoyId !== '' && touch.decoyId !== filter.decoyId) return false;
  if (filter.honeytokenId !== '' && touch.honeytokenId !== filter.honeytokenId) return false;
  if (filter.sourceIp !== '') {
    const ip = event.srcEndpoint?.ip ?? '';
    if (!ipaddr.isValid(ip) || ipaddr.process(ip).toString() !== filter.sourceIp) return false;
  }
  if (event.timeNs < filter.startNs) return false;
  return filter.endNs === 0n || event.timeNs <= filter.endNs;
}

/** Reads interactions back from DECEPTION. */
export class InteractionReader {
  constructor(
    private readonly bus: Bus,
    private readonly maxScanned = MAX_SCANNED_PER_CALL,
  ) {}

  async list(request: ListInteractionsRequest, method: string): Promise<ListInteractionsResponse> {
    const filter = checkListInteractions(request, method);
    const { state } = await this.bus.jsm.streams.info(INTERACTIONS_STREAM);
    const first = Math.max(1, state.first_seq);
    let next = Math.min(
      filter.before === undefined ? state.last_seq : filter.before - 1,
      state.last_seq,
    );
    const events: Event[] = [];
    let scanned = 0;
    while (next >= first && events.length < filter.pageSize && scanned < this.maxScanned) {
      const seqs: number[] = [];
      for (let seq = next; seq >= first && seqs.length < FETCH_BATCH; seq--) seqs.push(seq);
      const stored = await Promise.all(
        seqs.map((seq) => this.bus.jsm.streams.getMessage(INTERACTIONS_STREAM, { seq })),
      );
      for (const [i, message] of stored.entries()) {
        next = seqs[i]! - 1;
        scanned += 1;
        if (message === null) continue; // deleted or aged out meanwhile
        let event: Event;
        try {
          event = Event.decode(message.data);
        } catch {
          continue; // not an Event: nothing to list
        }
        const storedNs = BigInt(message.time.getTime()) * 1_000_000n;
        if (filter.startNs !== 0n && storedNs + CLOCK_SLACK_NS < filter.startNs) {
          // Everything older was stored earlier still: no later page can match.
          return { events, nextPageToken: '' };
        }
        if (matches(event, filter)) events.push(event);
        if (events.length >= filter.pageSize || scanned >= this.maxScanned) break;
      }
    }
    return {
      events,
      nextPageToken: next >= first ? pageToken(request, next + 1) : '',
    };
  }
}
