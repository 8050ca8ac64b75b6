// Entry point of a Kubernetes decoy's pod: the TCP relay (relay/tcp-relay.ts), configured by its
// flags only (--listen=:6379 --upstream=10.96.0.40:50060 --route=<hex>); it holds no credential.
import { createLogger, errorMessage } from '@omega/runtime';
import { parseHostPort, startTcpRelay } from './relay/tcp-relay';

/** The relay's settings from `--name=value` flags; throws naming the flag at fault. */
export function relayFlags(argv: readonly string[]): {
  listen: string;
  upstream: string;
  route: string;
} {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--(listen|upstream|route)=(.*)$/.exec(arg);
    if (!match) throw new Error(`relay: unknown argument ${JSON.stringify(arg.slice(0, 80))}`);
    flags.set(match[1]!, match[2]!);
  }
  const get = (name: string): string => {
    const value = flags.get(name);
    if (value === undefined) throw new Error(`relay: --${name} is required`);
    return value;
  };
  return { listen: get('listen'), upstream: get('upstream'), route: get('route') };
}

async function run(): Promise<void> {
  const logger = createLogger({ service: 'relay', level: 'info' });
  const flags = relayFlags(process.argv.slice(2));
  const relay = await startTcpRelay({
    listen: parseHostPort(flags.listen, '--listen'),
    upstream: parseHostPort(flags.upstream, '--upstream'),
    route: flags.route,
    logger,
  });
  logger.info({ port: relay.port }, `relaying port ${relay.port}`);
  const stop = (): void => void relay.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  run().catch((err: unknown) => {
    process.stderr.write(`${errorMessage(err)}\n`);
    process.exit(1);
  });
}
