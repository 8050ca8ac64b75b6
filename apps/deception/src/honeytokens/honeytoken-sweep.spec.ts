// The expiry sweep on a real nats-server: an expired file honeytoken's file and watch are removed
// and its record purged from omega_tokens (a restarted registry does not know it), unexpired ones
// stay, a sweep removes at most its batch, and a token this replica cannot un-plant is kept; the
// service sweeps on its interval (deception.honeytokens.sweepIntervalMs).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, fileWatchKey, provision, type Bus, type KV } from '@omega/bus';
import {
  DeceptionServiceClient,
  HoneytokenKind,
  ListHoneytokensRequest,
  MintHoneytokenRequest,
} from '@omega/proto';
import { createLogger, createPromiseClient } from '@omega/runtime';
import { eventually, withNats } from '@omega/testkit';
import { Registry } from 'prom-client';
import { hostFilePlanter } from './file-planter';
import { validMint } from './honeytoken-grpc';
import { HONEYTOKENS_BUCKET } from './honeytoken-record';
import { HoneytokenRegistry } from './honeytoken-registry';
import { HoneytokenSweep, sweepMetrics } from './honeytoken-sweep';
import { startDeception } from '../testing/start-deception';

const nats = withNats({ jetstream: true });
const NODE = 'node-3';
const logger = createLogger({ service: 'deception', level: 'silent' });
let bus: Bus;
let policy: KV;
let tokens: KV;
let root: string;
let nowMs = Date.parse('2026-12-07T12:00:00Z');
const clock = () => nowMs;
const registries: HoneytokenRegistry[] = [];

async function openRegistry(withPlanter = true): Promise<HoneytokenRegistry> {
  const registry = await HoneytokenRegistry.open({
    kv: tokens,
    self: () => ({ id: 'omega://local/service/deception', keyId: '' }),
    settings: { maxHoneytokens: 100, triggerWriteIntervalMs: 0 },
    canaryBaseUrl: () => undefined,
    ...(withPlanter
      ? {
          filePlanter: hostFilePlanter({
            policy,
            node: NODE,
            roots: [root],
            self: () => 'omega://local/service/deception',
          }),
        }
      : {}),
    logger,
    clock,
  });
  registries.push(registry);
  return registry;
}

function sweepOf(registry: HoneytokenRegistry, batch = 100) {
  const metrics = new Registry();
  const sweep = new HoneytokenSweep({
    registry,
    requests: [],
    batch,
    metrics: sweepMetrics(metrics),
    logger,
    clock,
  });
  const count = async (outcome: string) =>
    (
      await metrics.getSingleMetric('omega_deception_honeytokens_expired_swept_total')?.get()
    )?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { sweep, count };
}

const mint = (registry: HoneytokenRegistry, partial: Partial<MintHoneytokenRequest>) =>
  registry.mint(validMint(MintHoneytokenRequest.fromPartial(partial)));

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'sweep-spec', logger });
  await provision(bus, { kv: [HONEYTOKENS_BUCKET, 'omega_policy'] });
  policy = await bus.kv('omega_policy');
  tokens = await bus.kv(HONEYTOKENS_BUCKET);
  root = mkdtempSync(join(tmpdir(), 'omega-sweep-'));
}, 60_000);

nats.beforeStop(async () => {
  for (const registry of registries) await registry.stop();
  await bus?.drain();
});

describe('the expiry sweep', () => {
  it('removes an expired file honeytoken: its file, its watch and its record; unexpired ones stay', async () => {
    const registry = await openRegistry();
    const path = join(root, 'credentials');
    const file = await mint(registry, {
      kind: HoneytokenKind.HONEYTOKEN_KIND_FILE,
      name: path,
      plant: true,
      ttlSeconds: 60,
    });
    const forever = await mint(registry, {
      kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
      name: 'svc-forever',
    });
    const id = file.honeytoken.id;
    expect(existsSync(path)).toBe(true);
    expect(await policy.get(fileWatchKey(NODE, id))).not.toBeNull();
    const { sweep, count } = sweepOf(registry);

    nowMs += 59_000; // not yet
    expect(await sweep.sweepOnce()).toMatchObject({ removed: 0, failed: 0 });
    expect(existsSync(path)).toBe(true);

    nowMs += 2_000;
    expect(await sweep.sweepOnce()).toMatchObject({ removed: 1, failed: 0 });
    expect(await count('removed')).toBe(1);
    expect(existsSync(path)).toBe(false);
    const watch = await policy.get(fileWatchKey(NODE, id));
    expect(watch === null || watch.operation !== 'PUT').toBe(true);
    const record = await tokens.get(id);
    expect(record === null || record.operation !== 'PUT').toBe(true);
    expect(registry.get(id)).toBeUndefined();
    expect(registry.get(forever.honeytoken.id)).toBeDefined();

    // a restarted service neither knows it nor sweeps it again
    const restarted = await openRegistry();
    expect(restarted.get(id)).toBeUndefined();
    expect(restarted.get(forever.honeytoken.id)).toBeDefined();
    expect(await sweepOf(restarted).sweep.sweepOnce()).toMatchObject({ removed: 0 });
  });

  it('removes at most its batch per sweep, the earliest expiry first', async () => {
    const registry = await openRegistry();
    const ids: string[] = [];
    for (const ttlSeconds of [30, 10, 20]) {
      const minted = await mint(registry, {
        kind: HoneytokenKind.HONEYTOKEN_KIND_ACCESS_KEY,
        name: `key-${ttlSeconds}`,
        ttlSeconds,
      });
      ids.push(minted.honeytoken.id);
    }
    nowMs += 31_000;
    const { sweep } = sweepOf(registry, 2);
    expect(await sweep.sweepOnce()).toMatchObject({ removed: 2 });
    // the 10 s and 20 s ones went first
    expect(ids.map((id) => registry.get(id) !== undefined)).toEqual([true, false, false]);
    expect(await sweep.sweepOnce()).toMatchObject({ removed: 1 });
    expect(registry.get(ids[0]!)).toBeUndefined();
  });

  it('keeps an expired planted file a replica without a planter cannot remove, counted as skipped', async () => {
    const planting = await openRegistry();
    const path = join(root, 'pgpass');
    const minted = await mint(planting, {
      kind: HoneytokenKind.HONEYTOKEN_KIND_FILE,
      name: path,
      plant: true,
      ttlSeconds: 5,
    });
    nowMs += 6_000;
    const blind = await openRegistry(false);
    const { sweep, count } = sweepOf(blind);
    expect(await sweep.sweepOnce()).toMatchObject({ removed: 0, failed: 1 });
    expect(await count('skipped')).toBe(1);
    expect(existsSync(path)).toBe(true);
    expect((await tokens.get(minted.honeytoken.id))?.operation).toBe('PUT');
    // the next sweep does not try it again; the planting replica removes it
    expect(await sweep.sweepOnce()).toMatchObject({ removed: 0, failed: 0 });
    expect(await sweepOf(planting).sweep.sweepOnce()).toMatchObject({ removed: 1 });
    expect(existsSync(path)).toBe(false);
  });

  it('runs in the service on its interval: a honeytoken minted with ttl_seconds 1 leaves the list', async () => {
    const running = await startDeception(nats.url, {
      OMEGA_DECEPTION_HONEYTOKENS_SWEEP_INTERVAL_MS: '1000',
    });
    const client = createPromiseClient(DeceptionServiceClient, `127.0.0.1:${running.grpcPort}`);
    try {
      const { honeytoken } = await client.mintHoneytoken(
        MintHoneytokenRequest.fromPartial({
          kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
          name: 'svc-short-lived',
          ttlSeconds: 1,
        }),
      );
      const listed = async () =>
        (await client.listHoneytokens(ListHoneytokensRequest.fromPartial({}))).honeytokens.map(
          (token) => token.id,
        );
      expect(await listed()).toContain(honeytoken!.id);
      await eventually(
        'the expired honeytoken swept',
        async () => ((await listed()).includes(honeytoken!.id) ? undefined : true),
        15_000,
        200,
      );
      expect((await tokens.get(honeytoken!.id))?.operation).not.toBe('PUT');
    } finally {
      client.close();
      await running.service.shutdown('test done');
    }
  }, 30_000);
});
