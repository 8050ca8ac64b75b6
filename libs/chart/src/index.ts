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
  describeObject,
  helmArgs,
  helmTemplate,
  parseObjects,
  valueSets,
  type KubeObject,
  type RenderOptions,
} from './chart';
