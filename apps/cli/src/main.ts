#!/usr/bin/env node
// The `omega` command. Today: `omega up`, the local runner; operator commands come with later issues.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '@omega/runtime';
import { upCommand } from './up-command';

const USAGE = `usage: omega up [options]

Starts nats-server and every Omega service on this machine and streams their logs.

options:
  --port-offset N      add N to every default port (nats 4222, gRPC 50051-50057, metrics 9464-9470)
  --data-dir DIR       nats-server JetStream store (default .omega/nats)
  --services a,b       start only these services
  --exit-when-ready    start, print the status table, stop (a smoke check)
  --ready-timeout-ms N how long each service may take to become ready (default 30000)
  -h, --help           this text`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'port-offset': { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      services: { type: 'string' },
      'exit-when-ready': { type: 'boolean', default: false },
      'ready-timeout-ms': { type: 'string', default: '30000' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command !== 'up') {
    console.error(`omega: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  return upCommand({
    root: join(__dirname, '..', '..', '..'),
    portOffset: parseInteger('--port-offset', values['port-offset']),
    dataDir: values['data-dir'],
    services: values.services,
    exitWhenReady: values['exit-when-ready'],
    readyTimeoutMs: parseInteger('--ready-timeout-ms', values['ready-timeout-ms']),
  });
}

function parseInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${flag}: expected a non-negative integer, got '${value}'`);
  return n;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`omega: ${errorMessage(err)}`);
    process.exit(2);
  },
);
