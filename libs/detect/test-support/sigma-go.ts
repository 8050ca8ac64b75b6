// Test-only: builds (once, into a cache outside the repo) and runs tools/sigma-diff, which
// evaluates rules with bradleyjkemp/sigma-go.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const SIGMA_GO_VERSION = 'v0.6.6';
const TOOL_DIR = join(__dirname, '..', '..', '..', 'tools', 'sigma-diff');

export interface SigmaGoCase {
  readonly rule: string;
  readonly event: Record<string, unknown>;
}

export interface SigmaGoOutput {
  readonly ruleErrors: Record<string, string>;
  readonly results: readonly { readonly match: boolean; readonly error?: string }[];
}

function findGo(): string {
  const candidates = [
    process.env['GO'],
    'go',
    '/usr/local/go/bin/go',
    join(homedir(), 'go', 'bin', 'go'),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  throw new Error(
    'the sigma-go differential test needs the Go toolchain (go 1.22+): install Go or set GO=/path/to/go; ' +
      `it builds tools/sigma-diff (bradleyjkemp/sigma-go ${SIGMA_GO_VERSION}) from the Go module proxy`,
  );
}

/** Path of the built tool; builds it when missing (the cache key covers main.go, go.mod, go.sum). */
export function ensureSigmaDiffBinary(): { path: string; builtMs: number | undefined } {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum'])
    hash.update(readFileSync(join(TOOL_DIR, file)));
  const cacheDir = process.env['OMEGA_CACHE_DIR'] ?? join(homedir(), '.cache', 'omega');
  const path = join(cacheDir, `sigma-diff-${SIGMA_GO_VERSION}-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(path)) return { path, builtMs: undefined };
  mkdirSync(cacheDir, { recursive: true });
  const go = findGo();
  const started = performance.now();
  execFileSync(go, ['build', '-o', path, '.'], {
    cwd: TOOL_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return { path, builtMs: performance.now() - started };
}

export function runSigmaGo(
  binary: string,
  rules: { key: string; yaml: string }[],
  cases: SigmaGoCase[],
): SigmaGoOutput {
  const output = execFileSync(binary, [], {
    input: JSON.stringify({ rules, cases }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(output) as SigmaGoOutput;
}
