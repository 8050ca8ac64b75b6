// Omega's one naming rule for metrics (docs/metrics.md), checked on what a service exposes: each
// family of a /metrics text is either a standard library family under its upstream name
// (process_*, nodejs_*, grpc_server_*) or Omega's own, omega_<owner>_<what>[_<unit>][_total].

/** Who may own an `omega_<owner>_` family: a service, or a part every service shares. */
export const METRIC_OWNERS = [
  'trust',
  'sentinel',
  'intelligence',
  'orchestrator',
  'deception',
  'twin',
  'gateway',
  // libs/bus: JetStream consumers every service runs.
  'bus',
  // libs/service: the method permission table every service enforces.
  'authz',
  // libs/runtime: the gRPC port every service serves.
  'grpc_server',
] as const;

/** Families named by the library that defines them: prom-client's defaults, grpc-ecosystem's. */
export const STANDARD_PREFIXES = ['process_', 'nodejs_', 'grpc_server_'] as const;

/** Unit words that have a base unit instead (seconds, bytes, ratio). */
const NON_BASE_UNITS = new Set([
  'ms',
  'milliseconds',
  'us',
  'microseconds',
  'ns',
  'nanoseconds',
  'minutes',
  'hours',
  'days',
  'kb',
  'mb',
  'gb',
  'kilobytes',
  'megabytes',
  'gigabytes',
  'percent',
]);

/** Labels Prometheus attaches to a target: an exposition that sets them fights the scrape. */
const TARGET_LABELS = new Set(['job', 'instance', 'service', 'node', 'pod', 'namespace']);

export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  /** Label names seen on the family's samples (le and quantile excluded). */
  labels: Set<string>;
}

/** The families of an exposition text, from its # HELP / # TYPE lines and samples. */
export function metricFamilies(exposition: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const family = (name: string): MetricFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: '', labels: new Set() };
      families.set(name, f);
    }
    return f;
  };
  for (const line of exposition.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const f = family(meta[2] ?? '');
      if (meta[1] === 'TYPE') f.type = meta[3] ?? '';
      else f.help = meta[3] ?? '';
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!sample) continue;
    const name = sample[1] ?? '';
    const owner =
      families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, '')) ?? family(name);
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) {
      const label = m[1] ?? '';
      if (label !== 'le' && label !== 'quantile') owner.labels.add(label);
    }
  }
  return families;
}

/** What is wrong with `family`'s name, type and labels under the rule; empty when nothing. */
export function namingViolations(family: MetricFamily): string[] {
  const { name, type } = family;
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name)) {
    problems.push('is not snake_case (lower-case words joined by single underscores)');
  }
  const standard = STANDARD_PREFIXES.some((p) => name.startsWith(p));
  const owner = METRIC_OWNERS.find((o) => name.startsWith(`omega_${o}_`));
  if (!standard && owner === undefined) {
    problems.push(
      `is neither omega_<owner>_… (owner one of ${METRIC_OWNERS.join(', ')}) nor a standard ${STANDARD_PREFIXES.map((p) => `${p}*`).join(', ')} family`,
    );
  }
  if (type === 'counter' && !name.endsWith('_total')) problems.push('is a counter without _total');
  if (type !== 'counter' && name.endsWith('_total')) {
    problems.push(`ends in _total but is a ${type}: only counters do`);
  }
  if (/_(bucket|sum|count)$/.test(name)) {
    problems.push('ends in _bucket, _sum or _count, which histograms and summaries reserve');
  }
  const unit = name.split('_').find((word) => NON_BASE_UNITS.has(word));
  if (unit !== undefined) problems.push(`uses the unit ${unit}: use seconds, bytes or a ratio`);
  if (!standard) {
    if (family.help.trim() === '') problems.push('has no HELP');
    if (/_duration_seconds$/.test(name) && type !== 'histogram') {
      problems.push(`is a duration but a ${type}: durations are histograms`);
    }
    for (const label of family.labels) {
      if (TARGET_LABELS.has(label)) {
        problems.push(
          `sets the label ${label}, which the scrape attaches (the job names the service)`,
        );
      } else if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(label)) {
        problems.push(`has the label ${label}, which is not snake_case`);
      }
    }
  }
  return problems;
}

/** Every family of `exposition` that breaks the rule, as "<name> <problem>" lines. */
export function expositionViolations(exposition: string): string[] {
  return [...metricFamilies(exposition).values()].flatMap((f) =>
    namingViolations(f).map((p) => `${f.name} ${p}`),
  );
}
