// Trust's bus setup as charts/omega's init container runs it (the built bus-setup-main.js), against
// a real kube-apiserver with the chart installed: as omega-trust, with exactly the RBAC the chart
// grants, it fills the NATS server's Secret and the trust-CA ConfigMap the chart created empty;
// another service account is refused, and a namespace without those objects is named.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHART_DIR, findKubeTools, installChart, runToolOk } from '@omega/chart';
import {
  loadKubernetesClient,
  startKubeApiServer,
  type KubeApiServer,
  type KubernetesClient,
} from '@omega/testkit';
import { BUS_SERVER_FILES } from './bus-config-publisher';

const NS = 'omega';
const BUS_SETUP = join(__dirname, '..', '..', 'dist', 'bus-setup-main.js');

let k8s: KubernetesClient;
let server: KubeApiServer;
let dir: string;

beforeAll(async () => {
  k8s = await loadKubernetesClient();
  server = await startKubeApiServer();
  await installChart(findKubeTools(), server.kubeconfigPath, { namespace: NS });
  await server.kubeConfig
    .makeApiClient(k8s.CoreV1Api)
    .createNamespace({ body: { metadata: { name: 'elsewhere' } } });
  dir = await mkdtemp(join(tmpdir(), 'omega-bus-publish-'));
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs bus-setup-main.js as `serviceAccount` of the release namespace; never rejects. */
async function busSetup(
  serviceAccount: string,
  namespace = NS,
): Promise<{ code: number; stderr: string; outDir: string }> {
  const tokenFile = join(dir, `${serviceAccount}-token`);
  await writeFile(tokenFile, await server.requestServiceAccountToken(NS, serviceAccount));
  const outDir = join(dir, `out-${serviceAccount}-${namespace}`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        BUS_SETUP,
        `--key-dir=${join(dir, 'keys')}`,
        `--out=${outDir}`,
        '--cluster=omega',
        '--dns=omega-nats.omega.svc',
        '--ip=',
        `--kubernetes-namespace=${namespace}`,
        '--kubernetes-secret=omega-nats-tls',
        '--kubernetes-config-map=omega-trust-ca',
        `--kubernetes-api-server=${server.url}`,
        `--kubernetes-token-file=${tokenFile}`,
        `--kubernetes-ca-file=${server.caPath}`,
      ],
      (err, _stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stderr, outDir }),
    );
  });
}

describe('bus setup publishing to Kubernetes', () => {
  it("fills the chart's Secret and CA ConfigMap as omega-trust, keeping the chart's labels", async () => {
    const { code, stderr, outDir } = await busSetup('omega-trust');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    const secret = await core.readNamespacedSecret({ namespace: NS, name: 'omega-nats-tls' });
    const decoded = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    const written = Object.fromEntries(
      await Promise.all(
        BUS_SERVER_FILES.map(async (f) => [f, await readFile(join(outDir, f), 'utf8')] as const),
      ),
    );
    expect(Object.keys(decoded).sort()).toEqual(
      ['auth.conf', 'ca.pem', 'server-key.pem', 'server.pem'].sort(),
    );
    expect(decoded).toEqual(written);
    expect(secret.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
    const configMap = await core.readNamespacedConfigMap({ namespace: NS, name: 'omega-trust-ca' });
    expect(configMap.data).toEqual({ 'ca.pem': written['ca.pem'] });
    expect(configMap.data?.['ca.pem']).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('is refused for any other service account, naming the object and the RBAC table', async () => {
    const { code, stderr } = await busSetup('omega-gateway');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /publishing Secret omega\/omega-nats-tls: HTTP 403: .*RBAC must allow PATCH on it: trust's row in charts\/omega\/rbac-expected\.yaml/,
    );
  });

  it('is refused in any other namespace, naming the object', async () => {
    const { code, stderr } = await busSetup('omega-trust', 'elsewhere');
    expect(code).toBe(1);
    expect(stderr).toMatch(/publishing Secret elsewhere\/omega-nats-tls: HTTP 403/);
  });

  it('keeps what trust published across helm upgrade (the chart never sets the data)', async () => {
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    const before = await core.readNamespacedSecret({ namespace: NS, name: 'omega-nats-tls' });
    await runToolOk(
      findKubeTools().helm,
      ['upgrade', 'omega', CHART_DIR, '--namespace', NS, '--set', 'logLevel=debug'],
      { env: { KUBECONFIG: server.kubeconfigPath } },
    );
    const after = await core.readNamespacedSecret({ namespace: NS, name: 'omega-nats-tls' });
    expect(Object.keys(after.data ?? {}).length).toBe(4);
    expect(after.data).toEqual(before.data);
    const configMap = await core.readNamespacedConfigMap({ namespace: NS, name: 'omega-trust-ca' });
    expect(configMap.data?.['ca.pem']).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});
