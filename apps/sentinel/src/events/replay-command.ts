// `omega-sentinel replay <file.pcap|file.pcapng>`: prints the capture's flow and DNS events as
// JSON lines (unprivileged). A malformed capture prints the events before the error, then the
// error with its byte offset, and exits 3.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Event } from '@omega/proto';
import { replayPackets } from './capture-replay';
import { readCapture } from '../wire/pcap-reader';

export async function runReplayCommand(args: string[]): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1) {
    process.stderr.write('usage: omega-sentinel replay <file.pcap|file.pcapng>\n');
    return 2;
  }
  const capture = readCapture(await readFile(file), file);
  const { events } = replayPackets(capture.packets, process.env['NODE_NAME'] ?? hostname());
  for (const event of events) process.stdout.write(`${JSON.stringify(Event.toJSON(event))}\n`);
  if (capture.error) {
    process.stderr.write(
      `omega-sentinel replay: ${capture.error.message} (${capture.packets.length} packets before it were replayed)\n`,
    );
    return 3;
  }
  return 0;
}
