// The settings the chart gives each container are settings the service accepts: every rendered
// Deployment's and DaemonSet's environment is handed to the built service itself
// (apps/<service>/dist/main.js), whose config loader refuses unknown OMEGA_* names and bad values.
// Only the ports (0: any free one) and trust's key directory (a temp dir) are changed, so the
// process can run on this machine; NATS is unreachable here, so a service that got past its
// configuration says so by waiting for it. The default values are the secure ones (mutual TLS,
// nats.auth identity), and trust, which needs no enrollment, goes further: it authenticates with
// its own keys to a real nats-server running the chart's config and trust's bus-setup output.
// The other services would next enroll with a projected token, which only a kubelet mounts.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startNatsServer, type NatsServer } from '@omega/testkit';
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

/** The env a workload's container gets, with the node name a pod would have. */
function envOf(workload: KubeObject): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of containerEnv(workload)) {
    if (v.value !== undefined) env[v.name] = v.value;
    else if (v.valueFrom?.fieldRef?.fieldPath === 'spec.nodeName') env[v.name] = 'node-1';
  }
  return env;
}

/** Runs the service with `env` until it logs `marker` or exits; returns what it printed. */
function runUntilConfigured(
  service: string,
  env: Record<string, string>,
  marker = CONFIG_ACCEPTED,
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
      if (output.includes(marker)) finish(true);
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
      const env = envOf(workload as KubeObject);
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

describe('trust on the bus charts/omega configures (default values)', () => {
  let dir: string;
  let nats: NatsServer | undefined;
  afterAll(async () => {
    await nats?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("authenticates with its own keys over TLS to a nats-server running the chart's config and provisions its streams", async () => {
    dir = await mkdtemp(join(tmpdir(), 'omega-chart-bus-'));
    const objects = parseObjects(await helmTemplate(findKubeTools()));
    const trust = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'omega-trust');
    const natsConfig = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === 'omega-nats',
    );
    const init = (
      trust?.['spec'] as { template: { spec: { initContainers: { command: string[] }[] } } }
    ).template.spec.initContainers[0]?.command;
    if (!trust || !natsConfig || !init)
      throw new Error('no trust Deployment, bus-setup or NATS config rendered');
    // Trust's bus setup with the init container's arguments, its key and output directories
    // local, and localhost added to the certificate (the name this machine dials).
    const keyDir = join(dir, 'keys');
    const local = init
      .slice(2)
      .map((arg) =>
        arg.startsWith('--key-dir=')
          ? `--key-dir=${keyDir}`
          : arg.startsWith('--out=')
            ? `--out=${join(dir, 'auth')}`
            : arg.startsWith('--dns=')
              ? `${arg},localhost`
              : arg,
      );
    await promisify(execFile)(process.execPath, [
      join(ROOT, 'apps', 'trust', 'dist', 'bus-setup-main.js'),
      ...local.filter((arg) => !arg.startsWith('--kubernetes-')),
    ]);
    // The chart's nats.conf beside the auth directory, as the pod mounts them.
    await mkdir(join(dir, 'config'));
    const conf = join(dir, 'config', 'nats.conf');
    // The pod's name and data volume come from the pod there; the ports from the test kit.
    const text = (natsConfig['data'] as Record<string, string>)['nats.conf'] ?? '';
    await writeFile(
      conf,
      text
        .replace('server_name: $POD_NAME', 'server_name: omega-nats-0')
        .replace('store_dir: /data/jetstream', `store_dir: ${join(dir, 'jetstream')}`),
    );
    nats = await startNatsServer({ jetstream: false, args: ['--config', conf] });

    const env = envOf(trust);
    expect([env['OMEGA_NATS_AUTH'], env['OMEGA_TLS_ENABLED']]).toEqual(['identity', 'true']);
    Object.assign(env, {
      OMEGA_GRPC_PORT: '0',
      OMEGA_HTTP_PORT: '0',
      OMEGA_TRUST_TLOG_PORT: '0',
      OMEGA_TRUST_KEY_DIR: keyDir,
      OMEGA_NATS_SERVERS: `tls://localhost:${nats.port}`,
    });
    const { accepted, output } = await runUntilConfigured(
      'trust',
      env,
      'bus resources provisioned',
    );
    if (!accepted) {
      throw new Error(
        `Deployment omega/omega-trust did not provision its streams on the chart's bus; it printed:\n${output.slice(-3000)}\nnats-server:\n${nats.logTail(20)}`,
      );
    }
    expect(output).toMatch(/"msg":"nats: connected to localhost:\d+"/);
    expect(output).toMatch(/"created":\["stream AUDIT"/);
  }, 90_000);
});
