// `node apps/trust/dist/bus-setup-main.js --key-dir DIR --out DIR [...]`: writes what a NATS server
// needs to run Omega's authenticated bus (docs/bus-permissions.md), from trust's keys. Run it
// before the server starts (`omega up` does); it creates trust's keys on first use. With
// --kubernetes-secret and --kubernetes-config-map (charts/omega's trust init container) it also
// publishes the files to that Secret and the trust CA to that ConfigMap.
import { parseArgs } from 'node:util';
import { createLogger, errorMessage } from '@omega/runtime';
import { publishBusServerConfig } from './bus/bus-config-publisher';
import { writeBusServerConfig } from './bus/bus-server-config';

const USAGE =
  'usage: bus-setup-main.js --key-dir DIR --out DIR [--cluster NAME] [--dns a,b] [--ip 127.0.0.1] [--days 30]\n' +
  '  [--kubernetes-namespace NS --kubernetes-secret NAME --kubernetes-config-map NAME\n' +
  '   [--kubernetes-api-server URL] [--kubernetes-token-file F] [--kubernetes-ca-file F]]';

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'key-dir': { type: 'string' },
      out: { type: 'string' },
      cluster: { type: 'string', default: 'local' },
      dns: { type: 'string', default: 'localhost' },
      ip: { type: 'string', default: '127.0.0.1' },
      days: { type: 'string', default: '30' },
      'kubernetes-namespace': { type: 'string' },
      'kubernetes-secret': { type: 'string' },
      'kubernetes-config-map': { type: 'string' },
      'kubernetes-api-server': { type: 'string' },
      'kubernetes-token-file': { type: 'string' },
      'kubernetes-ca-file': { type: 'string' },
    },
    strict: true,
  });
  const keyDir = values['key-dir'];
  const outDir = values.out;
  const days = Number(values.days);
  if (keyDir === undefined || outDir === undefined || !Number.isInteger(days) || days <= 0) {
    throw new Error(`--key-dir and --out are required and --days a positive integer\n${USAGE}`);
  }
  const namespace = values['kubernetes-namespace'];
  const secretName = values['kubernetes-secret'];
  const configMapName = values['kubernetes-config-map'];
  const publish = [namespace, secretName, configMapName].filter((v) => v !== undefined).length;
  if (publish !== 0 && publish !== 3) {
    throw new Error(
      `--kubernetes-namespace, --kubernetes-secret and --kubernetes-config-map go together\n${USAGE}`,
    );
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
  if (namespace !== undefined && secretName !== undefined && configMapName !== undefined) {
    const optional = (key: string, value: string | undefined) =>
      value === undefined ? {} : { [key]: value };
    await publishBusServerConfig(outDir, {
      namespace,
      secretName,
      configMapName,
      ...optional('apiServerUrl', values['kubernetes-api-server']),
      ...optional('tokenPath', values['kubernetes-token-file']),
      ...optional('caPath', values['kubernetes-ca-file']),
    });
  }
  process.stdout.write(`${JSON.stringify(files)}\n`);
}

run().catch((err: unknown) => {
  process.stderr.write(`omega trust bus setup: ${errorMessage(err)}\n`);
  process.exit(1);
});
