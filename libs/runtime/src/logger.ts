// Structured JSON-lines logging for every service: pino, one event per line, `service` on each.
import { hostname } from 'node:os';
import pino from 'pino';

export type Logger = pino.Logger;

export interface CreateLoggerOptions {
  service: string;
  /** fatal, error, warn, info (default), debug or trace. */
  level?: string;
  /** Defaults to stdout, written synchronously so nothing is lost on exit. */
  destination?: pino.DestinationStream;
}

/** A pino logger writing `{"level":"info","time":"<ISO 8601>","service":…,"msg":…}` lines. */
export function createLogger(opts: CreateLoggerOptions): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? 'info',
    base: { service: opts.service, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  // pino's own default writes stdout asynchronously and can lose the last lines on process.exit.
  return pino(options, opts.destination ?? pino.destination({ dest: 1, sync: true }));
}
