// `omega replay <capture.pcap>`: a capture fed through a sentinel's decoder (SentinelService.
// ReplayPcap, through the gateway) as if its packets crossed the node now or at their own pace.
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { ReplayPcapRequest, ReplayPcapResponse, SentinelServiceClient } from '@omega/proto';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import {
  action,
  connect,
  print,
  printer,
  withConnection,
  withOutput,
  type CommandScope,
  type ConnectionOptions,
  type OutputOptions,
} from './command-kit';
import { gatewayClient } from './gateway-connection';
import { renderList, type Column } from './output-format';

const REPLAY_COLUMNS: readonly Column<ReplayPcapResponse>[] = [
  { header: 'REPLAY', value: (r) => r.replayId },
  { header: 'PACKETS', value: (r) => String(r.packetsRead) },
  { header: 'SKIPPED', value: (r) => String(r.packetsSkipped) },
  { header: 'EVENTS', value: (r) => String(r.eventsEmitted) },
  { header: 'BATCHES', value: (r) => String(r.batchesEmitted), wide: true },
  { header: 'DURATION', value: (r) => `${r.durationMs}ms` },
];

interface ReplayOptions extends ConnectionOptions, OutputOptions {
  speed: number;
  shiftToNow?: boolean;
  replayId?: string;
  onNode?: boolean;
}

export function registerReplayCommand(program: Command, scope: CommandScope): void {
  withOutput(
    withConnection(
      program
        .command('replay')
        .description("feed a pcap/pcapng capture through a sentinel's decoder into detection")
        .argument(
          '<capture>',
          'capture file (sent inline; with --on-node, a path on the sentinel’s node)',
        ),
    ),
  )
    .option(
      '--speed <factor>',
      '0 as fast as possible, 1 original timing, 2 twice as fast',
      parseSpeed,
      0,
    )
    .option('--shift-to-now', 'rewrite packet times so the capture appears to happen now')
    .option('--replay-id <id>', 'tag for the emitted events (default: the sentinel picks one)')
    .option('--on-node', "the capture is a path on the sentinel's node, not a local file")
    .action(
      action(scope, async (capture: string, options: ReplayOptions) => {
        const source: ReplayPcapRequest['source'] = options.onNode
          ? { $case: 'path', value: capture }
          : { $case: 'pcap', value: await readCapture(capture) };
        const client = gatewayClient(SentinelServiceClient, await connect(scope, options));
        try {
          const res = await client.replayPcap(
            ReplayPcapRequest.fromPartial({
              source,
              speed: options.speed,
              shiftToNow: options.shiftToNow === true,
              replayId: options.replayId ?? '',
            }),
            // Original timing takes as long as the capture lasted.
            { timeoutMs: options.speed === 0 ? 60_000 : Infinity },
          );
          print(
            scope,
            renderList(
              printer(scope, options),
              [res],
              REPLAY_COLUMNS,
              ReplayPcapResponse.toJSON(res),
              '',
            ),
          );
          return 0;
        } finally {
          client.close();
        }
      }),
    );
}

function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed < 0) {
    throw new InvalidArgumentError(`expected a non-negative number, got '${value}'`);
  }
  return speed;
}

async function readCapture(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new OmegaError(Code.InvalidArgument, `capture ${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}
