// Planting Kubernetes honeytokens against a real kube-apiserver, as a service account with only the
// RBAC the docs ask for: the Secret holds the minted value and the request's labels, the bucket
// only a digest; a name already taken is ALREADY_EXISTS with nothing stored; revoking deletes the
// Secret, and so does the expiry sweep once its ttl_seconds pass; without the RBAC row the error
// names it and nothing is stored.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, provision, type Bus, type KV } from '@omega/bus';
import { HoneytokenKind, HoneytokenStatus } from '@omega/proto';
import { Registry } from 'prom-client';
import { Code, createLogger } from '@omega/runtime';
import {
  loadKubernetesClient,
  startKubeApiServer,
  withNats,
  type KubeApiServer,
  type KubernetesClient,
} from '@omega/testkit';
import type { NewHoneytoken } from './honeytoken-mint';
import { HONEYTOKENS_BUCKET } from './honeytoken-record';
import { HoneytokenRegistry } from './honeytoken-registry';
import { HoneytokenSweep, sweepMetrics } from './honeytoken-sweep';
import { kubeSecretPlanter } from './secret-planter';

const NS = 'payments';
const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'deception', level: 'silent' });
let k8s: KubernetesClient;
let server: KubeApiServer;
let dir: string;
let bus: Bus;
let kv: KV;
const registries: HoneytokenRegistry[] = [];

async function registryAs(
  serviceAccount: string,
  clock: () => number = Date.now,
): Promise<HoneytokenRegistry> {
  const tokenPath = join(dir, `${serviceAccount}.token`);
  await writeFile(tokenPath, await server.requestServiceAccountToken(NS, serviceAccount));
  const registry = await HoneytokenRegistry.open({
    kv,
    self: () => ({ id: 'omega://local/service/deception', keyId: '' }),
    settings: { maxHoneytokens: 100, triggerWriteIntervalMs: 50 },
    canaryBaseUrl: () => undefined,
    planter: kubeSecretPlanter({ apiServerUrl: server.url, tokenPath, caPath: server.caPath }),
    logger,
    clock,
  });
  registries.push(registry);
  return registry;
}

function plant(partial: Partial<NewHoneytoken>): NewHoneytoken {
  return {
    kind: HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_SECRET,
    name: 'aws-prod-credentials',
    namespace: NS,
    placement: 'namespace payments',
    labels: { app: 'billing' },
    plant: true,
    ttlSeconds: 0,
    requestId: '',
    ...partial,
  };
}

beforeAll(async () => {
  k8s = await loadKubernetesClient();
  server = await startKubeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'omega-honeytoken-plant-'));
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  const rbac = server.kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  for (const name of ['omega-deception', 'omega-other']) {
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name } } });
  }
  await rbac.createNamespacedRole({
    namespace: NS,
    body: {
      metadata: { name: 'plant-honeytokens' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['create', 'delete'] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace: NS,
    body: {
      metadata: { name: 'omega-deception' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'plant-honeytokens' },
      subjects: [{ kind: 'ServiceAccount', name: 'omega-deception', namespace: NS }],
    },
  });
  bus = await connectBus({ servers: nats.url, name: 'honeytoken-plant-spec', logger });
  await provision(bus, { kv: [HONEYTOKENS_BUCKET] });
  kv = await bus.kv(HONEYTOKENS_BUCKET);
}, 120_000);

nats.beforeStop(async () => {
  for (const registry of registries) await registry.stop();
  await bus?.drain();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function readSecret(name: string) {
  const core = server.kubeConfig.makeApiClient(k8s.CoreV1Api);
  return core.readNamespacedSecret({ namespace: NS, name }).catch(() => undefined);
}

async function storedCount(): Promise<number> {
  let count = 0;
  for await (const _key of await kv.keys()) count += 1;
  return count;
}

describe('planting Kubernetes honeytokens', () => {
  it('creates the Secret with the value and the labels, keeps only a digest, and deletes it on revocation', async () => {
    const registry = await registryAs('omega-deception');
    const { honeytoken, secretValue } = await registry.mint(plant({}));
    const secret = await readSecret('aws-prod-credentials');
    expect(secret?.type).toBe('Opaque');
    expect(secret?.metadata?.labels).toEqual({ app: 'billing' });
    expect(Buffer.from(secret?.data?.['password'] ?? '', 'base64').toString()).toBe(secretValue);
    const stored = Buffer.from((await kv.get(honeytoken.id))!.value).toString();
    expect(stored).not.toContain(secretValue);
    expect(JSON.parse(stored)).toMatchObject({ planted: true });

    const revoked = await registry.revoke(honeytoken.id, 'drill over', undefined);
    expect(revoked.status).toBe(HoneytokenStatus.HONEYTOKEN_STATUS_REVOKED);
    expect(await readSecret('aws-prod-credentials')).toBeUndefined();
  });

  it('deletes the Secret of an expired honeytoken in the expiry sweep, then its record', async () => {
    let nowMs = Date.now();
    const registry = await registryAs('omega-deception', () => nowMs);
    const { honeytoken } = await registry.mint(plant({ name: 'old-db-password', ttlSeconds: 60 }));
    expect(await readSecret('old-db-password')).toBeDefined();
    const sweep = new HoneytokenSweep({
      registry,
      requests: [],
      batch: 10,
      metrics: sweepMetrics(new Registry()),
      logger,
      clock: () => nowMs,
    });
    nowMs += 61_000;
    expect(await sweep.sweepOnce()).toMatchObject({ removed: 1, failed: 0 });
    expect(await readSecret('old-db-password')).toBeUndefined();
    expect((await kv.get(honeytoken.id))?.operation).not.toBe('PUT');
  });

  it('plants a service-account token as a copied token Secret would look', async () => {
    const registry = await registryAs('omega-deception');
    const { secretValue } = await registry.mint(
      plant({ kind: HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN, name: 'ci-deployer-token' }),
    );
    const secret = await readSecret('ci-deployer-token');
    expect(Buffer.from(secret?.data?.['token'] ?? '', 'base64').toString()).toBe(secretValue);
  });

  it('refuses a name already taken with ALREADY_EXISTS, storing nothing and leaving the Secret', async () => {
    const registry = await registryAs('omega-deception');
    await registry.mint(plant({ name: 'db-password' }));
    const before = await storedCount();
    await expect(registry.mint(plant({ name: 'db-password' }))).rejects.toMatchObject({
      code: Code.AlreadyExists,
    });
    expect(await storedCount()).toBe(before);
    expect(await readSecret('db-password')).toBeDefined();
  });

  it('without the RBAC row names what to grant, and stores nothing', async () => {
    const registry = await registryAs('omega-other');
    const before = await storedCount();
    await expect(registry.mint(plant({ name: 'stripe-keys' }))).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      message: expect.stringContaining('create and delete on secrets'),
    });
    expect(await storedCount()).toBe(before);
  });
});
