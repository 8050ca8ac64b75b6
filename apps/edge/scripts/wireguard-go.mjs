#!/usr/bin/env node
// Builds a current wireguard-go (the userspace WireGuard omega-edge runs when the kernel has no
// WireGuard module) with the Go toolchain into a cache outside the repo, keyed by version:
// ~/.cache/omega/wireguard-go-<version>/wireguard. Debian's 2022 build lacks vectorised I/O.
// The version is apps/edge/src/wireguard-device.ts's WIREGUARD_GO_VERSION; keep the two in step.
//
// Usage: node apps/edge/scripts/wireguard-go.mjs   (no-op when it is there)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const WIREGUARD_GO_VERSION = 'v0.0.0-20260522210424-ecfc5a8d5446';
const MODULE = 'golang.zx2c4.com/wireguard';

function main() {
  const dir = join(homedir(), '.cache', 'omega', `wireguard-go-${WIREGUARD_GO_VERSION}`);
  if (existsSync(join(dir, 'wireguard'))) return 0;
  if (spawnSync('sh', ['-c', 'command -v go'], { stdio: 'ignore' }).status !== 0) {
    process.stderr.write(
      `omega wireguard-go: needs Go: GOBIN=${dir} go install ${MODULE}@${WIREGUARD_GO_VERSION}\n`,
    );
    return 1;
  }
  process.stderr.write(
    `omega wireguard-go: building ${WIREGUARD_GO_VERSION} into ${dir} (once, ~1 min)…\n`,
  );
  mkdirSync(dir, { recursive: true });
  const res = spawnSync('go', ['install', `${MODULE}@${WIREGUARD_GO_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: dir, CGO_ENABLED: '0' },
  });
  return res.status === 0 && existsSync(join(dir, 'wireguard')) ? 0 : 1;
}

process.exitCode = main();
