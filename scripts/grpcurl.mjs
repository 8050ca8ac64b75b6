#!/usr/bin/env node
// Builds grpcurl (a real gRPC client no one here wrote, for the gateway's specs) with the Go
// toolchain into a cache outside the repo, keyed by version:
// ~/.cache/omega/grpcurl-<version>/grpcurl ($OMEGA_CACHE_DIR overrides ~/.cache/omega).
// The version is libs/testkit/src/grpcurl.ts's GRPCURL_VERSION; keep the two in step.
//
// Usage: node scripts/grpcurl.mjs     (no-op when it is there; prints nothing on success)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const GRPCURL_VERSION = 'v1.9.4';

function say(line) {
  process.stderr.write(`omega grpcurl: ${line}\n`);
}

function main() {
  const dir = join(
    process.env.OMEGA_CACHE_DIR ?? join(homedir(), '.cache', 'omega'),
    `grpcurl-${GRPCURL_VERSION}`,
  );
  if (existsSync(join(dir, 'grpcurl'))) return 0;
  if (spawnSync('sh', ['-c', 'command -v go'], { stdio: 'ignore' }).status !== 0) {
    say(
      `needs the Go toolchain: GOBIN=${dir} go install github.com/fullstorydev/grpcurl/cmd/grpcurl@${GRPCURL_VERSION}`,
    );
    return 1;
  }
  say(`building grpcurl ${GRPCURL_VERSION} with Go into ${dir} (once, ~1–2 min)…`);
  mkdirSync(dir, { recursive: true });
  const res = spawnSync(
    'go',
    ['install', `github.com/fullstorydev/grpcurl/cmd/grpcurl@${GRPCURL_VERSION}`],
    { stdio: 'inherit', env: { ...process.env, GOBIN: dir, CGO_ENABLED: '0' } },
  );
  if (res.status !== 0 || !existsSync(join(dir, 'grpcurl'))) {
    say(`go install github.com/fullstorydev/grpcurl/cmd/grpcurl@${GRPCURL_VERSION} failed`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
