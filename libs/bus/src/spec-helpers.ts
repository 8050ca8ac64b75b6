// Shared by this lib's specs only (excluded from the build): a JSON message type, a logger that
// records what it logs, and polling.
import pino, { type Logger } from 'pino';
import type { MessageType } from './message-type';

/** A MessageType over JSON bytes, standing in for a generated protobuf type in tests. */
export function jsonType<T>(typeName: string): MessageType<T> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    $type: typeName,
    encode: (message: T) => ({ finish: () => encoder.encode(JSON.stringify(message)) }),
    decode: (input: Uint8Array) => JSON.parse(decoder.decode(input)) as T,
  };
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A pino logger whose lines (parsed) land in `lines`. */
export function recordingLogger(): { logger: Logger; lines: LogLine[]; messages(): string[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines, messages: () => lines.map((l) => l.msg) };
}

/** Polls `probe` until it returns a truthy value (which it resolves with) or the time is up. */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let counter = 0;
/** A name unique within the test process, usable as a subject token and a durable name. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`;
}
