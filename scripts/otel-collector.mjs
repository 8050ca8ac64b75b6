#!/usr/bin/env node
// Builds the OpenTelemetry Collector the tracing specs send spans to (tools/otelcol: OTLP receiver
// and file exporter) with the Go toolchain, once, into a cache outside the repo keyed by the
// collector version and the module's files:
// ~/.cache/omega/otelcol-<version>-<hash>/otelcol ($OMEGA_CACHE_DIR overrides ~/.cache/omega).
// libs/testkit/src/otel-collector.ts finds it the same way; keep OTELCOL_VERSION in step.
//
// Usage: node scripts/otel-collector.mjs     (no-op when it is there; prints nothing on success)
//        node scripts/otel-collector.mjs --print-path
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const OTELCOL_VERSION = 'v0.161.0';
const TOOL_DIR = join(import.meta.dirname, '..', 'tools', 'otelcol');

function say(line) {
  process.stderr.write(`omega otel-collector: ${line}\n`);
}

/** Where the build goes: the version plus a hash of main.go, go.mod and go.sum. */
export function collectorPath(env = process.env) {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) {
    hash.update(readFileSync(join(TOOL_DIR, file)));
  }
  const cacheRoot = env.OMEGA_CACHE_DIR ?? join(homedir(), '.cache', 'omega');
  const dir = join(cacheRoot, `otelcol-${OTELCOL_VERSION}-${hash.digest('hex').slice(0, 12)}`);
  return join(dir, 'otelcol');
}

function main() {
  const path = collectorPath();
  if (process.argv.includes('--print-path')) {
    process.stdout.write(`${path}\n`);
    return 0;
  }
  if (existsSync(path)) return 0;
  if (spawnSync('sh', ['-c', 'command -v go'], { stdio: 'ignore' }).status !== 0) {
    say(`needs the Go toolchain: (cd tools/otelcol && go build -o ${path} .)`);
    return 1;
  }
  const dir = join(path, '..');
  say(
    `building the OpenTelemetry Collector ${OTELCOL_VERSION} with Go into ${dir} (once, ~3 min)…`,
  );
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const partial = `${path}.partial`;
  const res = spawnSync('go', ['build', '-trimpath', '-o', partial, '.'], {
    cwd: TOOL_DIR,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly -buildvcs=false' },
  });
  if (res.status !== 0 || !existsSync(partial)) {
    rmSync(partial, { force: true });
    say(`go build in tools/otelcol failed (exit ${res.status ?? res.signal})`);
    return 1;
  }
  renameSync(partial, path);
  say(`built in ${Math.round((Date.now() - started) / 1000)} s`);
  return 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = main();
