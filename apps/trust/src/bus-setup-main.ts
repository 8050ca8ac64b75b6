// `node apps/trust/dist/bus-setup-main.js --key-dir DIR --out DIR [...]`: writes what a NATS server
// needs to run Omega's authenticated bus (docs/bus-permissions.md), from trust's keys. Run it
// before the server starts (`omega up` does); it creates trust's keys on first use.
import { parseArgs } from 'node:util';
import { createLogger, errorMessage } from '@omega/runtime';
import { writeBusServerConfig } from './bus/bus-server-config';

const USAGE =
  'usage: bus-setup-main.js --key-dir DIR --out DIR [--cluster NAME] [--dns a,b] [--ip 127.0.0.1] [--days 30]';

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'key-dir': { type: 'string' },
      out: { type: 'string' },
      cluster: { type: 'string', default: 'local' },
      dns: { type: 'string', default: 'localhost' },
      ip: { type: 'string', default: '127.0.0.1' },
      days: { type: 'string', default: '30' },
    },
    strict: true,
  });
  const keyDir = values['key-dir'];
  const outDir = values.out;
  const days = Number(values.days);
  if (keyDir === undefined || outDir === undefined || !Number.isInteger(days) || days <= 0) {
    throw new Error(`--key-dir and --out are required and --days a positive integer\n${USAGE}`);
  }
  const list = (text: string) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const files = await writeBusServerConfig({
    keyDir,
    outDir,
    cluster: values.cluster,
    dnsNames: list(values.dns),
    ipAddresses: list(values.ip),
    certificateDays: days,
    logger: createLogger({ service: 'trust-bus-setup', level: 'error' }),
  });
  process.stdout.write(`${JSON.stringify(files)}\n`);
}

run().catch((err: unknown) => {
  process.stderr.write(`omega trust bus setup: ${errorMessage(err)}\n`);
  process.exit(1);
});
