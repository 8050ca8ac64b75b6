// The settings the chart gives each container are settings the service accepts: every rendered
// Deployment's and DaemonSet's environment is handed to the built service itself
// (apps/<service>/dist/main.js), whose config loader refuses unknown OMEGA_* names and bad values.
// Only the ports (0: any free one) and trust's key directory (a temp dir) are changed, so the
// process can run on this machine; NATS is unreachable here, so a service that got past its
// configuration says so by waiting for it. The default values are the secure ones (mutual TLS,
// nats.auth identity); chart-secure-boot.spec runs the same environments all the way to ready,
// with trust's bus setup, a real nats-server and Kubernetes attestation.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  containerEnv,
  describeObject,
  findKubeTools,
  helmTemplate,
  parseObjects,
  runUntilConfigured,
  valueSets,
  type KubeObject,
} from './index';

let keyDir: string;
beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), 'omega-chart-env-'));
});
afterAll(async () => {
  await rm(keyDir, { recursive: true, force: true });
});

describe.each([
  ['default', [] as string[]],
  ['locked-down', [valueSets()['locked-down'] as string]],
])('the environment charts/omega gives each service (%s values)', (_set, valuesFiles) => {
  let workloads: KubeObject[];
  beforeAll(async () => {
    const objects = parseObjects(await helmTemplate(findKubeTools(), { valuesFiles }));
    workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet');
  });

  it.each(['gateway', 'trust', 'intelligence', 'orchestrator', 'deception', 'twin', 'sentinel'])(
    'is accepted by %s itself',
    async (service) => {
      const workload = workloads.find((w) => w.metadata.name === `omega-${service}`);
      expect(workload).toBeDefined();
      const env = containerEnv(workload as KubeObject);
      Object.assign(env, { OMEGA_GRPC_PORT: '0', OMEGA_HTTP_PORT: '0' });
      if (env['OMEGA_TRUST_KEY_DIR']) env['OMEGA_TRUST_KEY_DIR'] = keyDir;
      const { accepted, output } = await runUntilConfigured(service, env);
      if (!accepted) {
        throw new Error(
          `${describeObject(workload as KubeObject)}: the service did not accept its environment ` +
            `${JSON.stringify(env)}; it printed:\n${output.slice(-3000)}`,
        );
      }
      expect(output).not.toMatch(/config: /);
    },
    90_000,
  );
});
