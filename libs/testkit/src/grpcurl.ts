// grpcurl, a gRPC client no one here wrote, for specs that call Omega the way other tools do:
// built once by scripts/grpcurl.mjs (npm run setup) into ~/.cache/omega/grpcurl-<version>/.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Code, OmegaError } from '@omega/runtime';

/** The grpcurl release the specs use; scripts/grpcurl.mjs builds the same one. */
export const GRPCURL_VERSION = 'v1.9.4';

/** The path of grpcurl: $GRPCURL_BIN, else the pinned build in the cache; throws naming how to get it. */
export function grpcurlBinary(): string {
  const fromEnv = process.env['GRPCURL_BIN'];
  if (fromEnv !== undefined && existsSync(fromEnv)) return fromEnv;
  const cached = join(
    process.env['OMEGA_CACHE_DIR'] ?? join(homedir(), '.cache', 'omega'),
    `grpcurl-${GRPCURL_VERSION}`,
    'grpcurl',
  );
  if (existsSync(cached)) return cached;
  throw new OmegaError(
    Code.FailedPrecondition,
    `grpcurl ${GRPCURL_VERSION} is not at ${cached}: run npm run setup (it builds it with Go: node scripts/grpcurl.mjs)`,
  );
}

/** What a grpcurl run printed and how it exited. */
export interface GrpcurlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs grpcurl with `args` (never rejects: a refusal is an answer to check). */
export function grpcurl(args: readonly string[]): Promise<GrpcurlRun> {
  const binary = grpcurlBinary();
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
