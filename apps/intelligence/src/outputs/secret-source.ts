// A token an output sends, read from a file (a mounted Secret, re-read when it changes) or an
// environment variable. The value is never logged and never part of an error message.
import { readFile, stat } from 'node:fs/promises';
import { Code, OmegaError, errorMessage } from '@omega/runtime';

/** Longest token accepted (a bearer token or a password, not a document). */
export const MAX_TOKEN_BYTES = 8192;

export interface TokenSourceConfig {
  tokenFile?: string | undefined;
  tokenEnv?: string | undefined;
}

/** Returns the current token, or undefined when the output has none configured. */
export type TokenSource = () => Promise<string | undefined>;

export function tokenSource(
  config: TokenSourceConfig,
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): TokenSource {
  if (config.tokenEnv) {
    const name = config.tokenEnv;
    return async () => {
      const value = env[name];
      if (!value) {
        throw new OmegaError(
          Code.FailedPrecondition,
          `${where}: environment variable ${name} is empty or unset`,
        );
      }
      return checked(value, `${where}: environment variable ${name}`);
    };
  }
  if (config.tokenFile) {
    const file = config.tokenFile;
    let cached: { mtimeMs: number; size: number; token: string } | undefined;
    return async () => {
      try {
        const info = await stat(file);
        if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size)
          return cached.token;
        if (info.size > MAX_TOKEN_BYTES + 2) {
          throw new OmegaError(
            Code.FailedPrecondition,
            `${where}: token file ${file} is over ${MAX_TOKEN_BYTES} bytes`,
          );
        }
        const token = checked(
          (await readFile(file, 'utf8')).replace(/\r?\n$/, ''),
          `${where}: token file ${file}`,
        );
        cached = { mtimeMs: info.mtimeMs, size: info.size, token };
        return token;
      } catch (err) {
        if (err instanceof OmegaError) throw err;
        // Unavailable: a Secret being mounted or rotated is retried.
        throw new OmegaError(
          Code.Unavailable,
          `${where}: token file ${file}: ${errorMessage(err)}`,
          { cause: err },
        );
      }
    };
  }
  return async () => undefined;
}

/** A token fit for an HTTP header: visible ASCII, bounded. The message never includes the value. */
function checked(token: string, where: string): string {
  if (token.length === 0 || token.length > MAX_TOKEN_BYTES || !/^[\x21-\x7e]+$/.test(token)) {
    throw new OmegaError(
      Code.FailedPrecondition,
      `${where}: the token must be 1-${MAX_TOKEN_BYTES} visible ASCII characters (length ${token.length})`,
    );
  }
  return token;
}
