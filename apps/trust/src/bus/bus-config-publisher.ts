// Publishes what bus setup wrote to Kubernetes, for charts/omega: the NATS server's files to a
// Secret that only the NATS pods mount, and the trust CA to a ConfigMap every Omega pod mounts.
// Both objects exist already (the chart creates them empty) and only their data is patched, so
// trust needs `patch` on those two names and nothing else.
//
// Through @omega/kube, with the pod's own service-account files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kubeRequestOk, type KubeTarget } from '@omega/kube';

/** The files bus setup writes into its output directory; all go to the Secret. */
export const BUS_SERVER_FILES = ['auth.conf', 'ca.pem', 'server.pem', 'server-key.pem'] as const;

export interface BusConfigTarget extends KubeTarget {
  readonly namespace: string;
  readonly secretName: string;
  readonly configMapName: string;
}

/** Patches the Secret with every file of `outDir` and the ConfigMap with its ca.pem. */
export async function publishBusServerConfig(
  outDir: string,
  target: BusConfigTarget,
): Promise<void> {
  const files: Record<string, string> = {};
  for (const name of BUS_SERVER_FILES) {
    files[name] = await readFile(join(outDir, name), 'utf8');
  }
  const secretData = Object.fromEntries(
    Object.entries(files).map(([name, text]) => [name, Buffer.from(text).toString('base64')]),
  );
  const ns = encodeURIComponent(target.namespace);
  await patch(
    target,
    `/api/v1/namespaces/${ns}/secrets/${encodeURIComponent(target.secretName)}`,
    { data: secretData },
    `Secret ${target.namespace}/${target.secretName}`,
  );
  await patch(
    target,
    `/api/v1/namespaces/${ns}/configmaps/${encodeURIComponent(target.configMapName)}`,
    { data: { 'ca.pem': files['ca.pem'] } },
    `ConfigMap ${target.namespace}/${target.configMapName}`,
  );
}

/** A JSON merge patch of one named object; every failure names the object and what to fix. */
async function patch(
  target: BusConfigTarget,
  path: string,
  body: object,
  what: string,
): Promise<void> {
  await kubeRequestOk(target, {
    method: 'PATCH',
    path,
    body,
    what: `publishing ${what}`,
    who: 'bus setup',
    rbacHint: "trust's row in charts/omega/rbac-expected.yaml",
  });
}
