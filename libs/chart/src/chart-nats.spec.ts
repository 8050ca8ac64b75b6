// The NATS configuration the chart renders (templates/nats-config.yaml), run by the real
// nats-server the project pins: one server with the default values (TLS and trust's authorization
// callout, from the files trust's own bus setup writes with the arguments the chart gives its init
// container), and a three-server JetStream cluster with the HA values. Only what a pod provides
// differently here is changed: the store directory, the ports, the auth files' directory, and the
// routes' pod DNS names (which resolve only in a cluster) mapped to the local servers. The chart's
// own probe paths must answer 200, and an R3 stream must work.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { findNatsServerBinary, freePort } from '@omega/testkit';
import {
  CHART_DIR,
  findKubeTools,
  helmTemplate,
  parseObjects,
  valueSets,
  type KubeObject,
} from './index';

const ROOT = join(CHART_DIR, '..', '..');

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

async function rendered(
  valuesFiles: string[],
  set: Record<string, string> = {},
): Promise<{ conf: string; statefulSet: KubeObject; objects: KubeObject[] }> {
  const objects = parseObjects(await helmTemplate(findKubeTools(), { valuesFiles, set }));
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'omega-nats');
  const statefulSet = objects.find((o) => o.kind === 'StatefulSet');
  const conf = (configMap?.['data'] as Record<string, string> | undefined)?.['nats.conf'];
  if (!conf || !statefulSet) throw new Error('the chart rendered no NATS ConfigMap or StatefulSet');
  return { conf, statefulSet, objects };
}

/** The command of trust's bus-setup init container, as rendered. */
function busSetupCommand(objects: KubeObject[]): string[] {
  const trust = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'omega-trust');
  const spec = (trust?.['spec'] as { template: { spec: { initContainers?: unknown[] } } }).template
    .spec;
  const init = (spec.initContainers ?? []) as { name: string; command: string[] }[];
  const setup = init.find((c) => c.name === 'bus-setup');
  if (!setup) throw new Error('Deployment omega-trust: no bus-setup init container rendered');
  return setup.command;
}

/** The value of `--name=value` in a rendered command. */
function flag(command: string[], name: string): string {
  const arg = command.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined)
    throw new Error(`bus-setup command has no --${name}: ${command.join(' ')}`);
  return arg.slice(name.length + 3);
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

async function startServer(
  name: string,
  conf: string,
  file = join(dir, `${name}.conf`),
): Promise<NatsServerRun> {
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

/** The server's INFO, then its answer to a plaintext CONNECT and PING (until it closes). */
function plaintextExchange(port: number): Promise<{ info: unknown; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const first = text === '';
      text += chunk;
      if (first) socket.write('CONNECT {"verbose":false}\r\nPING\r\n');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [infoLine = '', ...rest] = text.split('\r\n');
      try {
        resolve({ info: JSON.parse(infoLine.replace(/^INFO /, '')), answer: rest.join('\n') });
      } catch (err) {
        reject(
          new Error(`nats-server on ${port}: no INFO line in ${JSON.stringify(text)}`, {
            cause: err,
          }),
        );
      }
    });
  });
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

it('default values: one JetStream server, named by its pod, with the configured limits, TLS and trust as its authority', async () => {
  const { conf, statefulSet, objects } = await rendered([]);
  expect(conf).not.toMatch(/cluster \{/);
  expect(conf).toMatch(/^include \.\.\/auth\/auth\.conf$/m);
  // Trust's bus setup with the chart's arguments, writing where the pod mounts the Secret
  // (../auth beside the config directory); Kubernetes publishing is the publisher spec's part.
  const command = busSetupCommand(objects);
  expect(command.slice(0, 2)).toEqual(['node', 'apps/trust/dist/bus-setup-main.js']);
  expect(flag(command, 'out')).toBe('/etc/nats/auth');
  const keyDir = join(dir, 'trust-keys');
  const authDir = join(dir, 'omega-nats-0', 'auth');
  await promisify(execFile)(process.execPath, [
    join(ROOT, 'apps', 'trust', 'dist', 'bus-setup-main.js'),
    `--key-dir=${keyDir}`,
    `--out=${authDir}`,
    `--cluster=${flag(command, 'cluster')}`,
    // Plus localhost: the name this machine reaches the server by.
    `--dns=${flag(command, 'dns')},localhost`,
    `--ip=${flag(command, 'ip')}`,
    `--days=${flag(command, 'days')}`,
  ]);
  // Every service dials the NATS Service by the name in OMEGA_NATS_SERVERS: the certificate names it.
  const gateway = objects.find(
    (o) => o.metadata.name === 'omega-gateway' && o.kind === 'Deployment',
  );
  const env = (
    gateway?.['spec'] as {
      template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
    }
  ).template.spec.containers[0]?.env;
  const natsUrl = new URL(env?.find((e) => e.name === 'OMEGA_NATS_SERVERS')?.value ?? '');
  const certificate = new X509Certificate(await readFile(join(authDir, 'server.pem')));
  expect(natsUrl.hostname).toBe('omega-nats.omega.svc');
  expect(certificate.checkHost(natsUrl.hostname)).toBe('omega-nats.omega.svc');
  expect(certificate.checkHost('omega-nats.example.com')).toBeUndefined();

  const configDir = join(dir, 'omega-nats-0', 'config');
  await mkdir(configDir, { recursive: true });
  const local = await localised(conf, 'omega-nats-0', new Map());
  const server = await startServer('omega-nats-0', local, join(configDir, 'nats.conf'));
  await waitForProbes(server, probes(statefulSet));

  // A plaintext client is told TLS and auth are required and cut off; TLS without a client
  // certificate is refused too.
  const plain = await plaintextExchange(server.clientPort);
  expect(plain.info).toMatchObject({ tls_required: true, auth_required: true, tls_verify: true });
  // It waits for a TLS handshake, so the plaintext CONNECT ends the connection unanswered.
  expect(plain.answer).not.toMatch(/PONG/);
  const ca = await readFile(join(authDir, 'ca.pem'), 'utf8');
  await expect(
    connect({ servers: `tls://localhost:${server.clientPort}`, reconnect: false, tls: { ca } }),
  ).rejects.toThrow();
  // Trust's own user (its nkey) with a certificate from the trust CA: admitted.
  const trustSeed = new TextEncoder().encode(
    (await readFile(join(keyDir, 'nats-trust.nk'), 'utf8')).trim(),
  );
  const nc = await connect({
    servers: `tls://localhost:${server.clientPort}`,
    reconnect: false,
    tls: {
      ca,
      cert: await readFile(join(authDir, 'server.pem'), 'utf8'),
      key: await readFile(join(authDir, 'server-key.pem'), 'utf8'),
    },
    authenticator: nkeyAuthenticator(trustSeed),
  });
  await nc.flush();
  await nc.close();
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
  // The plain bus (insecureDevelopmentMode), so this test's own client can create a stream; the
  // default-values test above runs the authenticated one.
  const { conf, statefulSet } = await rendered([valueSets()['ha'] as string], {
    insecureDevelopmentMode: 'true',
    'nats.auth': 'none',
  });
  expect(conf).not.toMatch(/auth\.conf/);
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
