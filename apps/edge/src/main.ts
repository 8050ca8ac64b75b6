#!/usr/bin/env node
// omega-edge: creates the host's identity (--init) or joins the overlay with the peers of its
// configuration and --peer/--endpoint, then runs until SIGTERM/SIGINT and removes what it made.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '@omega/errors';
import pino from 'pino';
import { startEdgeAgent } from './edge-agent';
import { parseEdgeConfig, parseEndpoint, type EdgeConfig } from './edge-config';
import {
  formatPublicIdentity,
  initIdentity,
  loadIdentity,
  parsePublicIdentity,
} from './edge-identity';
import { overlayAddresses } from './overlay-address';

const USAGE = `usage: omega-edge [--home DIR] --init
       omega-edge [--home DIR] [--config FILE] [--peer PUBLIC_IDENTITY --endpoint IP:PORT]
  --home DIR   where the identity and edge.toml live (default ~/.omega)`;

function fail(message: string): never {
  process.stderr.write(`omega-edge: ${message}\n`);
  process.exit(2);
}

function loadConfig(home: string, path: string | undefined): EdgeConfig {
  const file = path ?? join(home, 'edge.toml');
  if (!path && !existsSync(file)) return parseEdgeConfig('', '(defaults)');
  return parseEdgeConfig(readFileSync(file, 'utf8'), file);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      init: { type: 'boolean' },
      home: { type: 'string' },
      config: { type: 'string' },
      peer: { type: 'string' },
      endpoint: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const home = values.home ?? join(homedir(), '.omega');
  const config = loadConfig(home, values.config);
  if (values.init) {
    const identity = initIdentity(home);
    const self = overlayAddresses(config.cluster, identity.identityKey);
    process.stdout.write(
      `${formatPublicIdentity(identity)}\n` +
        `# identity ${home} (cluster ${config.cluster}): omni0 ${self.ipv6} ${self.ipv4} ${self.mac}\n`,
    );
    return;
  }
  if ((values.peer === undefined) !== (values.endpoint === undefined)) {
    fail('--peer and --endpoint go together');
  }
  if (values.peer !== undefined) {
    const endpoint = parseEndpoint(values.endpoint!);
    if (!endpoint) fail(`--endpoint: '${values.endpoint}' is not IP:PORT`);
    config.peers.push({ identity: parsePublicIdentity(values.peer, '--peer'), endpoint });
  }
  const log = pino({ name: 'omega-edge' });
  const agent = await startEdgeAgent(config, loadIdentity(home), log);
  log.info({ peers: config.peers.length }, 'omega-edge running');
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    void agent.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => fail(errorMessage(err)));
