// LoadModule against a real trust process: a module trust attested (signed with the audit log key
// and appended to the log) loads; a bad signature, an attestation whose log entry holds another
// envelope, a wrong inclusion proof, and bytes changed after signing are each refused before
// anything runs, counted, and published as module events.
import { Code } from '@omega/runtime';
import {
  DsseEnvelope,
  LoadModuleRequest,
  ModuleState,
  type Event,
  type ModuleAttestation,
} from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { attestModule, trustAnchor } from '../testing/module-attestation';
import { wasmModule } from '../testing/wasm-build';
import { ModuleHost } from './module-host';
import { loadModule, type ModuleRpcDeps } from './module-rpcs';
import { ModuleVerifier, type ModuleTrustAnchor } from './module-verifier';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'sentinel', level: 'silent' });
let trust: TrustProcess;
let anchor: ModuleTrustAnchor;
let deps: ModuleRpcDeps;
const published: Event[] = [];
const wasm = () => wasmModule('module-supply-chain.spec', 'port-knock');

beforeAll(async () => {
  trust = await startTrust({ natsUrl: nats.url });
  anchor = await trustAnchor(trust.client);
  deps = {
    host: new ModuleHost({
      node: 'node-sc',
      limits: { eventBudgetMs: 1_000, memoryMaxPages: 256, startTimeoutMs: 10_000 },
      maxFaults: 3,
      publish: (_kind, event) => published.push(event),
      logger,
    }),
    verifier: new ModuleVerifier(async () => anchor),
  };
}, 120_000);

afterAll(async () => {
  await deps?.host.close();
  await trust?.stop();
});

function request(
  version: string,
  bytes: Uint8Array,
  attestation: ModuleAttestation,
): LoadModuleRequest {
  return LoadModuleRequest.fromPartial({
    name: 'port-knock',
    version,
    module: { $case: 'wasm', value: Buffer.from(bytes) },
    loggedAttestation: attestation,
  });
}

async function refusal(version: string, bytes: Uint8Array, attestation: ModuleAttestation) {
  const before = published.length;
  const err = await loadModule(deps, request(version, bytes, attestation)).then(
    () => undefined,
    (e: unknown) => e as Error & { code: Code },
  );
  expect(err).toBeDefined();
  expect(err!.code).toBe(Code.PermissionDenied);
  expect(published.slice(before).map((e) => e.unmapped['module.refused'])).toEqual([
    'permission_denied',
  ]);
  return err!.message;
}

describe('LoadModule supply chain', () => {
  it('loads a module trust attested and logged, naming its signer and log entry', async () => {
    const attestation = await attestModule(trust.client, anchor, {
      name: 'port-knock',
      version: '1.0.0',
      wasm: wasm(),
    });
    const { module } = await loadModule(deps, request('1.0.0', wasm(), attestation));
    expect(module).toMatchObject({
      name: 'port-knock',
      version: '1.0.0',
      state: ModuleState.MODULE_STATE_RUNNING,
      signer: { keyId: anchor.key.keyId },
      audit: { logIndex: attestation.logIndex },
    });
  });

  it('refuses a bad signature', async () => {
    const attestation = await attestModule(trust.client, anchor, {
      name: 'port-knock',
      version: '1.0.1',
      wasm: wasm(),
    });
    const envelope = DsseEnvelope.fromPartial(attestation.envelope!);
    const signature = envelope.signatures[0]!;
    signature.ed25519 = Buffer.from(signature.ed25519).fill(0x41, 0, 8);
    signature.mlDsa = Buffer.from(signature.mlDsa).fill(0x41, 0, 8);
    expect(await refusal('1.0.1', wasm(), { ...attestation, envelope })).toMatch(
      /^module port-knock 1\.0\.1: signature check failed: /,
    );
  });

  it('refuses an attestation signed by trust but not the one in the log entry it cites', async () => {
    const signed = await attestModule(trust.client, anchor, {
      name: 'port-knock',
      version: '1.0.2',
      wasm: wasm(),
    });
    const other = await attestModule(trust.client, anchor, {
      name: 'port-knock',
      version: '9.9.9',
      wasm: wasm(),
    });
    const unlogged = { ...other, envelope: signed.envelope };
    expect(await refusal('1.0.2', wasm(), unlogged)).toBe(
      `module port-knock 1.0.2: log entry check failed: log entry ${other.logIndex} records another envelope`,
    );
  });

  it('refuses an inclusion proof that does not lead to the signed checkpoint', async () => {
    const attestation = await attestModule(trust.client, anchor, {
      name: 'port-knock',
      version: '1.0.3',
      wasm: wasm(),
    });
    const entry = Buffer.from(attestation.entry);
    entry[entry.length - 1]! ^= 0x01;
    expect(await refusal('1.0.3', wasm(), { ...attestation, entry })).toMatch(
      /^module port-knock 1\.0\.3: audit bundle for entry \d+: inclusion check failed/,
    );
  });

  it('refuses bytes changed after signing', async () => {
    const attestation = await attestModule(trust.client, anchor, {
      name: 'port-knock',
      version: '1.0.4',
      wasm: wasm(),
    });
    const changed = Uint8Array.from(wasm());
    changed[changed.length - 1]! ^= 0xff;
    expect(await refusal('1.0.4', changed, attestation)).toMatch(
      /^module port-knock 1\.0\.4: digest check failed: the artifact is sha256:[0-9a-f]{64}; the attestation is about another$/,
    );
  });

  it('refuses a module without a logged attestation, and the refusals are counted', async () => {
    expect(await refusal('1.0.5', wasm(), undefined as unknown as ModuleAttestation)).toMatch(
      /no logged attestation/,
    );
    expect(deps.host.refused.get('permission_denied')).toBe(5);
    // the verified version kept running through every refusal
    expect(deps.host.status()).toEqual([
      expect.objectContaining({ version: '1.0.0', state: ModuleState.MODULE_STATE_RUNNING }),
    ]);
  });
});
