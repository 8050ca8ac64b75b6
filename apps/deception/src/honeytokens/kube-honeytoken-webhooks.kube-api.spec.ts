// Kubernetes honeytokens caught by a real kube-apiserver's webhooks, with the deception service as
// it runs (real nats-server, real gRPC) and the kubectl binary as the intruder: `kubectl get
// secret` of a planted Secret becomes a TOKEN_USE interaction on omega.deception.kube-audit naming
// the token and its placement, the user and the source, a read of another Secret raises nothing,
// and a planted service-account token presented to the API server is refused there and reported
// on omega.deception.kube-token. The listener serves only kube-apiserver's client certificate.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findKubeTools, runTool } from '@omega/chart';
import {
  DeceptionServiceClient,
  DeceptionServiceService,
  Event,
  HoneytokenKind,
  InteractionKind,
  MintHoneytokenRequest,
  type DeceptionInteraction,
} from '@omega/proto';
import { createPromiseClient, type PromiseClient } from '@omega/runtime';
import type { RunningService } from '@omega/service';
import {
  KUBE_WEBHOOK_CLIENT_NAME,
  eventually,
  freePort,
  loadKubernetesClient,
  startKubeApiServer,
  withNats,
  writeWebhookPki,
  type KubeApiServer,
  type WebhookPki,
} from '@omega/testkit';
import type { DeceptionServiceConfig } from '../deception-service';
import { startDeception } from '../testing/start-deception';

const run = promisify(execFile);
const NS = 'payments';
const nats = withNats({ jetstream: true });
let dir: string;
let pki: WebhookPki;
let server: KubeApiServer;
let running: RunningService<DeceptionServiceConfig>;
let client: PromiseClient<typeof DeceptionServiceService>;
let webhookUrl: string;
let kubectl: string;
let intruder: string;

beforeAll(async () => {
  kubectl = findKubeTools().kubectl;
  dir = await mkdtemp(join(tmpdir(), 'omega-kube-webhooks-'));
  pki = await writeWebhookPki(dir);
  // kube-apiserver needs the webhook's URL before it starts, deception its API server after.
  const port = await freePort();
  webhookUrl = `https://127.0.0.1:${port}`;
  const target = {
    caPem: pki.caPem,
    clientCertPem: pki.clientCertPem,
    clientKeyPem: pki.clientKeyPem,
  };
  server = await startKubeApiServer({
    webhooks: {
      audit: { ...target, url: `${webhookUrl}/audit`, batchMaxWaitMs: 200 },
      tokenAuthentication: { ...target, url: `${webhookUrl}/authenticate` },
    },
  });
  const k8s = await loadKubernetesClient();
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const rbac = server.kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  for (const name of ['omega-deception', 'intruder']) {
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name } } });
  }
  const grant = async (subject: string, verbs: string[]) => {
    await rbac.createNamespacedRole({
      namespace: NS,
      body: {
        metadata: { name: subject },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: subject },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: subject },
        subjects: [{ kind: 'ServiceAccount', name: subject, namespace: NS }],
      },
    });
  };
  await grant('omega-deception', ['create', 'delete']);
  await grant('intruder', ['get', 'list']);
  await core.createNamespacedSecret({
    namespace: NS,
    body: { metadata: { name: 'billing-db' }, stringData: { password: 'real' } },
  });
  const tokenPath = join(dir, 'deception.token');
  await writeFile(tokenPath, await server.requestServiceAccountToken(NS, 'omega-deception'));
  intruder = (await server.serviceAccountAccess(NS, 'intruder')).kubeconfigPath;

  running = await startDeception(nats.url, {
    OMEGA_DECEPTION_HONEYTOKENS_TRIGGER_WRITE_INTERVAL_MS: '0',
    OMEGA_DECEPTION_KUBERNETES_PLANT: 'true',
    OMEGA_DECEPTION_KUBERNETES_API_SERVER_URL: server.url,
    OMEGA_DECEPTION_KUBERNETES_TOKEN_PATH: tokenPath,
    OMEGA_DECEPTION_KUBERNETES_CA_PATH: server.caPath,
    OMEGA_DECEPTION_KUBERNETES_WEBHOOK_LISTEN: `127.0.0.1:${port}`,
    OMEGA_DECEPTION_KUBERNETES_WEBHOOK_TLS_CERT_PATH: pki.serverCertPath,
    OMEGA_DECEPTION_KUBERNETES_WEBHOOK_TLS_KEY_PATH: pki.serverKeyPath,
    OMEGA_DECEPTION_KUBERNETES_WEBHOOK_CLIENT_CA_PATH: pki.caPath,
    OMEGA_DECEPTION_KUBERNETES_WEBHOOK_CLIENT_NAMES: KUBE_WEBHOOK_CLIENT_NAME,
  });
  client = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 180_000);

nats.beforeStop(async () => {
  client?.close();
  await running?.service.shutdown('test done');
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const plant = (name: string, kind = HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_SECRET) =>
  client.mintHoneytoken(
    MintHoneytokenRequest.fromPartial({
      kind,
      name,
      namespace: NS,
      placement: `namespace ${NS}`,
      plant: true,
    }),
  );

/** How many events the subject holds, and the last one's interaction. */
async function eventsOn(
  subject: string,
): Promise<{ count: number; last?: DeceptionInteraction; event?: Event }> {
  const info = await running.bus.jsm.streams.info('DECEPTION', { subjects_filter: subject });
  const count = info.state.subjects?.[subject] ?? 0;
  if (count === 0) return { count };
  const stored = await running.bus.jsm.streams.getMessage('DECEPTION', { last_by_subj: subject });
  const event = Event.decode(stored!.data);
  const last = event.payload?.$case === 'deceptionInteraction' ? event.payload.value : undefined;
  return { count, ...(last ? { last } : {}), event };
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const found = await running.service.metrics.getSingleMetric(name)?.get();
  const value = found?.values.find((v) =>
    Object.entries(labels).every(([key, want]) => String(v.labels[key]) === want),
  );
  return value?.value ?? 0;
}

describe('Kubernetes audit webhook', () => {
  it('reports `kubectl get secret` of a planted Secret naming the token, the user and the source; another Secret raises nothing', async () => {
    const minted = await plant('aws-prod-credentials');
    const other = await runTool(kubectl, [
      '--kubeconfig',
      intruder,
      'get',
      'secret',
      'billing-db',
      '-n',
      NS,
    ]);
    expect(other.code).toBe(0);
    await eventually('the read of billing-db counted as no honeytoken', async () =>
      (await metric('omega_deception_kube_secret_reads_total', { outcome: 'other' })) >= 1
        ? true
        : undefined,
    );
    expect((await eventsOn('omega.deception.kube-audit')).count).toBe(0);

    const read = await runTool(kubectl, [
      '--kubeconfig',
      intruder,
      'get',
      'secret',
      'aws-prod-credentials',
      '-n',
      NS,
      '-o',
      'name',
    ]);
    expect(read.stdout.trim()).toBe('secret/aws-prod-credentials');
    const { count, last, event } = await eventually(
      'the honeytoken read on DECEPTION',
      async () => {
        const events = await eventsOn('omega.deception.kube-audit');
        return events.count > 0 ? events : undefined;
      },
    );
    expect(count).toBe(1);
    expect(event?.srcEndpoint?.ip).toBe('127.0.0.1');
    expect(event?.unmapped).toMatchObject({ 'deception.honeytoken_name': 'aws-prod-credentials' });
    expect(event?.unmapped?.['deception.placement']).toBe(`namespace ${NS}`);
    expect(last).toMatchObject({
      kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
      honeytokenId: minted.honeytoken!.id,
      protocol: 'kubernetes-audit',
      username: `system:serviceaccount:${NS}:intruder`,
      request: expect.stringMatching(
        new RegExp(
          `^get secret ${NS}/aws-prod-credentials by system:serviceaccount:${NS}:intruder \\(groups [^)]*system:serviceaccounts[^)]*; from 127\\.0\\.0\\.1; user agent kubectl/[^;]*; answered 200\\)$`,
        ),
      ),
    });
  });

  it("counts a list of the namespace's Secrets as reading the planted one", async () => {
    const minted = await plant('stripe-keys');
    const list = await runTool(kubectl, ['--kubeconfig', intruder, 'get', 'secrets', '-n', NS]);
    expect(list.stdout).toContain('stripe-keys');
    const { last } = await eventually('the list on DECEPTION', async () => {
      const events = await eventsOn('omega.deception.kube-audit');
      return events.last?.honeytokenId === minted.honeytoken!.id ? events : undefined;
    });
    expect(last?.request).toMatch(
      new RegExp(`^list secrets in ${NS} by system:serviceaccount:${NS}:intruder `),
    );
  });
});

describe('Kubernetes audit webhook, other reads', () => {
  it('reports a watch of a planted Secret by name (kubectl get -w)', async () => {
    const minted = await plant('vault-unseal');
    // kubectl watches until it is stopped: the read is the watch's start.
    await run(
      kubectl,
      ['--kubeconfig', intruder, 'get', 'secret', 'vault-unseal', '-n', NS, '--watch-only'],
      { timeout: 3000 },
    ).catch(() => undefined);
    const { last } = await eventually('the watch on DECEPTION', async () => {
      const events = await eventsOn('omega.deception.kube-audit');
      return events.last?.honeytokenId === minted.honeytoken!.id ? events : undefined;
    });
    expect(last?.request).toMatch(
      new RegExp(`^watch secret ${NS}/vault-unseal by system:serviceaccount:${NS}:intruder `),
    );
  });

  it('reports a read of the Secret a service-account token honeytoken is planted as', async () => {
    const minted = await plant('deploy-bot-token', HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN);
    const read = await runTool(kubectl, [
      '--kubeconfig',
      intruder,
      'get',
      'secret',
      'deploy-bot-token',
      '-n',
      NS,
      '-o',
      'jsonpath={.data.token}',
    ]);
    expect(Buffer.from(read.stdout, 'base64').toString()).toBe(minted.secretValue);
    const { last } = await eventually('the token Secret read on DECEPTION', async () => {
      const events = await eventsOn('omega.deception.kube-audit');
      return events.last?.honeytokenId === minted.honeytoken!.id ? events : undefined;
    });
    expect(last?.request).toMatch(new RegExp(`^get secret ${NS}/deploy-bot-token by `));
  });
});

describe('Kubernetes token webhook', () => {
  it('refuses a planted service-account token at the API server and reports its use', async () => {
    const minted = await plant(
      'ci-deployer-token',
      HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN,
    );
    const empty = join(dir, 'empty.kubeconfig');
    await writeFile(empty, '{}');
    const attempt = await runTool(kubectl, [
      '--kubeconfig',
      empty,
      '--server',
      server.url,
      '--certificate-authority',
      server.caPath,
      '--token',
      minted.secretValue,
      'get',
      'pods',
      '-n',
      NS,
    ]);
    expect(attempt.code).not.toBe(0);
    expect(attempt.stderr).toContain('Unauthorized');
    const { last, event } = await eventually('the token use on DECEPTION', async () => {
      const events = await eventsOn('omega.deception.kube-token');
      return events.count > 0 ? events : undefined;
    });
    expect(event?.srcEndpoint?.ip ?? '').toBe('');
    expect(last).toMatchObject({
      kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
      honeytokenId: minted.honeytoken!.id,
      protocol: 'kubernetes-token',
      request: expect.stringContaining(`webhook client ${KUBE_WEBHOOK_CLIENT_NAME}`),
    });
  });

  it('answers an unknown token "not authenticated" and records nothing', async () => {
    const before = (await eventsOn('omega.deception.kube-token')).count;
    const reviewsBefore = await metric('omega_deception_kube_token_reviews_total', {
      honeytoken: 'false',
    });
    const empty = join(dir, 'empty.kubeconfig');
    await writeFile(empty, '{}');
    const attempt = await runTool(kubectl, [
      '--kubeconfig',
      empty,
      '--server',
      server.url,
      '--certificate-authority',
      server.caPath,
      '--token',
      'not-a-planted-token',
      'get',
      'pods',
    ]);
    expect(attempt.stderr).toContain('Unauthorized');
    expect(await metric('omega_deception_kube_token_reviews_total', { honeytoken: 'false' })).toBe(
      reviewsBefore + 1,
    );
    expect((await eventsOn('omega.deception.kube-token')).count).toBe(before);
  });
});

describe('the webhook listener', () => {
  async function curl(path: string, ...args: string[]) {
    const { stdout } = await run('curl', [
      '-sS',
      '--cacert',
      pki.caPath,
      '-w',
      '\n%{http_code}',
      ...args,
      `${webhookUrl}${path}`,
    ]).catch((err: { stdout?: string; stderr?: string; code?: number }) => ({
      stdout: `curl exit ${err.code}: ${err.stderr ?? ''}`,
    }));
    return stdout;
  }
  let certArgs: string[];
  beforeAll(async () => {
    await writeFile(join(dir, 'client.crt'), pki.clientCertPem);
    await writeFile(join(dir, 'client.key'), pki.clientKeyPem);
    certArgs = ['--cert', join(dir, 'client.crt'), '--key', join(dir, 'client.key')];
  });

  it('serves no client without a certificate its CA signed', async () => {
    expect(await curl('/audit', '-d', '{}')).toMatch(/^curl exit (35|56):/);
  });

  it('refuses a certificate the CA signed for another name with 403 naming the setting', async () => {
    await writeFile(join(dir, 'stranger.crt'), pki.strangerCertPem);
    await writeFile(join(dir, 'stranger.key'), pki.strangerKeyPem);
    const answer = await curl(
      '/audit',
      '--cert',
      join(dir, 'stranger.crt'),
      '--key',
      join(dir, 'stranger.key'),
      '-d',
      '{}',
    );
    expect(answer).toMatch(
      /client certificate names omega-testkit-stranger, none of deception\.kubernetes\.webhook\.clientNames[^\n]*\n403$/,
    );
  });

  it('refuses a malformed batch with 400 naming the field', async () => {
    const body = JSON.stringify({
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: [{ objectRef: 'secrets' }],
    });
    const answer = await curl(
      '/audit',
      ...certArgs,
      '-H',
      'Content-Type: application/json',
      '-d',
      body,
    );
    expect(answer).toMatch(
      /"message":"audit EventList items\[0\]\.objectRef: not an object"[^\n]*\n400$/,
    );
  });

  it('refuses a body past 8 MiB with 413 before reading it', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, Buffer.alloc(9 * 1024 * 1024, 0x20));
    const answer = await curl('/audit', ...certArgs, '--data-binary', `@${big}`);
    expect(answer).toMatch(/past the 8388608 this listener reads[^\n]*\n413$/);
  });
});
