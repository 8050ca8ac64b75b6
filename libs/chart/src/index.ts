// Test helpers for charts/omega: helm and kubectl from the npm layer package, rendering, the RBAC
// permission table.
export {
  KUBE_TOOLS_COMMAND,
  findKubeTools,
  runTool,
  runToolOk,
  type KubeTools,
  type ToolResult,
} from './kube-tools';
export {
  CHART_DIR,
  PROMETHEUS_RULE_CRD,
  SERVICE_MONITOR_CRD,
  describeObject,
  helmArgs,
  helmTemplate,
  installChart,
  parseObjects,
  valueSets,
  type KubeObject,
  type RenderOptions,
} from './chart';
export {
  RBAC_TABLE,
  expectedGrants,
  expectedRbac,
  grantsFromRules,
  type ExpectedRbac,
  type Grants,
  type ResourceRule,
} from './rbac-table';
export {
  declaredMetrics,
  dashboardQueries,
  metricsIn,
  pendingMetrics,
  type PanelQuery,
  type PendingMetrics,
} from './dashboards';
export {
  METRIC_OWNERS,
  STANDARD_PREFIXES,
  expositionViolations,
  metricFamilies,
  namingViolations,
  type MetricFamily,
} from './metric-naming';
export {
  renderedRuleGroups,
  writeRuleFile,
  type AlertingRule,
  type RuleGroup,
} from './prometheus-rules';
export { OMEGA_SERVICES, startLocalOmega, type LocalOmega, type OmegaService } from './local-omega';
export {
  PROMETHEUS_INSTALL_COMMAND,
  findPrometheus,
  findPromtool,
  promtool,
  startPrometheus,
  type PromtoolResult,
  type PromSample,
  type Prometheus,
  type ScrapeJob,
} from './prometheus';
export {
  admitsIngress,
  type Protocol,
  type Source,
  type TargetPod,
} from './network-policy-ingress';
export { configMapDirectory, containerEnv, runUntilConfigured } from './service-env';
