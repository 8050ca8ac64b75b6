// The alerting rules charts/omega ships (templates/prometheusrule.yaml), rendered by helm and
// written as a plain Prometheus rule file, for promtool and for a live Prometheus.
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { helmTemplate, parseObjects, type RenderOptions } from './chart';
import type { KubeTools } from './kube-tools';

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: AlertingRule[];
}

/** The rule groups of the PrometheusRule the chart renders with `options`; [] when it renders none. */
export async function renderedRuleGroups(
  tools: KubeTools,
  options: RenderOptions = {},
): Promise<RuleGroup[]> {
  const objects = parseObjects(await helmTemplate(tools, options));
  const rules = objects.filter((o) => o.kind === 'PrometheusRule');
  if (rules.length > 1) throw new Error(`the chart rendered ${rules.length} PrometheusRules`);
  const spec = rules[0]?.['spec'] as { groups?: RuleGroup[] } | undefined;
  return spec?.groups ?? [];
}

/** Writes `groups` as a Prometheus rule file (what `promtool check rules` and rule_files read). */
export async function writeRuleFile(path: string, groups: readonly RuleGroup[]): Promise<void> {
  await writeFile(path, stringify({ groups }));
}
