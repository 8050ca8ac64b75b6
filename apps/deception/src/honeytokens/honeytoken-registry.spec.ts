// The honeytoken registry on a real nats-server (omega_tokens) and a real trust process (the audit
// log): a minted credential or access key is recognized by every replica and a wrong one is not;
// a revocation reaches every replica; uses counted on two replicas add up; expiry ends
// recognition; an altered record recognizes nothing; the stored bytes and the logs never hold a
// secret; mints and revocations are in the audit log without their secrets.
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { connectBus, provision, type Bus, type KV } from '@omega/bus';
import {
  AuditEntryKind,
  Honeytoken,
  HoneytokenKind,
  HoneytokenStatus,
  type IdentityRef,
} from '@omega/proto';
import { Code, createLogger } from '@omega/runtime';
import { trustAuditClient, type AuditClient } from '@omega/trust-client';
import { eventually, startTrust, withNats, type TrustProcess } from '@omega/testkit';
import type { NewHoneytoken } from './honeytoken-mint';
import { HONEYTOKENS_BUCKET } from './honeytoken-record';
import { HoneytokenRegistry } from './honeytoken-registry';

const nats = withNats({ jetstream: true });
const logLines: string[] = [];
const logger = createLogger({
  service: 'deception',
  level: 'debug',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  }),
});
const clock = { nowMs: Date.now() };
const SELF: IdentityRef = { id: 'omega://local/service/deception', keyId: '' };
let bus: Bus;
let kv: KV;
let trust: TrustProcess;
const registries: HoneytokenRegistry[] = [];

const unreadable: string[] = [];

async function openRegistry(
  audit?: AuditClient,
  triggerWriteIntervalMs = 50,
): Promise<HoneytokenRegistry> {
  const registry = await HoneytokenRegistry.open({
    kv,
    onUnreadable: (key) => unreadable.push(key),
    ...(audit ? { audit } : {}),
    self: () => SELF,
    settings: { maxHoneytokens: 100, triggerWriteIntervalMs },
    canaryBaseUrl: () => 'https://cdn.example.com',
    logger,
    clock: () => clock.nowMs,
  });
  registries.push(registry);
  return registry;
}

function request(partial: Partial<NewHoneytoken>): NewHoneytoken {
  return {
    kind: HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
    name: 'svc-backup',
    namespace: '',
    placement: '~/.pgpass on bastion-2',
    labels: {},
    plant: false,
    ttlSeconds: 0,
    requestId: '',
    ...partial,
  };
}

async function storedBytes(): Promise<string> {
  const all: string[] = [];
  for await (const key of await kv.keys()) {
    const entry = await kv.get(key);
    if (entry) all.push(Buffer.from(entry.value).toString('latin1'));
  }
  return all.join('\n');
}

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'honeytoken-spec', logger });
  await provision(bus, { kv: [HONEYTOKENS_BUCKET], streams: ['DECEPTION'] });
  kv = await bus.kv(HONEYTOKENS_BUCKET);
  trust = await startTrust({ natsUrl: nats.url });
}, 60_000);

nats.beforeStop(async () => {
  for (const registry of registries) await registry.stop();
  await trust?.stop();
  await bus?.drain();
});

describe('honeytoken registry', () => {
  it('recognizes a minted credential on every replica, and neither a wrong password nor a wrong username', async () => {
    const [first, second] = [await openRegistry(), await openRegistry()];
    const { honeytoken, secretValue, secretId } = await first.mint(request({}));
    expect(secretId).toBe('svc-backup');
    expect(honeytoken.status).toBe(HoneytokenStatus.HONEYTOKEN_STATUS_ACTIVE);
    await eventually('the second replica sees the mint', () => second.get(honeytoken.id));
    expect(second.credentialCheck('svc-backup', secretValue)).toBe(honeytoken.id);
    expect(second.credentialCheck('svc-backup', `${secretValue}x`)).toBeUndefined();
    expect(second.credentialCheck('svc-backup2', secretValue)).toBeUndefined();
    expect(first.credentialCheck('svc-backup', 'password')).toBeUndefined();
  });

  it("recognizes a MySQL client's mysql_native_password answer for a minted credential, without its password", async () => {
    const registry = await openRegistry();
    const { honeytoken, secretValue } = await registry.mint(request({ name: 'report_ro' }));
    // What a MySQL client sends: SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password))).
    const sha1 = (...parts: (Buffer | string)[]) => {
      const hash = createHash('sha1');
      for (const part of parts) hash.update(part);
      return hash.digest();
    };
    const answer = (password: string, scramble: Buffer) => {
      const mask = sha1(scramble, sha1(sha1(password)));
      return Buffer.from(sha1(password).map((byte, i) => byte ^ mask[i]!));
    };
    const scramble = randomBytes(20);
    expect(registry.nativePasswordCheck('report_ro', scramble, answer(secretValue, scramble))).toBe(
      honeytoken.id,
    );
    expect(
      registry.nativePasswordCheck('report_ro', scramble, answer('guess', scramble)),
    ).toBeUndefined();
    expect(
      registry.nativePasswordCheck('report_ro', randomBytes(20), answer(secretValue, scramble)),
    ).toBeUndefined();
  });

  it('recognizes an access key by its key id and secret', async () => {
    const registry = await openRegistry();
    const minted = await registry.mint(
      request({ kind: HoneytokenKind.HONEYTOKEN_KIND_ACCESS_KEY, name: 'aws-prod-backup' }),
    );
    expect(minted.secretId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(registry.credentialCheck(minted.secretId, minted.secretValue)).toBe(
      minted.honeytoken.id,
    );
    expect(registry.credentialCheck(minted.secretId, minted.secretValue.slice(1))).toBeUndefined();
  });

  it('keeps only digests: no minted secret is in the stored bytes or in the logs', async () => {
    const registry = await openRegistry();
    const secrets: string[] = [];
    for (const kind of [
      HoneytokenKind.HONEYTOKEN_KIND_CREDENTIAL,
      HoneytokenKind.HONEYTOKEN_KIND_ACCESS_KEY,
      HoneytokenKind.HONEYTOKEN_KIND_CANARY_URL,
      HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_SECRET,
      HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_TOKEN,
    ]) {
      const minted = await registry.mint(
        request({ kind, name: 'legacy-ci', namespace: 'payments' }),
      );
      secrets.push(minted.secretValue);
      if (kind === HoneytokenKind.HONEYTOKEN_KIND_CANARY_URL) {
        secrets.push(new URL(minted.secretValue).pathname.split('/').at(-1)!);
      }
    }
    const stored = await storedBytes();
    const logged = logLines.join('');
    expect(logged).toContain('minted');
    for (const secret of secrets) {
      expect(stored).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
  });

  it('reaches every replica with a revocation; a revoked credential is still recognized', async () => {
    const [first, second] = [await openRegistry(), await openRegistry()];
    const { honeytoken, secretValue } = await first.mint(request({ name: 'ops-admin' }));
    await eventually('the second replica sees the mint', () => second.get(honeytoken.id));
    const revoked = await second.revoke(honeytoken.id, 'rotated out', {
      address: '127.0.0.1:1',
    });
    expect(revoked.status).toBe(HoneytokenStatus.HONEYTOKEN_STATUS_REVOKED);
    await eventually('the first replica sees the revocation', () =>
      first.get(honeytoken.id)?.status === HoneytokenStatus.HONEYTOKEN_STATUS_REVOKED
        ? true
        : undefined,
    );
    expect(first.credentialCheck('ops-admin', secretValue)).toBe(honeytoken.id);
    await expect(first.revoke('0123456789abcdef', '', undefined)).rejects.toMatchObject({
      code: Code.NotFound,
    });
  });

  it('adds up uses counted on two replicas (revision-checked writes lose none)', async () => {
    const [first, second] = [await openRegistry(), await openRegistry()];
    const { honeytoken, secretValue } = await first.mint(request({ name: 'etl-runner' }));
    await eventually('the second replica sees the mint', () => second.get(honeytoken.id));
    for (let i = 0; i < 3; i++) {
      first.credentialCheck('etl-runner', secretValue);
      second.credentialCheck('etl-runner', secretValue);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await Promise.all([first.triggersWritten(), second.triggersWritten()]);
    const counted = await eventually('both replicas see six uses', () => {
      const seen = [first.get(honeytoken.id), second.get(honeytoken.id)];
      return seen.every((token) => token?.triggerCount === 6n) ? seen[0] : undefined;
    });
    expect(counted.status).toBe(HoneytokenStatus.HONEYTOKEN_STATUS_TRIGGERED);
    expect(counted.lastTriggerTimeNs).toBeGreaterThanOrEqual(honeytoken.createTimeNs);
  });

  it('writes a flood of uses as a few writes whose counts add up', async () => {
    const registry = await openRegistry(undefined, 500);
    const { honeytoken, secretValue } = await registry.mint(request({ name: 'flooded' }));
    const watcher = await kv.watch({ key: honeytoken.id, include: 'updates' });
    let writes = 0;
    const counted = (async () => {
      for await (const _entry of watcher) writes += 1;
    })();
    const useTwenty = () => {
      for (let i = 0; i < 20; i++) registry.credentialCheck('flooded', secretValue);
    };
    useTwenty();
    await new Promise((resolve) => setTimeout(resolve, 50));
    useTwenty();
    await registry.triggersWritten();
    expect(registry.get(honeytoken.id)?.triggerCount).toBe(40n);
    await new Promise((resolve) => setTimeout(resolve, 100));
    watcher.stop();
    await counted;
    // The first twenty are written at once, the next twenty together one interval (500 ms) later.
    expect(writes).toBe(2);
  });

  it('stops recognizing a honeytoken once its ttl has passed', async () => {
    const registry = await openRegistry();
    const { secretValue } = await registry.mint(request({ name: 'temp-user', ttlSeconds: 60 }));
    expect(registry.credentialCheck('temp-user', secretValue)).toBeDefined();
    clock.nowMs += 61_000;
    expect(registry.credentialCheck('temp-user', secretValue)).toBeUndefined();
  });

  it('recognizes nothing by a record that does not decode, and says which', async () => {
    const registry = await openRegistry();
    const { honeytoken, secretValue } = await registry.mint(request({ name: 'tampered' }));
    const stored = JSON.parse(Buffer.from((await kv.get(honeytoken.id))!.value).toString());
    await kv.put(honeytoken.id, Buffer.from(JSON.stringify({ ...stored, v: 2 })));
    // Registries of earlier tests watch the same bucket and report to the same list: wait for
    // this one to have seen the change too.
    await eventually('the altered record is refused', () =>
      unreadable.includes(honeytoken.id) && registry.get(honeytoken.id) === undefined
        ? true
        : undefined,
    );
    expect(registry.credentialCheck('tampered', secretValue)).toBeUndefined();
  });

  it('says what is missing for DNS canaries, and for planting without a Kubernetes client', async () => {
    const registry = await openRegistry();
    await expect(
      registry.mint(request({ kind: HoneytokenKind.HONEYTOKEN_KIND_DNS_CANARY, name: 'x' })),
    ).rejects.toMatchObject({ code: Code.FailedPrecondition, message: /deception\.dns\.zone/ });
    await expect(
      registry.mint(
        request({
          kind: HoneytokenKind.HONEYTOKEN_KIND_KUBERNETES_SECRET,
          name: 'aws-prod-credentials',
          namespace: 'payments',
          plant: true,
        }),
      ),
    ).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      message:
        /planting a HONEYTOKEN_KIND_KUBERNETES_SECRET needs .*Kubernetes client.*deception.kubernetes.plant/,
    });
  });

  it('logs each mint and revocation in the audit log as DECOY_CHANGED, without the secret', async () => {
    const registry = await openRegistry(trustAuditClient(trust.client));
    const { honeytoken, secretValue } = await registry.mint(
      request({ name: 'audited-user', placement: 'vault export' }),
    );
    expect(honeytoken.audit?.checkpointSize).toBeGreaterThan(0n);
    await registry.revoke(honeytoken.id, 'test over', { address: '127.0.0.1:2' });
    const { records } = await trust.client.listAuditEntries({
      startIndex: 0n,
      pageSize: 1000,
      kind: AuditEntryKind.AUDIT_ENTRY_KIND_DECOY_CHANGED,
      subject: `honeytoken/${honeytoken.id}`,
    });
    const entries = records.map((record) => record.entry!);
    expect(entries.map((entry) => entry.summary)).toEqual([
      expect.stringMatching(/minted for vault export$/),
      expect.stringMatching(/revoked: test over \(requested from 127\.0\.0\.1:2/),
    ]);
    for (const entry of entries) {
      expect(entry.payloadType).toBe('omega.v1.Honeytoken');
      expect(Honeytoken.decode(entry.payload).id).toBe(honeytoken.id);
      expect(Buffer.from(entry.payload).toString('latin1')).not.toContain(secretValue);
    }
  });
});
