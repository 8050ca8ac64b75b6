// Test-only: builds (once, into a cache outside the repo) and runs the Go tools that check
// libs/auditlog against independent implementations: tools/tlog-tiles (golang.org/x/mod/sumdb/tlog
// tiles and roots) and tools/cosignature-check (transparency-dev/formats cosignature/v1).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const TOOLS = join(__dirname, '..', '..', '..', 'tools');

function findGo(): string {
  for (const candidate of [process.env['GO'], 'go', '/usr/local/go/bin/go']) {
    if (!candidate) continue;
    if (spawnSync(candidate, ['version'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  throw new Error(
    'the differential tests of libs/auditlog need the Go toolchain: install Go or set GO=/path/to/go; ' +
      'they build tools/tlog-tiles and tools/cosignature-check from the Go module proxy',
  );
}

/** Path of tools/<tool> built; builds it when missing (the cache key covers main.go, go.mod, go.sum). */
function ensureGoTool(tool: string): string {
  const dir = join(TOOLS, tool);
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(dir, file)));
  const cacheDir = process.env['OMEGA_CACHE_DIR'] ?? join(homedir(), '.cache', 'omega');
  const path = join(cacheDir, `${tool}-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(path)) return path;
  mkdirSync(cacheDir, { recursive: true });
  execFileSync(findGo(), ['build', '-o', path, '.'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return path;
}

/** The root and every tile (by tlog-tiles path) sumdb/tlog computes for `entries`. */
export function tlogTilesOf(entries: readonly Uint8Array[]): {
  root: Uint8Array;
  tiles: Map<string, Uint8Array>;
} {
  const output = execFileSync(ensureGoTool('tlog-tiles'), [], {
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

/** One request to tools/cosignature-check (transparency-dev/formats). */
export function cosignatureCheck(
  request:
    { op: 'verify'; vkey: string; note: string } | { op: 'sign'; skey: string; note: string },
): { ok?: boolean; time?: number; error?: string; note?: string; keyHash?: string } {
  const output = execFileSync(ensureGoTool('cosignature-check'), [], {
    input: JSON.stringify(request),
    encoding: 'utf8',
  });
  return JSON.parse(output) as ReturnType<typeof cosignatureCheck>;
}
