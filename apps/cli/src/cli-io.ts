// What every command writes to and reads from (stdout, stderr, the environment, the clock), so
// specs run commands in-process, and the argument parsers commands share.
import { InvalidArgumentError } from 'commander';
import { colourWanted } from './status-table';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Redraw in place (a terminal); otherwise each update is appended as lines. */
  live: boolean;
  /** Colour tables (a terminal, NO_COLOR unset). */
  colour: boolean;
  now: () => number;
  env: NodeJS.ProcessEnv;
  /** For long-running commands (watch): aborted on Ctrl-C, which then ends them cleanly. */
  interrupted: () => AbortSignal;
  /** Reads all of standard input (for --token-stdin). */
  readStdin: () => Promise<string>;
}

export function processIo(): CliIo {
  let interrupt: AbortController | undefined;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    live: process.stdout.isTTY === true,
    colour: colourWanted(process.stdout),
    now: () => Date.now(),
    env: process.env,
    interrupted: () => {
      if (!interrupt) {
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        interrupt = controller;
      }
      return interrupt.signal;
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** An io for specs and embedding: lines collected, no terminal, the process environment. */
export function bufferedIo(overrides: Partial<CliIo> = {}): CliIo & {
  lines: string[];
  errors: string[];
} {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (line) => void lines.push(line),
    err: (line) => void errors.push(line),
    live: false,
    colour: false,
    now: () => Date.now(),
    env: process.env,
    readStdin: async () => '',
    interrupted: () => new AbortController().signal,
    ...overrides,
  };
}

/** commander parser: a positive integer (`--limit`). */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  }
  return n;
}

/** commander parser: a non-negative integer (`--port-offset`). */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  }
  return n;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** commander parser: a duration such as `90s`, `15m`, `1h`, `7d` (or `1h30m`), in seconds. */
export function durationSeconds(value: string): number {
  const parts = [...value.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) {
    throw new InvalidArgumentError(`expected a duration like 90s, 15m, 1h or 7d, got '${value}'`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit!]!, 0);
}

/** commander parser: a comma-separated list (`--roles a,b`). */
export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
