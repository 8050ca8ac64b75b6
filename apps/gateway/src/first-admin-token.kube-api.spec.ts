// The first admin token written to Kubernetes, against a real kube-apiserver: with get and patch
// on the one Secret the chart creates empty, the gateway fills it once; a replica that lost the
// claim makes none; without the RBAC row (or without the Secret) the error names the object and
// what to fix, and the token nobody can read is revoked and the claim given back.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@omega/runtime';
import {
  loadKubernetesClient,
  startKubeApiServer,
  type KubeApiServer,
  type KubernetesClient,
} from '@omega/testkit';
import { publishFirstAdminToken, type FirstTokenDeps } from './first-admin-token';

const NS = 'omega';
const SECRET = 'omega-gateway-admin-token';
const logger = createLogger({ service: 'gateway', level: 'silent' });
let k8s: KubernetesClient;
let server: KubeApiServer;
let dir: string;

beforeAll(async () => {
  k8s = await loadKubernetesClient();
  server = await startKubeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'omega-first-token-'));
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const rbac = server.kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  for (const name of ['omega-gateway', 'omega-other', 'omega-reader']) {
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name } } });
  }
  await rbac.createNamespacedRole({
    namespace: NS,
    body: {
      metadata: { name: 'first-token' },
      rules: [
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: [SECRET],
          verbs: ['get', 'patch'],
        },
      ],
    },
  });
  await rbac.createNamespacedRole({
    namespace: NS,
    body: {
      metadata: { name: 'read-only' },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [SECRET], verbs: ['get'] }],
    },
  });
  for (const [role, account] of [
    ['first-token', 'omega-gateway'],
    ['read-only', 'omega-reader'],
  ] as const) {
    await rbac.createNamespacedRoleBinding({
      namespace: NS,
      body: {
        metadata: { name: account },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
        subjects: [{ kind: 'ServiceAccount', name: account, namespace: NS }],
      },
    });
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The claim, mint and revoke of one gateway, recorded. */
function gateway(serviceAccount: string, claimed = false) {
  const state = { claimed, released: 0, minted: [] as string[], revoked: [] as string[] };
  let n = 0;
  const deps = async (secretName = SECRET): Promise<FirstTokenDeps> => {
    const tokenPath = join(dir, `${serviceAccount}.token`);
    await writeFile(tokenPath, await server.requestServiceAccountToken(NS, serviceAccount));
    return {
      secret: {
        namespace: NS,
        secretName,
        apiServerUrl: server.url,
        tokenPath,
        caPath: server.caPath,
      },
      claim: async () => (state.claimed ? false : (state.claimed = true)),
      release: async () => {
        state.claimed = false;
        state.released++;
      },
      mint: async () => {
        const id = `${serviceAccount}-${++n}`;
        state.minted.push(id);
        return { id, secret: `omegat_${'0'.repeat(15)}${n}_${'s'.repeat(43)}` };
      },
      revoke: async (id) => void state.revoked.push(id),
      logger,
    };
  };
  return { state, deps };
}

async function storedToken(): Promise<string | undefined> {
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const secret = await core.readNamespacedSecret({ namespace: NS, name: SECRET });
  const token = secret.data?.['token'];
  return token === undefined ? undefined : Buffer.from(token, 'base64').toString();
}

describe('the first admin token in a Kubernetes Secret', () => {
  it('names the Secret when the chart did not create it', async () => {
    const { deps, state } = gateway('omega-gateway');
    await expect(publishFirstAdminToken(await deps())).rejects.toThrow(
      `gateway first admin token: Secret ${NS}/${SECRET}: HTTP 404`,
    );
    expect(state.minted).toEqual([]);
  });

  it('is refused without the RBAC row, naming it; the unreadable token is revoked and the claim given back', async () => {
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: SECRET }, type: 'Opaque' },
    });
    const stranger = gateway('omega-other');
    await expect(publishFirstAdminToken(await stranger.deps())).rejects.toThrow(
      /Secret omega\/omega-gateway-admin-token: HTTP 403: .*RBAC must allow GET on it: the gateway's row in charts\/omega\/rbac-expected\.yaml/,
    );
    expect(stranger.state.minted).toEqual([]);
    // May read but not write: the token it made is revoked and the claim given back.
    const reader = gateway('omega-reader');
    await expect(publishFirstAdminToken(await reader.deps())).rejects.toThrow(
      /HTTP 403: .*RBAC must allow PATCH on it/,
    );
    expect(reader.state).toMatchObject({
      minted: ['omega-reader-1'],
      revoked: ['omega-reader-1'],
      released: 1,
      claimed: false,
    });
    expect(await storedToken()).toBeUndefined();
  });

  it('fills the empty Secret once: a second gateway or a restart finds it there', async () => {
    const first = gateway('omega-gateway');
    await expect(publishFirstAdminToken(await first.deps())).resolves.toBe('written');
    expect(first.state.minted).toEqual(['omega-gateway-1']);
    expect(await storedToken()).toBe(`omegat_${'0'.repeat(15)}1_${'s'.repeat(43)}`);
    const second = gateway('omega-gateway');
    await expect(publishFirstAdminToken(await second.deps())).resolves.toBe('already there');
    expect(second.state.minted).toEqual([]);
  });

  it('makes none when another replica holds the claim', async () => {
    const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
    await core.replaceNamespacedSecret({
      namespace: NS,
      name: SECRET,
      body: { metadata: { name: SECRET }, type: 'Opaque', data: {} },
    });
    const racing = gateway('omega-gateway', true);
    await expect(publishFirstAdminToken(await racing.deps())).resolves.toBe('made before');
    expect(racing.state.minted).toEqual([]);
  });
});
