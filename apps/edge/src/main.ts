#!/usr/bin/env node
// omega-edge: creates the host's identity (--init) or joins the overlay with the peers of its
// configuration and --peer/--endpoint, then runs until SIGTERM/SIGINT and removes what it made.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { identityArgs } from './edge-args';
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
import {
  edgeMetrics,
  nucleusMetrics,
  serveMetrics,
  stealthMetrics,
  type EdgeMetrics,
} from './edge-metrics';
import { Nucleus } from './nucleus';
import { NucleusClient } from './nucleus-client';
import { overlayAddresses } from './overlay-address';
import { StealthFilter } from './stealth-filter';

const USAGE = `usage: omega-edge [--home DIR] --init
       omega-edge [--home DIR] [--config FILE] [--peer PUBLIC_IDENTITY --endpoint IP:PORT]
                  [--nucleus HOST:PORT --nucleus-key KEY --cluster NAME] [--metrics-listen IP:PORT] [--xdp IFACE]
       omega-edge [--home DIR] --nucleus-listen IP:PORT --cluster NAME --members FILE [--metrics-listen IP:PORT]
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
    args: identityArgs(process.argv.slice(2)),
    options: {
      init: { type: 'boolean' },
      home: { type: 'string' },
      config: { type: 'string' },
      peer: { type: 'string' },
      endpoint: { type: 'string' },
      nucleus: { type: 'string' },
      'nucleus-key': { type: 'string' },
      cluster: { type: 'string' },
      'nucleus-listen': { type: 'string' },
      members: { type: 'string' },
      'metrics-listen': { type: 'string' },
      xdp: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const home = values.home ?? join(homedir(), '.omega');
  if (values['nucleus-listen'] !== undefined) {
    await runNucleus(
      home,
      values['nucleus-listen'],
      values.cluster,
      values.members,
      values['metrics-listen'],
    );
    return;
  }
  const config = loadConfig(home, values.config);
  if (values.nucleus !== undefined) config.nucleus = values.nucleus;
  if (values['nucleus-key'] !== undefined) config.nucleusKey = values['nucleus-key'];
  const nucleusKey = config.nucleusKey ? Buffer.from(config.nucleusKey, 'base64url') : undefined;
  if (config.nucleus && nucleusKey?.length !== 32) {
    fail(
      "a nucleus needs its key ([network] nucleus_key or --nucleus-key: the 'key' the nucleus logs at start)",
    );
  }
  if (values.cluster !== undefined) config.cluster = values.cluster;
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
  const identity = loadIdentity(home);
  // The PSK counter lives on the metrics, which need the device the agent creates.
  const late: { metrics?: EdgeMetrics } = {};
  const agent = await startEdgeAgent(config, identity, log, () => late.metrics?.pskRotations.inc());
  const metrics = edgeMetrics(agent.device);
  late.metrics = metrics;
  const stealth = values.xdp
    ? await StealthFilter.attach(values.xdp, config.port).catch(async (err: unknown) => {
        await agent.close();
        throw err;
      })
    : undefined;
  if (stealth) stealthMetrics(metrics.registry, stealth);
  if (values['metrics-listen']) {
    await serveMetrics(
      metrics.registry,
      ...hostAndPort(values['metrics-listen'], '--metrics-listen'),
    );
  }
  const client = config.nucleus
    ? new NucleusClient({
        nucleus: config.nucleus,
        cluster: config.cluster,
        wireguardPort: config.port,
        heartbeatMs: config.heartbeatSecs * 1000,
        directTimeoutMs: config.handshakeTimeoutSecs * 2 * 1000,
        identity,
        nucleusKey: nucleusKey!,
        agent,
        log,
      })
    : undefined;
  await client?.start();
  log.info({ peers: config.peers.length, nucleus: config.nucleus }, 'omega-edge running');
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    client?.close();
    void Promise.allSettled([stealth?.detach(), agent.close()]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** `IP:PORT` → [host, port], or exits naming the flag. */
function hostAndPort(text: string, flag: string): [string, number] {
  const endpoint = parseEndpoint(text);
  if (!endpoint) fail(`${flag}: '${text}' is not IP:PORT`);
  const at = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, at).replace(/^\[|\]$/g, ''), Number(endpoint.slice(at + 1))];
}

async function runNucleus(
  home: string,
  listen: string,
  cluster?: string,
  membersFile?: string,
  metricsListen?: string,
): Promise<void> {
  const endpoint = parseEndpoint(listen);
  if (!endpoint) fail(`--nucleus-listen: '${listen}' is not IP:PORT`);
  if (!cluster || !membersFile) fail('--nucleus-listen needs --cluster and --members');
  const members = new Set<string>();
  readFileSync(membersFile, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .forEach((line, i) => {
      if (!line) return;
      parsePublicIdentity(line, `${membersFile}:${i + 1}`);
      members.add(line);
    });
  const at = endpoint.lastIndexOf(':');
  const log = pino({ name: 'omega-nucleus' });
  const identity = loadIdentity(home);
  const key = Buffer.from(identity.identityKey).toString('base64url');
  const metrics = nucleusMetrics();
  if (metricsListen)
    await serveMetrics(metrics.registry, ...hostAndPort(metricsListen, '--metrics-listen'));
  const nucleus = new Nucleus({
    host: endpoint.slice(0, at).replace(/^\[|\]$/g, ''),
    port: Number(endpoint.slice(at + 1)),
    cluster,
    members,
    log,
    signingKey: identity.signingKey,
    metrics,
  });
  const port = await nucleus.start();
  log.info({ port, cluster, members: members.size, key }, 'nucleus running');
  const stop = (): void => void nucleus.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => fail(errorMessage(err)));
