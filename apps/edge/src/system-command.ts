// Runs the kernel's configuration tools (ip, bridge, wg, nft) with a time bound; an error names the
// command and what the tool said.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Code, OmegaError } from '@omega/errors';

const execFileAsync = promisify(execFile);
export const COMMAND_TIMEOUT_MS = 10_000;

/** Runs a tool; `input` goes to its standard input (secrets never appear in argv or on disk). */
export async function run(
  command: string,
  args: readonly string[],
  input?: string,
): Promise<string> {
  try {
    const pending = execFileAsync(command, [...args], {
      timeout: COMMAND_TIMEOUT_MS,
      maxBuffer: 4 * 1024 * 1024,
    });
    // A tool that exits before reading its input must not crash this process with EPIPE.
    pending.child.stdin?.on('error', () => undefined);
    pending.child.stdin?.end(input ?? '');
    const { stdout } = await pending;
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new OmegaError(
      Code.Internal,
      `${command} ${args.join(' ')} failed: ${stderr || (err as Error).message}`,
      { cause: err },
    );
  }
}

/** `nft -f -` with a ruleset on standard input (one transaction: all of it applies or none). */
export async function nftApply(ruleset: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile(
      'nft',
      ['-f', '-'],
      { timeout: COMMAND_TIMEOUT_MS },
      (err, _o, stderr) =>
        err
          ? reject(
              new OmegaError(Code.Internal, `nft -f - failed: ${stderr.trim() || err.message}`, {
                cause: err,
              }),
            )
          : resolve(),
    );
    child.stdin?.end(ruleset);
  });
}
