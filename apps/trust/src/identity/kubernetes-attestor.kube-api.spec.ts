// Kubernetes attestation against a real kube-apiserver (libs/testkit) with charts/omega installed:
// trust runs as its own service account with exactly the RBAC the chart grants it, workloads present real pod-bound projected
// tokens issued by TokenRequest, and TokenReview answers as in a cluster.
import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKubeTools, installChart } from '@omega/chart';
import {
  loadKubernetesClient,
  startKubeApiServer,
  withNats,
  type KubeApiServer,
  type KubernetesClient,
} from '@omega/testkit';
import { KubernetesAttestor } from './kubernetes-attestor';
import {
  closeIdentityFixture,
  issueRequest,
  openIdentityFixture,
  type IdentityFixture,
} from '../testing/identity-spec-helpers';

const NS = 'omega';
const AUDIENCE = 'omega-trust';

let k8s: KubernetesClient;
let server: KubeApiServer;
let dir: string;
let fixture: IdentityFixture;
const nats = withNats();
const podUids = new Map<string, string>();

function attestor(tokenFile = 'trust-token'): KubernetesAttestor {
  return new KubernetesAttestor({
    apiServerUrl: server.url,
    tokenPath: join(dir, tokenFile),
    caPath: server.caPath,
    audience: AUDIENCE,
    namespaces: [NS],
  });
}

async function createPod(namespace: string, name: string, sa: string, node: string): Promise<void> {
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const pod = await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name },
      // No scheduler runs: the pod names its node, as a scheduled pod would.
      spec: { nodeName: node, serviceAccountName: sa, containers: [{ name: 'c', image: 'x' }] },
    },
  });
  podUids.set(`${namespace}/${name}`, pod.metadata?.uid ?? '');
}

/** A projected token as the kubelet would mount it: bound to the pod, audience omega-trust. */
function podToken(
  namespace: string,
  sa: string,
  pod: string,
  audience = AUDIENCE,
): Promise<string> {
  return server.requestServiceAccountToken(namespace, sa, {
    audiences: [audience],
    boundPod: { name: pod, uid: podUids.get(`${namespace}/${pod}`) ?? '' },
  });
}

beforeAll(async () => {
  k8s = await loadKubernetesClient();
  server = await startKubeApiServer();
  // Omega as users install it: trust, sentinels and services get the chart's service accounts
  // and RBAC (trust: create tokenreviews, get pods in its namespace).
  await installChart(findKubeTools(), server.kubeconfigPath, { namespace: NS });
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'default-ish' } } });
  for (const node of ['node-1', 'node-2']) {
    await core.createNode({ body: { metadata: { name: node } } });
  }
  for (const [namespace, sa] of [
    [NS, 'omega-trust-unbound'],
    ['default-ish', 'omega-sentinel'],
  ] as const) {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: sa } } });
  }
  await createPod(NS, 'omega-sentinel-abcde', 'omega-sentinel', 'node-1');
  await createPod(NS, 'omega-intelligence-0', 'omega-intelligence', 'node-2');
  await createPod('default-ish', 'omega-sentinel-x', 'omega-sentinel', 'node-1');

  dir = await mkdtemp(join(tmpdir(), 'omega-k8s-attest-'));
  await writeFile(
    join(dir, 'trust-token'),
    await server.requestServiceAccountToken(NS, 'omega-trust'),
  );
  await writeFile(
    join(dir, 'unbound-token'),
    await server.requestServiceAccountToken(NS, 'omega-trust-unbound'),
  );
  fixture = await openIdentityFixture(nats.url, { kubernetes: attestor() });
  nats.beforeStop(() => closeIdentityFixture(fixture));
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Kubernetes attestation against a real kube-apiserver', () => {
  it('enrolls the sentinel of node-1 with its pod-bound token and records the attested pod facts', async () => {
    const token = await podToken(NS, 'omega-sentinel', 'omega-sentinel-abcde');
    const { request } = issueRequest(fixture.mlDsa, 'sentinel', 'node-1', {
      $case: 'kubernetesToken',
      value: token,
    });
    const { identity } = await fixture.service.issuer.issue(request);
    expect(identity.id).toBe('omega://local/sentinel/node-1');
    expect(identity.attributes).toMatchObject({
      'omega.attestation': 'kubernetes',
      'k8s.namespace': NS,
      'k8s.service_account': 'omega-sentinel',
      'k8s.pod': 'omega-sentinel-abcde',
      'k8s.pod_uid': podUids.get(`${NS}/omega-sentinel-abcde`),
      'k8s.node': 'node-1',
    });
    expect(fixture.audit.entries.at(-1)).toMatchObject({
      kind: 'IDENTITY_ISSUED',
      subject: identity.id,
    });
  });

  it('refuses a sentinel asking for another node than its pod runs on', async () => {
    const token = await podToken(NS, 'omega-sentinel', 'omega-sentinel-abcde');
    await expect(attestor().attest(token, 'sentinel', 'node-2')).rejects.toThrow(
      /sentinel name 'node-2' is not its pod's node 'node-1'/,
    );
  });

  it('refuses a token minted for another audience, a forged one, and one whose pod was replaced', async () => {
    const otherAudience = await podToken(
      NS,
      'omega-sentinel',
      'omega-sentinel-abcde',
      'https://kubernetes.default.svc.cluster.local',
    );
    await expect(attestor().attest(otherAudience, 'sentinel', 'node-1')).rejects.toThrow(
      /TokenReview did not authenticate it: .*audiences/,
    );
    const token = await podToken(NS, 'omega-sentinel', 'omega-sentinel-abcde');
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(86)}`;
    await expect(attestor().attest(forged, 'sentinel', 'node-1')).rejects.toThrow(
      /did not authenticate/,
    );

    // The pod is deleted and a new one takes its name: the old pod's token must not enroll.
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    await createPod(NS, 'omega-sentinel-replaced', 'omega-sentinel', 'node-1');
    const stale = await podToken(NS, 'omega-sentinel', 'omega-sentinel-replaced');
    await core.deleteNamespacedPod({
      namespace: NS,
      name: 'omega-sentinel-replaced',
      gracePeriodSeconds: 0,
    });
    await createPod(NS, 'omega-sentinel-replaced', 'omega-sentinel', 'node-1');
    await expect(attestor().attest(stale, 'sentinel', 'node-1')).rejects.toThrow(
      /did not authenticate|pod replaced/,
    );
  });

  it('matches services to their service account', async () => {
    const token = await podToken(NS, 'omega-intelligence', 'omega-intelligence-0');
    await expect(attestor().attest(token, 'service', 'intelligence')).resolves.toMatchObject({
      node: 'node-2',
      serviceAccount: 'omega-intelligence',
    });
    await expect(attestor().attest(token, 'service', 'orchestrator')).rejects.toThrow(
      /does not match service account 'omega-intelligence'/,
    );
  });

  it('refuses namespaces outside the allowed list, and says so when trust itself is not authorised', async () => {
    const elsewhere = await podToken('default-ish', 'omega-sentinel', 'omega-sentinel-x');
    await expect(attestor().attest(elsewhere, 'sentinel', 'node-1')).rejects.toThrow(
      /namespace 'default-ish' may not enroll/,
    );
    const token = await podToken(NS, 'omega-sentinel', 'omega-sentinel-abcde');
    await expect(attestor('unbound-token').attest(token, 'sentinel', 'node-1')).rejects.toThrow(
      /HTTP 403: .*tokenreviews.* \(trust's RBAC needs create tokenreviews and get pods\)/,
    );
  });
});
