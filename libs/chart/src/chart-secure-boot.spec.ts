// Omega's secure defaults end to end, as the chart wires them, on this machine: the chart installed
// with helm on a real kube-apiserver; trust's bus-setup init container (its rendered arguments)
// publishing as omega-trust to the chart's Secret and ConfigMap; a real nats-server running the
// chart's nats.conf with the files read back from that Secret (what the NATS pod mounts); trust with
// its rendered environment; then every other service with its rendered environment, the CA read
// back from the ConfigMap (what its pod mounts) and a pod-bound projected token (what the kubelet
// mounts), enrolling by Kubernetes attestation, connecting to NATS with its certificate (which
// trust's authorization callout admits) and becoming ready with mutual TLS; the gateway finding
// the sentinel pod as omega-gateway, and the chart's helm test script against it. Only ports,
// directories and addresses are localised.
// Over 400 lines on purpose: one API server, bus and trust shared by every service's boot, in order.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateTokenRequest, GatewayServiceClient } from '@omega/proto';
import { createPromiseClient } from '@omega/runtime';
import {
  bootstrapChannelCredentials,
  channelCredentials,
  enroll,
  joinTokenFromFile,
} from '@omega/trust-client';
import {
  freePort,
  loadKubernetesClient,
  startKubeApiServer,
  startNatsServer,
  type KubeApiServer,
  type NatsServer,
} from '@omega/testkit';
import {
  CHART_DIR,
  configMapDirectory,
  findKubeTools,
  helmTemplate,
  installChart,
  parseObjects,
  type KubeObject,
} from './index';

const ROOT = join(CHART_DIR, '..', '..');
const NS = 'omega';
const NODE = 'node-1';
// The gateway after intelligence: it forwards the helm test's ListAlerts there.
const SERVICES = ['intelligence', 'gateway', 'orchestrator', 'deception', 'twin', 'sentinel'];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface PodTemplate {
  spec: { containers: { env?: EnvVar[] }[]; initContainers?: { command: string[] }[] };
}

let kube: KubeApiServer;
let nats: NatsServer;
let dir: string;
let rulesDir: string;
let objects: KubeObject[];
let trustGrpcPort: number;
/** The gateway's in-cluster credential, localised: a kubeconfig of omega-gateway. */
let gatewayKubeconfig: string;
const children: ChildProcess[] = [];
const podUids = new Map<string, string>();
interface ReadyLine {
  grpcPort: number;
  httpPort: number;
}
const readyLines = new Map<string, ReadyLine>();

function template(name: string): PodTemplate {
  const workload = objects.find(
    (o) => (o.kind === 'Deployment' || o.kind === 'DaemonSet') && o.metadata.name === name,
  );
  if (!workload) throw new Error(`the chart rendered no workload ${name}`);
  return (workload['spec'] as { template: PodTemplate }).template;
}

function podLabels(name: string): Record<string, string> {
  return (template(name) as PodTemplate & { metadata: { labels: Record<string, string> } }).metadata
    .labels;
}

function envOf(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of template(name).spec.containers[0]?.env ?? []) {
    if (v.value !== undefined) env[v.name] = v.value;
    else if (v.valueFrom?.fieldRef?.fieldPath === 'spec.nodeName') env[v.name] = NODE;
  }
  return env;
}

/** Runs apps/<service>/dist/main.js until it has logged every marker (resolves) or exits (rejects). */
function runUntil(
  service: string,
  env: Record<string, string>,
  ...markers: string[]
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps', service, 'dist', 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    const timer = setTimeout(() => fail('no such line within 60 s'), 60_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new Error(
          `${service}: ${why} (waiting for "${markers.join('", "')}"); it printed:\n${output.slice(-4000)}`,
        ),
      );
    };
    const onData = (chunk: string) => {
      output += chunk;
      if (markers.every((marker) => output.includes(marker))) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => fail(`exited (${code})`));
  });
}

beforeAll(async () => {
  const k8s = await loadKubernetesClient();
  kube = await startKubeApiServer();
  const tools = findKubeTools();
  await installChart(tools, kube.kubeconfigPath, { namespace: NS });
  objects = parseObjects(await helmTemplate(tools, { namespace: NS }));
  dir = await mkdtemp(join(tmpdir(), 'omega-secure-boot-'));
  const core = kube.kubeConfig.makeApiClient(k8s.CoreV1Api);
  await core.createNode({ body: { metadata: { name: NODE } } });
  // The pods a scheduler would have placed (nothing runs them): their tokens name them.
  for (const service of SERVICES) {
    const pod = await core.createNamespacedPod({
      namespace: NS,
      body: {
        // The sentinel's with the DaemonSet's labels: the gateway finds it by them.
        metadata: {
          name: `omega-${service}-0`,
          labels: service === 'sentinel' ? podLabels('omega-sentinel') : {},
        },
        spec: {
          nodeName: NODE,
          serviceAccountName: `omega-${service}`,
          containers: [{ name: service, image: 'omega' }],
        },
      },
    });
    podUids.set(service, pod.metadata?.uid ?? '');
  }
  // What the kubelet reports for the host-network sentinel: the node's address.
  const sentinelPod = await core.readNamespacedPod({ namespace: NS, name: 'omega-sentinel-0' });
  sentinelPod.status = { phase: 'Running', podIP: '127.0.0.1', hostIP: '127.0.0.1' };
  await core.replaceNamespacedPodStatus({
    namespace: NS,
    name: 'omega-sentinel-0',
    body: sentinelPod,
  });
  gatewayKubeconfig = (await kube.serviceAccountAccess(NS, 'omega-gateway')).kubeconfigPath;

  // Trust's bus-setup init container, as omega-trust, publishing to the chart's objects.
  const trustToken = join(dir, 'trust-token');
  await writeFile(trustToken, await kube.requestServiceAccountToken(NS, 'omega-trust'));
  const init = template('omega-trust').spec.initContainers?.[0]?.command ?? [];
  const keyDir = join(dir, 'keys');
  const args = init.slice(2).map((arg) => {
    if (arg.startsWith('--key-dir=')) return `--key-dir=${keyDir}`;
    if (arg.startsWith('--out=')) return `--out=${join(dir, 'nats-auth')}`;
    // Plus localhost: the name this machine dials the server by.
    if (arg.startsWith('--dns=')) return `${arg},localhost`;
    return arg;
  });
  await promisify(execFile)(process.execPath, [
    join(ROOT, 'apps', 'trust', 'dist', 'bus-setup-main.js'),
    ...args,
    `--kubernetes-api-server=${kube.url}`,
    `--kubernetes-token-file=${trustToken}`,
    `--kubernetes-ca-file=${kube.caPath}`,
  ]);

  // intelligence's customRules ConfigMap (empty by default), as its pod mounts it.
  rulesDir = await configMapDirectory(objects, 'omega-intelligence-rules', join(dir, 'rules'));
  // NATS with what its pod mounts: the chart's config and the Secret trust filled.
  const secret = await core.readNamespacedSecret({ namespace: NS, name: 'omega-nats-tls' });
  await mkdir(join(dir, 'nats-auth'), { recursive: true });
  for (const [file, base64] of Object.entries(secret.data ?? {})) {
    await writeFile(join(dir, 'nats-auth', file), Buffer.from(base64, 'base64'), { mode: 0o600 });
  }
  const natsConf = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'omega-nats');
  const text = (natsConf?.['data'] as Record<string, string> | undefined)?.['nats.conf'] ?? '';
  await mkdir(join(dir, 'nats-config'));
  await writeFile(
    join(dir, 'nats-config', 'nats.conf'),
    text
      .replace('include ../auth/auth.conf', 'include ../nats-auth/auth.conf')
      .replace('server_name: $POD_NAME', 'server_name: omega-nats-0')
      .replace('store_dir: /data/jetstream', `store_dir: ${join(dir, 'jetstream')}`),
  );
  nats = await startNatsServer({
    jetstream: false,
    args: ['--config', join(dir, 'nats-config', 'nats.conf')],
  });

  // The trust CA every other pod mounts, from the ConfigMap trust filled.
  const configMap = await core.readNamespacedConfigMap({ namespace: NS, name: 'omega-trust-ca' });
  await writeFile(join(dir, 'trust-ca.pem'), configMap.data?.['ca.pem'] ?? '');

  trustGrpcPort = await freePort();
  await runUntil(
    'trust',
    {
      ...envOf('omega-trust'),
      OMEGA_GRPC_PORT: String(trustGrpcPort),
      OMEGA_HTTP_PORT: '0',
      OMEGA_TRUST_TLOG_PORT: '0',
      OMEGA_TRUST_KEY_DIR: keyDir,
      OMEGA_NATS_SERVERS: `tls://localhost:${nats.port}`,
      OMEGA_IDENTITY_KUBERNETES_API_SERVER_URL: kube.url,
      OMEGA_IDENTITY_KUBERNETES_TOKEN_PATH: trustToken,
      OMEGA_IDENTITY_KUBERNETES_CA_PATH: kube.caPath,
      // An operator to make the helm test's token with (what `omega up` does on one machine).
      OMEGA_IDENTITY_JOIN_TOKENS_STARTUP: 'operator/cli',
      OMEGA_IDENTITY_JOIN_TOKENS_FILE: join(dir, 'join-tokens'),
    },
    '"msg":"trust ready"',
  );
}, 180_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await nats?.stop();
  await kube?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it.each(SERVICES)(
  '%s enrolls with its pod token, joins the authenticated bus and becomes ready with mutual TLS',
  async (service) => {
    const env = envOf(`omega-${service}`);
    expect([env['OMEGA_TLS_ENABLED'], env['OMEGA_NATS_AUTH']]).toEqual(['true', 'identity']);
    expect(env['OMEGA_ENROLLMENT_TRUST_CA_FILE']).toBe('/etc/omega/trust-ca/ca.pem');
    const token = join(dir, `${service}-token`);
    await writeFile(
      token,
      await kube.requestServiceAccountToken(NS, `omega-${service}`, {
        audiences: ['omega-trust'],
        boundPod: { name: `omega-${service}-0`, uid: podUids.get(service) ?? '' },
      }),
    );
    const output = await runUntil(
      service,
      {
        ...env,
        OMEGA_GRPC_PORT: '0',
        OMEGA_HTTP_PORT: '0',
        OMEGA_NATS_SERVERS: `tls://localhost:${nats.port}`,
        OMEGA_ENROLLMENT_TRUST_ADDRESS: `127.0.0.1:${trustGrpcPort}`,
        OMEGA_ENROLLMENT_TRUST_CA_FILE: join(dir, 'trust-ca.pem'),
        OMEGA_ENROLLMENT_SERVICE_ACCOUNT_TOKEN_PATH: token,
        ...(service === 'intelligence' ? { OMEGA_INTELLIGENCE_CUSTOM_RULES_DIRS: rulesDir } : {}),
        ...(service === 'gateway'
          ? {
              OMEGA_GATEWAY_SENTINEL_KUBECONFIG: gatewayKubeconfig,
              OMEGA_GATEWAY_INTELLIGENCE_ADDRESS: `127.0.0.1:${readyLines.get('intelligence')?.grpcPort}`,
              OMEGA_GATEWAY_TRUST_ADDRESS: `127.0.0.1:${trustGrpcPort}`,
            }
          : {}),
      },
      `"msg":"${service} ready"`,
      ...(service === 'gateway' ? ['sentinel discovery:'] : []),
    );
    // The ready line: mutual TLS on, serving as the identity trust issued for this pod.
    const subject = service === 'sentinel' ? `sentinel/${NODE}` : `service/${service}`;
    const ready = output.split('\n').find((line) => line.includes(`"msg":"${service} ready"`));
    readyLines.set(service, JSON.parse(ready ?? '{}') as ReadyLine);
    expect(JSON.parse(ready ?? '{}')).toMatchObject({
      tls: true,
      subject: `omega://omega/${subject}`,
    });
    if (service === 'gateway') {
      // As omega-gateway with the chart's RBAC, it found the sentinel pod by the chart's labels.
      expect(output).toMatch(
        /"nodes":\["node-1"\],"msg":"sentinel discovery: 1 node\(s\) with a sentinel in omega"/,
      );
    }
  },
  90_000,
);

/** Runs the chart's `helm test` pod script against the gateway started above, as its pod would. */
async function helmTest(
  tokenFile: string,
): Promise<{ code: number; out: string; env: Record<string, string> }> {
  const gateway = readyLines.get('gateway');
  if (!gateway) throw new Error('the gateway did not become ready above');
  const test = objects.find((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');
  const container = (
    test?.['spec'] as { containers: { args: string[]; env: { name: string; value: string }[] }[] }
  ).containers[0];
  const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-e', container?.args[0] ?? ''],
      {
        cwd: ROOT,
        env: {
          ...env,
          // Dialled by address here; the certificate must still name the Service host it dials.
          TARGET: `127.0.0.1:${gateway.grpcPort}`,
          SERVER_NAME: (env['TARGET'] ?? '').split(':')[0],
          CA_FILE: join(dir, 'trust-ca.pem'),
          TOKEN_FILE: tokenFile,
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr, env }),
    );
  });
}

it("has the chart's helm test say where the admin token comes from until the gateway wrote it", async () => {
  const { code, out, env } = await helmTest(join(dir, 'no-token-yet'));
  expect(env).toMatchObject({
    TARGET: 'omega-gateway.omega.svc:50051',
    CA_FILE: '/etc/omega/trust-ca/ca.pem',
    TOKEN_FILE: '/etc/omega/gateway-admin-token/token',
    TOKEN_SECRET: 'omega-gateway-admin-token',
  });
  expect(code).toBe(1);
  expect(out).toMatch(
    /helm test: no admin token at .*no-token-yet: the gateway writes it to the Secret omega-gateway-admin-token \(key token\) at its first start/,
  );
});

it("has the chart's helm test reach the gateway by its Service name, verified with the trust CA, and present the token", async () => {
  // A token in the right form the gateway never issued: TLS to the Service name must succeed for
  // the gateway's token check to answer.
  const forged = join(dir, 'forged-token');
  await writeFile(forged, `omegat_0123456789abcdef_${'A'.repeat(43)}\n`);
  const { code, out } = await helmTest(forged);
  expect(code).toBe(1);
  expect(out).toMatch(
    /\/omega\.v1\.GatewayService\/WhoAmI through 127\.0\.0\.1:\d+: UNAUTHENTICATED/,
  );
});

it("passes the chart's helm test with an admin token: WhoAmI and ListAlerts through the gateway", async () => {
  const gateway = readyLines.get('gateway');
  if (!gateway) throw new Error('the gateway did not become ready above');
  // The token the gateway would write to its Secret, made here by an operator (admin role).
  const caPem = await readFile(join(dir, 'trust-ca.pem'), 'utf8');
  const joinToken = joinTokenFromFile(
    await readFile(join(dir, 'join-tokens'), 'utf8'),
    'operator',
    'cli',
  );
  const operator = await enroll({
    trustAddress: `127.0.0.1:${trustGrpcPort}`,
    subjectKind: 'operator',
    name: 'cli',
    joinToken: joinToken ?? '',
    channelCredentials: bootstrapChannelCredentials(caPem),
  });
  const client = createPromiseClient(GatewayServiceClient, `127.0.0.1:${gateway.grpcPort}`, {
    credentials: channelCredentials(operator, {
      expectedServerSubject: 'omega://omega/service/gateway',
    }),
    timeoutMs: 20_000,
  });
  let secret: string;
  try {
    const created = await client.createToken(
      CreateTokenRequest.fromPartial({
        roles: ['admin'],
        ttlSeconds: 600,
        description: 'helm test',
      }),
    );
    secret = created.secret;
  } finally {
    client.close();
  }
  const tokenFile = join(dir, 'admin-token');
  await writeFile(tokenFile, secret);
  const { code, out } = await helmTest(tokenFile);
  expect([code, out]).toEqual([0, expect.any(String)]);
  expect(out).toMatch(
    /\/omega\.v1\.GatewayService\/WhoAmI through 127\.0\.0\.1:\d+: omega:\/\/omega\/operator\/cli \(roles: admin\)/,
  );
  expect(out).toMatch(
    /\/omega\.v1\.IntelligenceService\/ListAlerts through 127\.0\.0\.1:\d+: 0 alert\(s\) on the first page/,
  );
}, 60_000);
