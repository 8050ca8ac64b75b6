// The NATS configuration the chart renders (templates/nats-config.yaml), run by the real
// nats-server the project pins: one server with the default values, and a three-server JetStream
// cluster with the HA values. Only what a pod provides differently here is changed: the store
// directory, the ports, and the routes' pod DNS names (which resolve only in a cluster) mapped to
// the local servers. The chart's own probe paths must answer 200, and an R3 stream must work.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { findNatsServerBinary, freePort } from '@omega/testkit';
import { findKubeTools, helmTemplate, parseObjects, valueSets, type KubeObject } from './index';

interface Probe {
  httpGet: { path: string; port: string };
}
interface NatsServerRun {
  name: string;
  clientPort: number;
  monitorPort: number;
  child: ChildProcess;
  log: () => string;
}

const running: NatsServerRun[] = [];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omega-chart-nats-'));
});
afterAll(async () => {
  for (const s of running) s.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function rendered(valuesFiles: string[]): Promise<{ conf: string; statefulSet: KubeObject }> {
  const objects = parseObjects(await helmTemplate(findKubeTools(), { valuesFiles }));
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'omega-nats');
  const statefulSet = objects.find((o) => o.kind === 'StatefulSet');
  const conf = (configMap?.['data'] as Record<string, string> | undefined)?.['nats.conf'];
  if (!conf || !statefulSet) throw new Error('the chart rendered no NATS ConfigMap or StatefulSet');
  return { conf, statefulSet };
}

function probes(statefulSet: KubeObject): string[] {
  const spec = statefulSet['spec'] as {
    template: { spec: { containers: Record<string, Probe | undefined>[] } };
  };
  const container = spec.template.spec.containers[0] ?? {};
  return ['startupProbe', 'livenessProbe', 'readinessProbe'].map(
    (p) => container[p]?.httpGet.path ?? '(none)',
  );
}

async function startServer(name: string, conf: string): Promise<NatsServerRun> {
  const file = join(dir, `${name}.conf`);
  await writeFile(file, conf);
  const child = spawn(findNatsServerBinary(), ['--config', file], {
    env: { ...process.env, POD_NAME: name },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (log = (log + c).slice(-20_000)));
  const clientPort = Number(/^port: (\d+)$/m.exec(conf)?.[1]);
  const monitorPort = Number(/^http_port: (\d+)$/m.exec(conf)?.[1]);
  const run = { name, clientPort, monitorPort, child, log: () => log };
  running.push(run);
  return run;
}

async function status(url: string): Promise<number> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
}

async function waitForProbes(server: NatsServerRun, paths: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const codes = await Promise.all(
      paths.map((p) => status(`http://127.0.0.1:${server.monitorPort}${p}`)),
    );
    if (codes.every((c) => c === 200)) return;
    if (server.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(
        `${server.name}: probes ${paths.join(', ')} answered ${codes.join(', ')}; log:\n${server.log()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The rendered config with this machine's ports and a temp store (what a pod's volume gives). */
async function localised(
  conf: string,
  name: string,
  routes: Map<string, number>,
  cluster?: number,
): Promise<string> {
  const [client, monitor] = [await freePort(), await freePort()];
  let out = conf
    .replace(/^port: 4222$/m, `port: ${client}`)
    .replace(/^http_port: 8222$/m, `http_port: ${monitor}`)
    .replace(/store_dir: \/data\/jetstream/, `store_dir: ${join(dir, name, 'jetstream')}`)
    .replace(/^( +)port: 6222$/m, `$1port: ${cluster ?? 0}`);
  for (const [host, port] of routes) {
    out = out.replaceAll(`nats://${host}:6222`, `nats://127.0.0.1:${port}`);
  }
  return out;
}

it('default values: one JetStream server, named by its pod, with the configured limits', async () => {
  const { conf, statefulSet } = await rendered([]);
  expect(conf).not.toMatch(/cluster \{/);
  const local = await localised(conf, 'omega-nats-0', new Map());
  const server = await startServer('omega-nats-0', local);
  await waitForProbes(server, probes(statefulSet));
  const varz = (await (await fetch(`http://127.0.0.1:${server.monitorPort}/varz`)).json()) as {
    server_name: string;
    max_payload: number;
    jetstream: { config: { max_storage: number; max_memory: number } };
  };
  expect(varz.server_name).toBe('omega-nats-0');
  expect(varz.max_payload).toBe(8 * 1024 * 1024);
  expect(varz.jetstream.config.max_storage).toBe(8 * 1024 ** 3);
  expect(varz.jetstream.config.max_memory).toBe(256 * 1024 ** 2);
});

it('HA values: three servers form a JetStream cluster and keep a replicated stream', async () => {
  const { conf, statefulSet } = await rendered([valueSets()['ha'] as string]);
  const names = [0, 1, 2].map((i) => `omega-nats-${i}`);
  const hosts = names.map((n) => `${n}.omega-nats-headless.omega.svc`);
  for (const host of hosts) expect(conf).toContain(`nats://${host}:6222`);
  // Cluster ports first, so every server's routes can name the others'.
  const clusterPorts = [await freePort(), await freePort(), await freePort()];
  const routes = new Map(hosts.map((h, i) => [h, clusterPorts[i] as number]));
  const servers: NatsServerRun[] = [];
  for (const [i, name] of names.entries()) {
    servers.push(await startServer(name, await localised(conf, name, routes, clusterPorts[i])));
  }
  for (const server of servers) await waitForProbes(server, probes(statefulSet), 90_000);

  const nc = await connect({ servers: servers.map((s) => `nats://127.0.0.1:${s.clientPort}`) });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.add({
      name: 'CHART_HA',
      subjects: ['chart.ha.>'],
      num_replicas: 3,
    });
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas?.length).toBe(2);
    expect(
      new Set([info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)]),
    ).toEqual(new Set(names));
  } finally {
    await nc.close();
  }
}, 150_000);
