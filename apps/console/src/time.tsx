// Timestamps in the user's time zone, with UTC on hover.
export function nsToDate(ns: string | undefined): Date | undefined {
  if (ns === undefined || ns === '0' || ns === '') return undefined;
  return new Date(Number(BigInt(ns) / 1_000_000n));
}

export function Time({ ns }: { readonly ns: string | undefined }) {
  const date = nsToDate(ns);
  if (date === undefined) return <span className="muted">—</span>;
  return (
    <time dateTime={date.toISOString()} title={`${date.toISOString().replace('T', ' ')} (UTC)`}>
      {date.toLocaleString()}
    </time>
  );
}
