// `omega interactions list|watch`: what touched decoys and honeytokens, newest first, through the
// gateway; `-o opencanary` prints OpenCanary's JSON log lines (opencanary-format.ts). `watch`
// polls ListInteractions every --interval until Ctrl-C and prints each new interaction once,
// oldest first.
import { Option, type Command } from 'commander';
import {
  Event,
  ListInteractionsRequest,
  ListInteractionsResponse,
  decoyKindToJSON,
  interactionKindToJSON,
  severityToJSON,
} from '@omega/proto';
import { positiveInteger } from './cli-io';
import {
  action,
  print,
  withConnection,
  type CommandScope,
  type ConnectionOptions,
  UsageError,
} from './command-kit';
import { withDeception, type DeceptionClient } from './deception-commands';
import { openCanaryLine, openCanaryRecord } from './opencanary-format';
import {
  OUTPUT_FORMATS,
  enumLabel,
  isoTime,
  renderList,
  renderMessage,
  type Column,
  type Printer,
} from './output-format';

const INTERACTION_FORMATS = [...OUTPUT_FORMATS, 'opencanary'] as const;
type InteractionFormat = (typeof INTERACTION_FORMATS)[number];

interface InteractionOptions extends ConnectionOptions {
  output: InteractionFormat;
  decoy?: string;
  honeytoken?: string;
  source?: string;
  since?: string;
}

const touchOf = (e: Event) =>
  e.payload?.$case === 'deceptionInteraction' ? e.payload.value : undefined;

const INTERACTION_COLUMNS: readonly Column<Event>[] = [
  { header: 'TIME', value: (e) => isoTime(e.timeNs) },
  {
    header: 'KIND',
    value: (e) => enumLabel(interactionKindToJSON(touchOf(e)?.kind ?? 0), 'INTERACTION_KIND_'),
  },
  { header: 'SEVERITY', value: (e) => enumLabel(severityToJSON(e.severity), 'SEVERITY_') },
  { header: 'SOURCE', value: (e) => `${e.srcEndpoint?.ip ?? ''}:${e.srcEndpoint?.port ?? 0}` },
  { header: 'DECOY', value: (e) => touchOf(e)?.decoyId || '-' },
  { header: 'HONEYTOKEN', value: (e) => touchOf(e)?.honeytokenId || '-' },
  { header: 'PROTOCOL', value: (e) => touchOf(e)?.protocol || '-', wide: true },
  {
    header: 'DECOY KIND',
    value: (e) => enumLabel(decoyKindToJSON(touchOf(e)?.decoyKind ?? 0), 'DECOY_KIND_'),
    wide: true,
  },
  { header: 'USER', value: (e) => touchOf(e)?.username || '-', wide: true },
  { header: 'SESSION', value: (e) => touchOf(e)?.sessionId || '-', wide: true },
  { header: 'REQUEST', value: (e) => (touchOf(e)?.request ?? '').slice(0, 80) || '-' },
];

function interactionCommand(command: Command, description: string): Command {
  return withConnection(command.description(description))
    .addOption(
      new Option('-o, --output <format>', 'output format (opencanary: OpenCanary JSON lines)')
        .choices(INTERACTION_FORMATS)
        .default('table'),
    )
    .option('--decoy <id>', 'only this decoy')
    .option('--honeytoken <id>', 'only this honeytoken')
    .option('--source <ip>', 'only from this address')
    .option('--since <iso-time>', 'only interactions since this time');
}

function request(
  options: InteractionOptions,
  pageSize: number,
  pageToken = '',
): ListInteractionsRequest {
  let startTimeNs = 0n;
  if (options.since) {
    const ms = Date.parse(options.since);
    if (Number.isNaN(ms)) throw new UsageError(`--since: not a time: '${options.since}'`);
    startTimeNs = BigInt(ms) * 1_000_000n;
  }
  return ListInteractionsRequest.fromPartial({
    decoyId: options.decoy ?? '',
    honeytokenId: options.honeytoken ?? '',
    sourceIp: options.source ?? '',
    timeRange: { startTimeNs, endTimeNs: 0n },
    pageSize,
    pageToken,
  });
}

/** Up to `limit` interactions, newest first, following page tokens. */
async function newest(
  client: DeceptionClient,
  options: InteractionOptions,
  limit: number,
): Promise<Event[]> {
  const events: Event[] = [];
  let token = '';
  do {
    const page = await client.listInteractions(
      request(options, Math.min(500, limit - events.length), token),
    );
    events.push(...page.events);
    token = page.nextPageToken;
  } while (token !== '' && events.length < limit);
  return events.slice(0, limit);
}

function opencanaryLines(scope: CommandScope, events: readonly Event[]): string[] {
  const offset = -new Date(scope.io.now()).getTimezoneOffset();
  return events.flatMap((event) => {
    const record = openCanaryRecord(event, offset);
    return record ? [openCanaryLine(record)] : [];
  });
}

/** One interaction on one line, for watch (a table's widths are not known in advance). */
function interactionLine(event: Event): string {
  return INTERACTION_COLUMNS.filter((c) => !c.wide)
    .map((c) => c.value(event))
    .join('  ');
}

export function registerInteractionCommands(program: Command, scope: CommandScope): void {
  const interactions = program
    .command('interactions')
    .description('what touched decoys and honeytokens');
  interactionCommand(interactions.command('list'), 'interactions, newest first')
    .option('--limit <n>', 'at most this many', positiveInteger, 50)
    .action(
      action(scope, (options: InteractionOptions & { limit: number }) =>
        withDeception(scope, options, async (client) => {
          const events = await newest(client, options, options.limit);
          if (options.output === 'opencanary') {
            // OpenCanary writes oldest first, one line per event.
            print(scope, opencanaryLines(scope, [...events].reverse()));
            return 0;
          }
          const out: Printer = { format: options.output, colour: scope.io.colour };
          const json = ListInteractionsResponse.toJSON({ events, nextPageToken: '' });
          print(scope, renderList(out, events, INTERACTION_COLUMNS, json, 'no interactions'));
          return 0;
        }),
      ),
    );
  interactionCommand(
    interactions.command('watch'),
    'print new interactions as they come (Ctrl-C ends)',
  )
    .option('--interval <seconds>', 'seconds between polls', positiveInteger, 2)
    .action(
      action(scope, (options: InteractionOptions & { interval: number }) =>
        withDeception(scope, options, (client) => watch(scope, client, options)),
      ),
    );
}

/** Most interactions one poll of watch prints (a flood between polls is cut, with a note). */
const MAX_PER_POLL = 5_000;
const WATCH_PAGE = 100;

/**
 * The interactions newer than any id in `known`, oldest first: pages are read newest first until
 * one holds a known id (only the first page when `onePage`: the baseline of a watch).
 */
async function unseen(
  client: DeceptionClient,
  options: InteractionOptions,
  known: ReadonlySet<string>,
  onePage: boolean,
): Promise<{ events: Event[]; cut: boolean }> {
  const found: Event[] = [];
  let token = '';
  do {
    const page = await client.listInteractions(request(options, WATCH_PAGE, token));
    for (const event of page.events) {
      if (known.has(event.id)) return { events: found.reverse(), cut: false };
      found.push(event);
    }
    token = onePage ? '' : page.nextPageToken;
  } while (token !== '' && found.length < MAX_PER_POLL);
  return { events: found.reverse(), cut: token !== '' };
}

async function watch(
  scope: CommandScope,
  client: DeceptionClient,
  options: InteractionOptions & { interval: number },
): Promise<number> {
  const signal = scope.io.interrupted();
  // The newest ids printed (or, at first, already there): the next poll stops at them.
  let known = new Set<string>();
  let first = true;
  while (!signal.aborted) {
    // Without --since, what happened before the watch started is not news: one page marks it.
    const baseline = first && options.since === undefined;
    const { events, cut } = await unseen(client, options, known, baseline);
    if (events.length > 0) known = new Set(events.slice(-WATCH_PAGE).map((e) => e.id));
    if (!baseline) {
      if (cut)
        scope.io.err(`omega: more than ${MAX_PER_POLL} new interactions; older ones skipped`);
      if (options.output === 'opencanary') print(scope, opencanaryLines(scope, events));
      else if (options.output === 'json')
        for (const e of events) scope.io.out(JSON.stringify(Event.toJSON(e)));
      else if (options.output === 'yaml')
        for (const e of events) print(scope, ['---', renderMessage('yaml', Event.toJSON(e))]);
      else for (const e of events) scope.io.out(interactionLine(e));
    }
    first = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.interval * 1000);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
  return 0;
}
