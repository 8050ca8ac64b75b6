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
  SERVICE_MONITOR_CRD,
  describeObject,
  helmArgs,
  helmTemplate,
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
