// `omega modules sign` against a live trust on real NATS: the written .omega-module verifies with
// the checks a sentinel runs (digest, signature, checkpoint, inclusion, log entry), and the same
// file no longer verifies for changed bytes or another version.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moduleSubjectName, MODULE_PREDICATE_TYPE, verifyAttestedArtifact } from '@omega/auditlog';
import { HybridVerifier, loadMlDsaBackend, SignaturePurpose } from '@omega/crypto';
import { ModuleAttestation } from '@omega/proto';
import { startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { logPolicy, withPinnedLog, type AuditCommandOptions } from './audit-command';
import { connectBus, policyModuleKey, provision } from '@omega/bus';
import { ModuleDeployment } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { MODULE_ATTESTATION_SUFFIX, signModule } from './modules-command';
import { parseSelector, pushModule } from './modules-push';

const nats = withNats({ jetstream: true });
let trust: TrustProcess;
let dir: string;

beforeAll(async () => {
  trust = await startTrust({ natsUrl: nats.url });
  dir = await mkdtemp(join(tmpdir(), 'omega-cli-modules-'));
}, 120_000);

afterAll(async () => trust?.stop());

async function check(opts: AuditCommandOptions, wasm: Uint8Array, version: string, file: string) {
  const attestation = ModuleAttestation.fromJSON(
    JSON.parse(await readFile(`${file}${MODULE_ATTESTATION_SUFFIX}`, 'utf8')),
  );
  const verifier = new HybridVerifier(await loadMlDsaBackend('liboqs'));
  let outcome = '';
  await withPinnedLog(opts, async ({ key, origin }) => {
    await verifyAttestedArtifact({
      what: `module m ${version}`,
      artifact: wasm,
      envelope: attestation.envelope!,
      bundle: {
        origin: attestation.origin,
        index: Number(attestation.logIndex),
        entry: attestation.entry,
        inclusionProof: attestation.inclusionProof,
        checkpoint: attestation.checkpointNote,
      },
      policy: await logPolicy(key, origin),
      subjectName: moduleSubjectName('m', version),
      predicateType: MODULE_PREDICATE_TYPE,
      verifySignature: (pae, signatures) =>
        verifier.verify(
          key,
          SignaturePurpose.Attestation,
          pae,
          signatures.find((s) => s.keyId === key.keyId)!,
        ),
    }).then(
      () => (outcome = 'ok'),
      (err: Error) => (outcome = err.message),
    );
    return 0;
  });
  return outcome;
}

describe('omega modules sign', () => {
  it('writes an attestation and audit bundle that verify offline, and only for these bytes and this version', async () => {
    const file = join(dir, 'm.wasm');
    // a minimal valid module: the bytes are what is attested, not what they do
    const wasm = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await writeFile(file, wasm);
    const opts: AuditCommandOptions = {
      trust: trust.address,
      stateFile: join(dir, 'state.json'),
      full: false,
    };
    const lines: string[] = [];
    expect(
      await signModule(opts, file, { name: 'm', version: '1.0.0' }, (l) => lines.push(l)),
    ).toBe(0);
    expect(lines[0]).toMatch(/^attested modules\/m@1\.0\.0 sha256:[0-9a-f]{64} as log entry \d+$/);
    expect(lines[1]).toBe(`wrote ${file}${MODULE_ATTESTATION_SUFFIX}`);

    expect(await check(opts, wasm, '1.0.0', file)).toBe('ok');
    const changed = Buffer.from(wasm);
    changed[7] = 1;
    expect(await check(opts, changed, '1.0.0', file)).toMatch(
      /^module m 1\.0\.0: digest check failed: the artifact is sha256:/,
    );
    expect(await check(opts, wasm, '2.0.0', file)).toBe(
      'module m 2.0.0: digest check failed: the attestation names modules/m@1.0.0, not modules/m@2.0.0',
    );
  });
});

describe('omega modules push', () => {
  it('puts the bytes in omega_modules and the deployment under omega_policy module.<name>', async () => {
    const file = join(dir, 'p.wasm');
    const wasm = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00]);
    await writeFile(file, wasm);
    const opts: AuditCommandOptions = {
      trust: trust.address,
      stateFile: join(dir, 'state-p.json'),
      full: false,
    };
    expect(await signModule(opts, file, { name: 'p', version: '2.0.0' }, () => {})).toBe(0);
    const logger = createLogger({ service: 'cli', level: 'silent' });
    const bus = await connectBus({ servers: nats.url, name: 'modules-push-spec', logger });
    try {
      await provision(bus, { kv: ['omega_policy'], objectStores: ['omega_modules'] });
      const object = await pushModule(
        bus,
        file,
        { name: 'p', version: '2.0.0' },
        parseSelector(['pool=edge']),
      );
      expect(object).toMatch(/^p\/2\.0\.0\/[0-9a-f]{64}$/);
      const entry = await (await bus.kv('omega_policy')).get(policyModuleKey('p'));
      const deployment = ModuleDeployment.decode(entry!.value);
      expect(deployment).toMatchObject({
        name: 'p',
        version: '2.0.0',
        objectName: object,
        nodeSelector: { pool: 'edge' },
      });
      expect(deployment.attestation!.logIndex).toBe(
        ModuleAttestation.fromJSON(
          JSON.parse(await readFile(`${file}${MODULE_ATTESTATION_SUFFIX}`, 'utf8')),
        ).logIndex,
      );
      const stored = await (await bus.objectStore('omega_modules')).getBlob(object);
      expect(Buffer.from(stored!)).toEqual(wasm);
      expect(() => parseSelector(['pool'])).toThrow("--selector 'pool': expected key=value");
    } finally {
      await bus.drain();
    }
  });
});
