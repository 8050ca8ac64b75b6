// Turns a service's pino JSON log stream into prefixed, human-readable lines for the local runner.
const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const HIDDEN_FIELDS = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

/** One log line as the runner prints it: `trust        INFO  service started grpcPort=50052`. */
export function formatLogLine(prefix: string, line: string): string {
  const trimmed = line.trimEnd();
  if (!trimmed.startsWith('{')) return `${prefix} ${trimmed}`;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return `${prefix} ${trimmed}`;
  }
  const raw = record['level'];
  const level =
    typeof raw === 'number'
      ? (LEVELS[raw] ?? String(raw))
      : String(raw ?? '')
          .toUpperCase()
          .padEnd(5);
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${prefix} ${level} ${String(record['msg'] ?? '')}${fields ? ` ${fields}` : ''}`;
}

/** Splits a byte stream into lines, calling onLine for each complete one. */
export function lineSplitter(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString();
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  };
}
