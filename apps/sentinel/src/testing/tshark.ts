// Test-only: runs tshark (the second capture reader the replay specs compare against) for fields.
import { execFileSync } from 'node:child_process';

/** One row of tab-separated field values per packet of `file`. */
export function tshark(file: string, ...fields: string[]): string[][] {
  const out = execFileSync(
    'tshark',
    ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}
