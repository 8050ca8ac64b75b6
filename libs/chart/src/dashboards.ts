// The dashboards charts/omega ships (dashboards/*.json) as panels with PromQL, the list of metrics
// known to be missing (dashboards/pending-metrics.yaml), and which metric names a query uses.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR } from './chart';

export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

interface DashboardJson {
  title: string;
  panels: { title: string; targets?: { expr?: string }[] }[];
}

/** Every panel target of every dashboard, with Grafana's "All" value for template variables. */
export function dashboardQueries(): PanelQuery[] {
  const dir = join(CHART_DIR, 'dashboards');
  const queries: PanelQuery[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as DashboardJson;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        if (!target.expr) continue;
        queries.push({
          dashboard: dashboard.title,
          panel: panel.title,
          expr: target.expr.replace(/\$\{?(node|job)\}?/g, '.*'),
        });
      }
    }
  }
  return queries;
}

export interface PendingMetrics {
  notExported: Record<string, string>;
  onlyWhen: Record<string, string>;
}

export function pendingMetrics(): PendingMetrics {
  const file = join(CHART_DIR, 'dashboards', 'pending-metrics.yaml');
  const parsed = parse(readFileSync(file, 'utf8')) as Partial<PendingMetrics>;
  return { notExported: parsed.notExported ?? {}, onlyWhen: parsed.onlyWhen ?? {} };
}

/** A metric name in PromQL: Omega's own, a standard family every service exposes, or `up`. */
const METRIC_NAME = /\b((?:omega|grpc_server|process|nodejs)_[a-z0-9_]+|up)\b(?=\s*[{[)\s])/g;

/**
 * The metrics a query reads: plain names (`omega_x_total`, `grpc_server_handled_total`), and `__name__=~"…"` patterns as
 * regular expressions. Histogram series suffixes are dropped (`_bucket` → the histogram's name).
 */
export function metricsIn(expr: string): { names: string[]; patterns: RegExp[] } {
  const patterns = [...expr.matchAll(/__name__=~"([^"]+)"/g)].map((m) => new RegExp(`^${m[1]}$`));
  const withoutPatterns = expr.replace(/__name__=~"[^"]+"/g, '');
  const names = [
    ...new Set(
      [...withoutPatterns.matchAll(METRIC_NAME)].map((m) =>
        (m[1] ?? '').replace(/_(bucket|sum|count)$/, ''),
      ),
    ),
  ];
  return { names, patterns: patterns.map((p) => new RegExp(p.source.replace(/_bucket\$$/, '$'))) };
}

/** Metric names a /metrics text declares with `# TYPE`. */
export function declaredMetrics(exposition: string): Set<string> {
  return new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ''));
}
