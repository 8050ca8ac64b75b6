// The one table renderer of the CLI: a header row and fixed-width columns separated by two spaces
// (kubectl's look), optionally coloured. The local runner's status table and every `-o table|wide`
// listing go through it.

/** ANSI colours a cell may ask for; only applied when the caller says the terminal takes them. */
export type CellColour = 'red' | 'yellow' | 'green' | 'cyan' | 'dim';

const SGR: Record<CellColour, string> = {
  red: '31',
  yellow: '33',
  green: '32',
  cyan: '36',
  dim: '2',
};

export interface TableCell {
  readonly text: string;
  readonly colour?: CellColour | undefined;
}

export interface TableOptions {
  /** Emit ANSI colours (bold headers, coloured cells); widths ignore the escape codes. */
  readonly colour?: boolean;
}

/** Rows of cells (plain strings or coloured cells) under `headers`, one line each. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly (string | TableCell)[])[],
  options: TableOptions = {},
): string[] {
  const cells: TableCell[][] = [
    headers.map((text) => ({ text })),
    ...rows.map((row) => row.map((cell) => (typeof cell === 'string' ? { text: cell } : cell))),
  ];
  const widths = headers.map((_, col) =>
    Math.max(...cells.map((row) => (row[col]?.text ?? '').length)),
  );
  return cells.map((row, index) =>
    row
      .map((cell, col) => {
        const padded = col === row.length - 1 ? cell.text : cell.text.padEnd(widths[col] ?? 0);
        if (!options.colour) return padded;
        if (index === 0) return `\x1b[1m${padded}\x1b[0m`;
        return cell.colour ? `\x1b[${SGR[cell.colour]}m${padded}\x1b[0m` : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Whether output to this stream may be coloured: a terminal, and NO_COLOR (no-color.org) unset. */
export function colourWanted(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] ?? '') === '';
}

export interface StatusRow {
  name: string;
  pid: number | undefined;
  ports: string;
  state: string;
}

/** The local runner's status table: one row per process. */
export function renderStatusTable(rows: readonly StatusRow[]): string {
  return renderTable(
    ['SERVICE', 'PID', 'PORTS', 'STATE'],
    rows.map((row) => [
      row.name,
      row.pid === undefined ? '-' : String(row.pid),
      row.ports,
      row.state,
    ]),
  ).join('\n');
}
