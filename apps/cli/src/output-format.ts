// `-o table|wide|json|yaml` for every listing and get command: a table through the one renderer
// (wide adds the columns marked wide), or the proto message as proto3 JSON (its generated toJSON),
// printed as JSON or YAML so scripts can parse it.
import { stringify as yamlStringify } from 'yaml';
import { renderTable, type CellColour, type TableCell } from './status-table';

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string;
  /** Only in `-o wide`. */
  readonly wide?: boolean;
  readonly colour?: (row: T) => CellColour | undefined;
}

export interface Printer {
  readonly format: OutputFormat;
  readonly colour: boolean;
}

/** The message as JSON text (one document) or YAML. */
export function renderMessage(format: 'json' | 'yaml', json: unknown): string {
  return format === 'json' ? JSON.stringify(json, null, 2) : yamlStringify(json).trimEnd();
}

/**
 * A list: the table of `rows` (or `empty` when there are none), or for json/yaml the whole
 * response message as `json`.
 */
export function renderList<T>(
  printer: Printer,
  rows: readonly T[],
  columns: readonly Column<T>[],
  json: unknown,
  empty: string,
): string[] {
  if (printer.format === 'json' || printer.format === 'yaml') {
    return [renderMessage(printer.format, json)];
  }
  if (rows.length === 0) return [empty];
  const shown = columns.filter((c) => printer.format === 'wide' || !c.wide);
  return renderTable(
    shown.map((c) => c.header),
    rows.map((row) =>
      shown.map((c): TableCell => ({ text: c.value(row), colour: c.colour?.(row) })),
    ),
    { colour: printer.colour },
  );
}

/** One object: json/yaml print the message; table/wide print `lines()` (a detail view). */
export function renderObject(printer: Printer, json: unknown, lines: () => string[]): string[] {
  if (printer.format === 'json' || printer.format === 'yaml') {
    return [renderMessage(printer.format, json)];
  }
  return lines();
}

/** `SEVERITY_HIGH` → `high`, `INCIDENT_STATUS_OPEN` → `open`: enum names as people read them. */
export function enumLabel(enumName: string, prefix: string): string {
  return enumName.startsWith(prefix) ? enumName.slice(prefix.length).toLowerCase() : enumName;
}

/** A fixed64 nanosecond time as ISO 8601, `-` for unset. */
export function isoTime(timeNs: bigint): string {
  return timeNs === 0n ? '-' : new Date(Number(timeNs / 1_000_000n)).toISOString();
}
