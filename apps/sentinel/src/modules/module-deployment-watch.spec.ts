// The omega_policy module watch on a real nats-server with a real trust: a deployment (bytes in
// the omega_modules object store, a ModuleDeployment under module.<name>) runs once verified; bytes
// changed in the store after signing are refused and the running version stays; a selector that
// does not pick the node, or a removed entry, unloads it.
import { createHash } from 'node:crypto';
import { connectBus, policyModuleKey, provision, type Bus } from '@omega/bus';
import { ModuleDeployment, ModuleState } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { attestModule, trustAnchor } from '../testing/module-attestation';
import { wasmModule } from '../testing/wasm-build';
import { watchModuleDeployments, type ModuleDeploymentWatch } from './module-deployment-watch';
import { ModuleHost } from './module-host';
import type { ModuleRpcDeps } from './module-rpcs';
import { ModuleVerifier, type ModuleTrustAnchor } from './module-verifier';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'sentinel', level: 'silent' });
let trust: TrustProcess;
let bus: Bus;
let anchor: ModuleTrustAnchor;
let deps: ModuleRpcDeps;
let watch: ModuleDeploymentWatch;

beforeAll(async () => {
  trust = await startTrust({ natsUrl: nats.url });
  anchor = await trustAnchor(trust.client);
  bus = await connectBus({ servers: nats.url, name: 'module-watch-spec', logger });
  await provision(bus, { kv: ['omega_policy'], objectStores: ['omega_modules'] });
  nats.beforeStop(() => bus.drain());
  deps = {
    host: new ModuleHost({
      node: 'node-w',
      limits: { eventBudgetMs: 1_000, memoryMaxPages: 256, startTimeoutMs: 10_000 },
      maxFaults: 3,
      publish: () => {},
      logger,
    }),
    verifier: new ModuleVerifier(async () => anchor),
  };
  watch = await watchModuleDeployments({
    bus,
    node: 'node-w',
    nodeLabels: { pool: 'edge' },
    modules: deps,
    logger,
  });
}, 120_000);

afterAll(async () => {
  watch?.stop();
  await deps?.host.close();
  await trust?.stop();
});

/** What `omega modules push` is to do: the bytes to the object store, the entry to omega_policy. */
async function push(
  version: string,
  opts: { bytes?: Uint8Array; selector?: Record<string, string> } = {},
): Promise<void> {
  const wasm = wasmModule('module-deployment-watch.spec', 'port-knock');
  const attestation = await attestModule(trust.client, anchor, {
    name: 'port-knock',
    version,
    wasm,
  });
  const bytes = opts.bytes ?? wasm;
  const objectName = `port-knock/${version}/${createHash('sha256').update(bytes).digest('hex')}`;
  await (await bus.objectStore('omega_modules')).putBlob({ name: objectName }, bytes);
  const deployment = ModuleDeployment.fromPartial({
    name: 'port-knock',
    version,
    sha256: createHash('sha256').update(wasm).digest(),
    objectName,
    attestation,
    nodeSelector: opts.selector ?? {},
  });
  await (
    await bus.kv('omega_policy')
  ).put(policyModuleKey('port-knock'), ModuleDeployment.encode(deployment).finish());
}

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const running = (version: string) =>
  deps.host
    .status()
    .some((m) => m.version === version && m.state === ModuleState.MODULE_STATE_RUNNING);

describe('module deployments in omega_policy', () => {
  it('runs a pushed module once it is verified', async () => {
    await push('1.0.0');
    await until('1.0.0 running', () => running('1.0.0'));
  });

  it('refuses bytes changed in the object store after signing; the running version stays', async () => {
    const changed = Uint8Array.from(wasmModule('module-deployment-watch.spec', 'port-knock'));
    changed[changed.length - 1]! ^= 0xff;
    const before = deps.host.refused.get('permission_denied') ?? 0;
    await push('1.0.1', { bytes: changed });
    await until('the refusal', () => (deps.host.refused.get('permission_denied') ?? 0) > before);
    expect(running('1.0.0')).toBe(true);
    expect(deps.host.status().map((m) => m.version)).toEqual(['1.0.0']);
  });

  it('unloads when the selector no longer picks this node, and loads when it does', async () => {
    await push('1.0.2', { selector: { pool: 'core' } });
    await until('the module unloaded', () => deps.host.status().length === 0);
    await push('1.0.3', { selector: { pool: 'edge' } });
    await until('1.0.3 running', () => running('1.0.3'));
  });

  it('unloads when the entry is removed', async () => {
    await (await bus.kv('omega_policy')).delete(policyModuleKey('port-knock'));
    await until('the module unloaded', () => deps.host.status().length === 0);
  });
});
