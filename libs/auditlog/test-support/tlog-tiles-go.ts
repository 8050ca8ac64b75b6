// Test-only: builds (once, into a cache outside the repo) and runs tools/tlog-tiles, which computes
// a log's hash tiles and root with golang.org/x/mod/sumdb/tlog: an independent implementation.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const TOOL_DIR = join(__dirname, '..', '..', '..', 'tools', 'tlog-tiles');

function findGo(): string {
  for (const candidate of [process.env['GO'], 'go', '/usr/local/go/bin/go']) {
    if (!candidate) continue;
    if (spawnSync(candidate, ['version'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  throw new Error(
    'the tlog-tiles differential test needs the Go toolchain: install Go or set GO=/path/to/go; ' +
      'it builds tools/tlog-tiles (golang.org/x/mod/sumdb/tlog) from the Go module proxy',
  );
}

/** Path of the built tool; builds it when missing (the cache key covers main.go, go.mod, go.sum). */
export function ensureTlogTilesBinary(): string {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum'])
    hash.update(readFileSync(join(TOOL_DIR, file)));
  const cacheDir = process.env['OMEGA_CACHE_DIR'] ?? join(homedir(), '.cache', 'omega');
  const path = join(cacheDir, `tlog-tiles-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(path)) return path;
  mkdirSync(cacheDir, { recursive: true });
  execFileSync(findGo(), ['build', '-o', path, '.'], {
    cwd: TOOL_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return path;
}

/** The root and every tile (by tlog-tiles path) sumdb/tlog computes for `entries`. */
export function tlogTilesOf(entries: readonly Uint8Array[]): {
  root: Uint8Array;
  tiles: Map<string, Uint8Array>;
} {
  const output = execFileSync(ensureTlogTilesBinary(), [], {
    input: JSON.stringify(entries.map((e) => Buffer.from(e).toString('base64'))),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const parsed = JSON.parse(output) as { root: string; tiles: Record<string, string> };
  return {
    root: new Uint8Array(Buffer.from(parsed.root, 'base64')),
    tiles: new Map(
      Object.entries(parsed.tiles).map(([path, b64]) => [
        path,
        new Uint8Array(Buffer.from(b64, 'base64')),
      ]),
    ),
  };
}
