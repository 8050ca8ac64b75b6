// A real Kubernetes API server for tests, the way controller-runtime's envtest runs one: etcd and
// kube-apiserver on free loopback ports, fresh certificates, RBAC authorization, service-account
// tokens signed by a generated key. There is no kubelet or controller manager: objects are real
// and validated, admission and RBAC are real, but pods never run and namespaces never finish
// deleting.
// Over 400 lines on purpose: one test apiserver's whole lifecycle (build, PKI, etcd, start, stop).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { accessSync, constants as fsConstants } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { Code, OmegaError, errorMessage } from '@omega/runtime';
import { ChildServer } from './child-server';
import { freePort } from './free-port';
import { KUBE_ADMIN_USER, writeKubePki, type KubePki } from './kube-pki';
import { loadKubernetesClient } from './kubernetes-client';
import { writeKubeWebhookFlags, type KubeWebhooks } from './kube-webhooks';

/** The Kubernetes release the test API server is built from (scripts/kube-apiserver.mjs). */
export const KUBE_APISERVER_VERSION = 'v1.34.4';

/** Builds kube-apiserver and its etcd into the cache this kit reads (run from the repo root). */
export const KUBE_APISERVER_BUILD_COMMAND = 'node scripts/kube-apiserver.mjs';

/** The issuer (and default API audience) of service-account tokens the test server signs. */
export const KUBE_SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface KubeApiServerBinaries {
  readonly kubeApiServer: string;
  readonly etcd: string;
}

export interface KubeApiServerOptions {
  /** By default {@link findKubeApiServerBinaries}. */
  binaries?: KubeApiServerBinaries;
  /** How long to wait for `/readyz` (default 90 000 ms: a loaded 2-core machine needs ~10–20 s). */
  readyTimeoutMs?: number;
  /** Extra kube-apiserver flags, appended last (a later flag wins). */
  apiServerArgs?: string[];
  /** Webhooks to call: Secret reads to an audit webhook, unknown tokens to a token webhook. */
  webhooks?: KubeWebhooks;
}

export interface ServiceAccountTokenOptions {
  /** Default: the API server's own audience, so the token authenticates to it. */
  audiences?: string[];
  /** Default 3600 (the API server's minimum is 600). */
  expirationSeconds?: number;
  /** Bind the token to a pod (like a kubelet-projected token): TokenReview then names the pod. */
  boundPod?: { name: string; uid: string };
}

export interface ServiceAccountAccess {
  /** `system:serviceaccount:<namespace>:<name>` */
  readonly user: string;
  readonly token: string;
  readonly kubeConfig: KubeConfig;
  /** A kubeconfig file for kubectl/helm acting as the service account. */
  readonly kubeconfigPath: string;
}

export interface KubeApiServer {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** The server's own version, e.g. `v1.34.4`. */
  readonly version: string;
  /** A kubeconfig file (admin: `system:masters`) for kubectl, helm and client libraries. */
  readonly kubeconfigPath: string;
  /** The same admin credentials, loaded into @kubernetes/client-node. */
  readonly kubeConfig: KubeConfig;
  /** The CA that signed the serving certificate (PEM), and its file. */
  readonly caPem: string;
  readonly caPath: string;
  /** A TokenRequest-issued token for an existing service account. */
  requestServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    options?: ServiceAccountTokenOptions,
  ): Promise<string>;
  /** Credentials acting as a service account (which must exist), so RBAC can be tested as it. */
  serviceAccountAccess(namespace: string, serviceAccount: string): Promise<ServiceAccountAccess>;
  /** The last lines kube-apiserver (or etcd) wrote. */
  logTail(lines?: number, which?: 'kube-apiserver' | 'etcd'): string;
  /** Stops kube-apiserver and etcd and removes their data, certificates and kubeconfigs. */
  stop(): Promise<void>;
}

/**
 * Where kube-apiserver and etcd are: `KUBE_APISERVER_BIN`/`ETCD_BIN`, else the pinned build under
 * `$OMEGA_CACHE_DIR` (default `~/.cache/omega`)`/kube-apiserver-<version>/`. Throws an OmegaError
 * (FailedPrecondition) naming the missing binary and the command that builds it.
 */
export function findKubeApiServerBinaries(
  env: NodeJS.ProcessEnv = process.env,
): KubeApiServerBinaries {
  const cacheDir = join(
    env['OMEGA_CACHE_DIR'] ?? join(env['HOME'] ?? homedir(), '.cache', 'omega'),
    `kube-apiserver-${KUBE_APISERVER_VERSION}`,
  );
  const find = (name: string, variable: string): string => {
    const explicit = env[variable];
    const path = explicit || join(cacheDir, name);
    if (isExecutable(path)) return path;
    throw new OmegaError(
      Code.FailedPrecondition,
      `${name} not found: ${explicit ? `${variable}=${explicit} is not an executable file` : `no ${path} (and ${variable} is not set)`}. ` +
        `Build kube-apiserver ${KUBE_APISERVER_VERSION} and etcd (needs Go; ~10–20 min once) with:\n` +
        `  ${KUBE_APISERVER_BUILD_COMMAND}\nor run \`npm run setup\`.`,
    );
  };
  return {
    kubeApiServer: find('kube-apiserver', 'KUBE_APISERVER_BIN'),
    etcd: find('etcd', 'ETCD_BIN'),
  };
}

/** Starts etcd and kube-apiserver and resolves once `/readyz` answers ok. */
export async function startKubeApiServer(
  options: KubeApiServerOptions = {},
): Promise<KubeApiServer> {
  const binaries = options.binaries ?? findKubeApiServerBinaries();
  const workDir = await mkdtemp(join(tmpdir(), 'omega-kube-'));
  try {
    const pki = await writeKubePki(workDir);
    const webhookFlags = await writeKubeWebhookFlags(workDir, options.webhooks ?? {});
    // A port another process took between freePort() and bind(): start again on new ports.
    for (let attempt = 1; ; attempt++) {
      const server = new KubeApiServerProcess(binaries, workDir, pki, {
        ...options,
        apiServerArgs: [...webhookFlags, ...(options.apiServerArgs ?? [])],
      });
      try {
        await server.start();
        return server;
      } catch (err) {
        await server.stopProcesses();
        if (attempt >= 3 || !/address already in use/.test(errorMessage(err))) throw err;
      }
    }
  } catch (err) {
    await rm(workDir, { recursive: true, force: true });
    throw err;
  }
}

class KubeApiServerProcess implements KubeApiServer {
  private etcd: ChildServer | undefined;
  private apiServer: ChildServer | undefined;
  private port = 0;
  private serverVersion = '';
  private adminKubeConfig: KubeConfig | undefined;
  private accessCount = 0;

  constructor(
    private readonly binaries: KubeApiServerBinaries,
    private readonly workDir: string,
    private readonly pki: KubePki,
    private readonly options: KubeApiServerOptions,
  ) {}

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }
  get version(): string {
    return this.serverVersion;
  }
  get kubeconfigPath(): string {
    return join(this.workDir, 'admin.kubeconfig');
  }
  get kubeConfig(): KubeConfig {
    if (!this.adminKubeConfig) throw new Error('kube-apiserver is not started');
    return this.adminKubeConfig;
  }
  get caPem(): string {
    return this.pki.caPem;
  }
  get caPath(): string {
    return this.pki.caCertPath;
  }

  async start(): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 90_000);
    const [etcdPort, etcdPeerPort, apiPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    this.port = apiPort;
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcdDataDir = join(this.workDir, `etcd-${etcdPort}`);
    this.etcd = new ChildServer('etcd', this.binaries.etcd, [
      `--data-dir=${etcdDataDir}`,
      '--name=default',
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      // Throwaway data: skipping fsync makes start-up and writes several times faster.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    this.etcd.start();
    await this.waitFor(this.etcd, deadline, async () => {
      const { status, body } = await plainGet(`${etcdUrl}/health`);
      return status === 200 && body.includes('"true"') ? undefined : `health ${status} ${body}`;
    });

    const pki = this.pki;
    this.apiServer = new ChildServer('kube-apiserver', this.binaries.kubeApiServer, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(this.workDir, 'certs')}`,
      `--tls-cert-file=${pki.servingCertPath}`,
      `--tls-private-key-file=${pki.servingKeyPath}`,
      `--client-ca-file=${pki.caCertPath}`,
      `--service-account-issuer=${KUBE_SERVICE_ACCOUNT_ISSUER}`,
      `--service-account-key-file=${pki.serviceAccountPublicKeyPath}`,
      `--service-account-signing-key-file=${pki.serviceAccountSigningKeyPath}`,
      '--service-cluster-ip-range=10.96.0.0/24',
      // RBAC only: `auth can-i`, SubjectAccessReview and denied requests mean what they do in a cluster.
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      // No kubelets or load balancers in front: stop at once instead of draining for them.
      '--shutdown-delay-duration=0s',
      ...(this.options.apiServerArgs ?? []),
    ]);
    this.apiServer.start();
    await this.waitFor(this.apiServer, deadline, async () => {
      const { status, body } = await this.adminGet('/readyz');
      return status === 200 ? undefined : `readyz ${status}: ${lastLines(body, 4)}`;
    });
    const version = JSON.parse((await this.adminGet('/version')).body) as { gitVersion?: string };
    this.serverVersion = version.gitVersion ?? '';

    await writeFile(
      this.kubeconfigPath,
      kubeconfigYaml(this.url, pki.caPem, KUBE_ADMIN_USER, {
        'client-certificate-data': base64(pki.adminCertPem),
        'client-key-data': base64(pki.adminKeyPem),
      }),
      { mode: 0o600 },
    );
    const k8s = await loadKubernetesClient();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(this.kubeconfigPath);
    this.adminKubeConfig = kc;
  }

  /** Polls `probe` (undefined = ready) until ready, the process dies, or the deadline passes. */
  private async waitFor(
    server: ChildServer,
    deadline: number,
    probe: () => Promise<string | undefined>,
  ): Promise<void> {
    let lastProblem = 'not probed yet';
    for (;;) {
      server.assertAlive();
      if (Date.now() > deadline) {
        throw new OmegaError(
          Code.DeadlineExceeded,
          `${server.name} (${server.binary}) was not ready within ${this.options.readyTimeoutMs ?? 90_000} ms ` +
            `(${lastProblem}); its log ends with:\n${server.logTail(20)}`,
        );
      }
      try {
        const problem = await probe();
        if (problem === undefined) return;
        lastProblem = problem;
      } catch (err) {
        lastProblem = errorMessage(err);
      }
      await sleep(100);
    }
  }

  private adminGet(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${this.url}${path}`,
        {
          agent: false,
          timeout: 5000,
          ca: this.pki.caPem,
          cert: this.pki.adminCertPem,
          key: this.pki.adminKeyPem,
        },
        (res) => collect(res, resolve, reject),
      );
      req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  async requestServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    options: ServiceAccountTokenOptions = {},
  ): Promise<string> {
    const k8s = await loadKubernetesClient();
    const core = this.kubeConfig.makeApiClient(k8s.CoreV1Api);
    try {
      const answer = await core.createNamespacedServiceAccountToken({
        name: serviceAccount,
        namespace,
        body: {
          spec: {
            audiences: options.audiences ?? [KUBE_SERVICE_ACCOUNT_ISSUER],
            expirationSeconds: options.expirationSeconds ?? 3600,
            ...(options.boundPod
              ? { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', ...options.boundPod } }
              : {}),
          },
        },
      });
      const token = answer.status?.token;
      if (!token) throw new Error('the TokenRequest answer carries no token');
      return token;
    } catch (err) {
      throw new OmegaError(
        Code.FailedPrecondition,
        `TokenRequest for service account ${namespace}/${serviceAccount}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }

  async serviceAccountAccess(
    namespace: string,
    serviceAccount: string,
  ): Promise<ServiceAccountAccess> {
    const token = await this.requestServiceAccountToken(namespace, serviceAccount);
    const user = `system:serviceaccount:${namespace}:${serviceAccount}`;
    const kubeconfigPath = join(this.workDir, `sa-${++this.accessCount}.kubeconfig`);
    await writeFile(kubeconfigPath, kubeconfigYaml(this.url, this.pki.caPem, user, { token }), {
      mode: 0o600,
    });
    const k8s = await loadKubernetesClient();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    return { user, token, kubeConfig, kubeconfigPath };
  }

  logTail(lines = 40, which: 'kube-apiserver' | 'etcd' = 'kube-apiserver'): string {
    return (which === 'etcd' ? this.etcd : this.apiServer)?.logTail(lines) ?? '';
  }

  async stopProcesses(): Promise<void> {
    await this.apiServer?.stop();
    await this.etcd?.stop();
  }

  async stop(): Promise<void> {
    await this.stopProcesses();
    await rm(this.workDir, { recursive: true, force: true });
  }
}

/** A kubeconfig (JSON is YAML) with everything embedded, so the file stands alone. */
function kubeconfigYaml(
  server: string,
  caPem: string,
  user: string,
  credentials: Record<string, string>,
): string {
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'omega-test', cluster: { server, 'certificate-authority-data': base64(caPem) } },
      ],
      users: [{ name: user, user: credentials }],
      contexts: [{ name: 'omega-test', context: { cluster: 'omega-test', user } }],
      'current-context': 'omega-test',
    },
    null,
    2,
  );
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Collected = { status: number; body: string };

function collect(
  res: import('node:http').IncomingMessage,
  resolve: (value: Collected) => void,
  reject: (err: Error) => void,
): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
  res.on('error', reject);
}

/** One GET without keep-alive, so no socket outlives the readiness check. */
function plainGet(url: string): Promise<Collected> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false, timeout: 2000 }, (res) =>
      collect(res, resolve, reject),
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
