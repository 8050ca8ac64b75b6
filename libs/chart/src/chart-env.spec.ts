// The settings the chart gives each container are settings the service accepts: every rendered
// Deployment's and DaemonSet's environment is handed to the built service itself
// (apps/<service>/dist/main.js), whose config loader refuses unknown OMEGA_* names and bad values.
// Only the ports (0: any free one) and trust's key directory (a temp dir) are changed, so the
// process can run on this machine; NATS is unreachable here, so a service that got past its
// configuration says so by waiting for it. The default values are the secure ones (mutual TLS,
// nats.auth identity); chart-secure-boot.spec runs the same environments all the way to ready,
// with trust's bus setup, a real nats-server and Kubernetes attestation.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHART_DIR,
  describeObject,
  findKubeTools,
  helmTemplate,
  parseObjects,
  valueSets,
  type KubeObject,
} from './index';

const ROOT = join(CHART_DIR, '..', '..');
/** Logged by every service right after its configuration loaded (libs/service runService). */
const CONFIG_ACCEPTED = 'connecting to NATS';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

function containerEnv(o: KubeObject): EnvVar[] {
  const spec = o['spec'] as { template: { spec: { containers: { env?: EnvVar[] }[] } } };
  return spec.template.spec.containers[0]?.env ?? [];
}

/** Runs the service with `env` until it logs CONFIG_ACCEPTED or exits; returns what it printed. */
function runUntilConfigured(
  service: string,
  env: Record<string, string>,
): Promise<{ accepted: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps', service, 'dist', 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let done = false;
    const finish = (accepted: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ accepted, output });
    };
    const timer = setTimeout(() => finish(false), 60_000);
    const onData = (chunk: string) => {
      output += chunk;
      if (output.includes(CONFIG_ACCEPTED)) finish(true);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', () => finish(false));
  });
}

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
      const env: Record<string, string> = {};
      for (const v of containerEnv(workload as KubeObject)) {
        if (v.value !== undefined) env[v.name] = v.value;
        else if (v.valueFrom?.fieldRef?.fieldPath === 'spec.nodeName') env[v.name] = 'node-1';
      }
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
