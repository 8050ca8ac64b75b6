// Renders the local runner's status table: one row per process, fixed-width columns.

export interface StatusRow {
  name: string;
  pid: number | undefined;
  ports: string;
  state: string;
}

export function renderStatusTable(rows: readonly StatusRow[]): string {
  const header: StatusRow = { name: 'SERVICE', pid: undefined, ports: 'PORTS', state: 'STATE' };
  const cells = [header, ...rows].map((row) => [
    row.name,
    row === header ? 'PID' : row.pid === undefined ? '-' : String(row.pid),
    row.ports,
    row.state,
  ]);
  const widths = [0, 1, 2, 3].map((col) => Math.max(...cells.map((c) => (c[col] ?? '').length)));
  return cells
    .map((c) =>
      c
        .map((cell, col) => cell.padEnd(widths[col] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
