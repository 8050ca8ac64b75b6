// `omega packet decode <capture>`: every message of a capture decoded by a decoder compiled from
// a shipped protocol spec (NDJSON, JSON or a table; progress and a summary on stderr).
// `omega packet dissector`: the Wireshark Lua dissector compiled from the same spec.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import {
  compileLua,
  decodeCapture,
  DECODERS,
  parseSpec,
  SHIPPED_SPECS_DIR,
  type DecodedMessage,
} from '@omega/packet';
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { action, print, type CommandScope } from './command-kit';
import { renderTable } from './status-table';

/** Captures are read whole: past this, split the capture (editcap -c) first. */
export const MAX_CAPTURE_BYTES = 1024 * 1024 * 1024;
const PROTOCOLS = Object.keys(DECODERS);

interface DecodeOptions {
  protocol: string;
  output: 'ndjson' | 'json' | 'table';
}

interface DissectorOptions {
  protocol: string;
  spec?: string;
  out?: string;
}

function row(m: DecodedMessage): Record<string, unknown> {
  return {
    frame: m.frame,
    session: m.session,
    sequence: m.sequence,
    length: m.length,
    ...m.fields,
  };
}

async function readBounded(file: string, what: string, limit: number): Promise<Buffer> {
  try {
    const size = (await stat(file)).size;
    if (size > limit) {
      throw new OmegaError(
        Code.InvalidArgument,
        `${what} ${file}: ${size} bytes is over the ${limit}-byte limit`,
      );
    }
    return await readFile(file);
  } catch (err) {
    if (err instanceof OmegaError) throw err;
    throw new OmegaError(Code.InvalidArgument, `${what} ${file}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

export function registerPacketCommands(program: Command, scope: CommandScope): void {
  const packet = program
    .command('packet')
    .description('decode exchange protocols from captures; emit Wireshark dissectors');
  const protocol = () =>
    new Option('--protocol <name>', 'protocol spec to use').choices(PROTOCOLS).default('itch50');

  packet
    .command('decode')
    .description('decode every message of a pcap/pcapng capture (MoldUDP64 over UDP)')
    .argument('<capture>', 'capture file')
    .addOption(protocol())
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['ndjson', 'json', 'table'])
        .default('ndjson'),
    )
    .action(
      action(scope, async (capture: string, options: DecodeOptions) => {
        const bytes = await readBounded(capture, 'capture', MAX_CAPTURE_BYTES);
        const rows: Record<string, unknown>[] = [];
        const result = decodeCapture(
          bytes,
          DECODERS[options.protocol]!,
          (m) => {
            if (options.output === 'ndjson') scope.io.out(JSON.stringify(row(m)));
            else rows.push(row(m));
          },
          capture,
          (done, total) => scope.io.err(`packet decode: ${done}/${total} packets`),
        );
        if (options.output === 'json') print(scope, [JSON.stringify(rows, null, 2)]);
        if (options.output === 'table') {
          const body = (r: Record<string, unknown>) =>
            Object.entries(r)
              .slice(9) // after frame … timestamp: the message's own fields
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(' ');
          print(
            scope,
            renderTable(
              ['FRAME', 'SEQUENCE', 'TYPE', 'NAME', 'FIELDS'],
              rows.map((r) =>
                [r['frame'], r['sequence'], r['type'], r['name'], body(r)].map((v) => ({
                  text: String(v),
                })),
              ),
              { colour: scope.io.colour },
            ),
          );
        }
        for (const m of result.malformed)
          scope.io.err(`packet decode: frame ${m.frame}: ${m.error.message}`);
        if (result.error)
          scope.io.err(`packet decode: ${result.error.message} (packets before it decoded)`);
        scope.io.err(
          `packet decode: ${result.messages} messages from ${result.packets} packets` +
            ` (${result.skippedPackets} not UDP, ${result.malformed.length} malformed)`,
        );
        return result.error || result.malformed.length > 0 ? 1 : 0;
      }),
    );

  packet
    .command('dissector')
    .description('print (or write) the Wireshark Lua dissector compiled from a protocol spec')
    .addOption(protocol())
    .option('--spec <file.yaml>', 'compile this spec instead of a shipped one')
    .option(
      '--out <file.lua>',
      'write the dissector here (load it with tshark -X lua_script:<file>)',
    )
    .action(
      action(scope, async (options: DissectorOptions) => {
        const file = options.spec ?? join(SHIPPED_SPECS_DIR, `${options.protocol}.yaml`);
        const text = (await readBounded(file, 'spec', 1 << 20)).toString('utf8');
        const lua = compileLua(parseSpec(text, file));
        if (options.out) {
          await writeFile(options.out, lua);
          scope.io.err(`packet dissector: wrote ${options.out}`);
        } else {
          print(scope, [lua.trimEnd()]);
        }
        return 0;
      }),
    );
}
