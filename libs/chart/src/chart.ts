// The chart under test: where it is, the value sets CI renders it with, and rendering with helm.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runToolOk, type KubeTools } from './kube-tools';

/** charts/omega, from this file in src/ or dist/. */
export const CHART_DIR = join(__dirname, '..', '..', '..', 'charts', 'omega');

/** The Prometheus Operator's ServiceMonitor CRD (v0.85.0, vendored as test data). */
export const SERVICE_MONITOR_CRD = join(
  __dirname,
  '..',
  'testdata',
  'monitoring.coreos.com_servicemonitors.yaml',
);

/** The Prometheus Operator's PrometheusRule CRD (v0.85.0, vendored as test data). */
export const PROMETHEUS_RULE_CRD = join(
  __dirname,
  '..',
  'testdata',
  'monitoring.coreos.com_prometheusrules.yaml',
);

/** The value sets kept beside the chart (charts/omega/ci/*-values.yaml), by name. */
export function valueSets(): Record<string, string> {
  const dir = join(CHART_DIR, 'ci');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('-values.yaml'))
      .sort()
      .map((f) => [f.replace(/-values\.yaml$/, ''), join(dir, f)]),
  );
}

/** One rendered Kubernetes object. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  valuesFiles?: readonly string[];
  /** `--set` pairs. */
  set?: Readonly<Record<string, string>>;
  /** API versions the render may assume the cluster serves (e.g. monitoring.coreos.com/v1/ServiceMonitor). */
  apiVersions?: readonly string[];
}

export function helmArgs(options: RenderOptions): string[] {
  const args = ['--namespace', options.namespace ?? 'omega'];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {}))
    args.push('--set', `${key}=${value}`);
  for (const api of options.apiVersions ?? []) args.push('--api-versions', api);
  return args;
}

/** `helm template` → the YAML text (hooks and tests included, as `helm install` would create them). */
export function helmTemplate(tools: KubeTools, options: RenderOptions = {}): Promise<string> {
  return runToolOk(tools.helm, [
    'template',
    options.release ?? 'omega',
    CHART_DIR,
    ...helmArgs(options),
  ]);
}

/** The objects in a multi-document YAML text (empty documents skipped). */
export function parseObjects(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0)
      throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as KubeObject | null;
    if (value) objects.push(value);
  }
  return objects;
}

/** `Kind namespace/name`, for messages. */
export function describeObject(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/**
 * `helm install` of the chart into a (test) cluster, so a spec can act as one of its service
 * accounts with exactly the RBAC the chart grants. Resolves with helm's output.
 */
export function installChart(
  tools: KubeTools,
  kubeconfigPath: string,
  options: RenderOptions = {},
): Promise<string> {
  return runToolOk(
    tools.helm,
    ['install', options.release ?? 'omega', CHART_DIR, ...helmArgs(options), '--create-namespace'],
    { env: { KUBECONFIG: kubeconfigPath } },
  );
}
