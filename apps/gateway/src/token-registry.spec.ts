// Bearer tokens against a real trust process (Sign, VerifySignature, the audit log) and a real
// nats-server (the omega_gateway_tokens bucket): issued and accepted, refused with a wrong secret,
// after expiry, after a revocation made on another replica, and when the stored record was altered
// or does not decode; each issue and revocation is in the audit log before it takes effect.
import { AuditEntryKind, GatewayTokenRecord, TokenInfo } from '@omega/proto';
import { connectBus, provision, type Bus, type KV } from '@omega/bus';
import { createLogger } from '@omega/runtime';
import { trustAuditClient } from '@omega/trust-client';
import { startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { parseBearer, type BearerSecret } from './api-token';
import { TOKENS_BUCKET, TokenRegistry, type TokenRegistrySettings } from './token-registry';
import { trustTokenSigner } from './trust-token-signer';

const nats = withNats({ jetstream: true });
const silentLogger = createLogger({ service: 'gateway', level: 'silent' });
const SETTINGS: TokenRegistrySettings = {
  defaultTtlSeconds: 3600,
  maxTtlSeconds: 7200,
  maxTokens: 5,
};
const clock = { nowMs: Date.now() };
let trust: TrustProcess;
let bus: Bus;
let kv: KV;
const registries: TokenRegistry[] = [];
const unreadable: string[] = [];

async function openRegistry(): Promise<TokenRegistry> {
  const registry = await TokenRegistry.open({
    kv,
    signer: trustTokenSigner(trust.client, 'omega://local/service/trust'),
    audit: trustAuditClient(trust.client),
    actor: () => ({ id: 'omega://local/service/gateway', keyId: '' }),
    audience: 'local',
    settings: SETTINGS,
    logger: silentLogger,
    clock: () => clock.nowMs,
    onUnreadable: (key) => unreadable.push(key),
  });
  registries.push(registry);
  return registry;
}

const bearer = (secret: string): BearerSecret => parseBearer(`Bearer ${secret}`)!;

beforeAll(async () => {
  trust = await startTrust({ natsUrl: nats.url });
  bus = await connectBus({ servers: nats.url, name: 'token-spec', logger: silentLogger });
  await provision(bus, { kv: [TOKENS_BUCKET] });
  kv = await bus.kv(TOKENS_BUCKET);
}, 60_000);

nats.beforeStop(async () => {
  for (const registry of registries) registry.stop();
  await trust?.stop();
  await bus?.drain();
});

async function auditEntries(kind: AuditEntryKind) {
  const { records } = await trust.client.listAuditEntries({
    startIndex: 0n,
    pageSize: 1000,
    kind,
    subject: '',
  });
  return records.map((record) => record.entry!);
}

describe('bearer tokens', () => {
  it('issues a token signed by trust and logged, which a second replica accepts', async () => {
    const first = await openRegistry();
    const { info, secret } = await first.create({
      subject: 'user:alice',
      roles: ['responder'],
      description: 'pager duty',
      ttlSeconds: 0,
      createdBy: 'omega://local/operator/cli',
      requestId: '',
    });
    expect(secret).toMatch(/^omegat_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({
      subject: 'user:alice',
      roles: ['responder'],
      createdBy: 'omega://local/operator/cli',
      revokeTimeNs: 0n,
    });
    expect(info.expireTimeNs - info.createTimeNs).toBe(3600n * 1_000_000_000n);

    const logged = (await auditEntries(AuditEntryKind.AUDIT_ENTRY_KIND_TOKEN_ISSUED)).find(
      (entry) => entry.subject === `token/${info.id}`,
    );
    expect(logged?.summary).toContain(`token ${info.id} for user:alice (roles responder)`);
    expect(TokenInfo.decode(logged!.payload)).toEqual(info);
    expect(Buffer.from(logged!.payload).toString('latin1')).not.toContain(secret.slice(24));

    // Another replica, which never saw the secret, checks trust's signature and the secret's hash.
    const second = await openRegistry();
    await expect(second.authenticate(bearer(secret))).resolves.toMatchObject({
      claims: { sub: 'user:alice', roles: ['responder'], aud: 'local' },
    });
  });

  it('refuses a wrong secret, an expired token, and one made longer than the cap is capped', async () => {
    const registry = await openRegistry();
    const { info, secret } = await registry.create({
      subject: 'user:bob',
      roles: ['viewer'],
      description: '',
      ttlSeconds: 999_999,
      createdBy: 'user:bob',
      requestId: '',
    });
    expect(info.expireTimeNs - info.createTimeNs).toBe(7200n * 1_000_000_000n);
    const wrong = `omegat_${info.id}_${'A'.repeat(43)}`;
    await expect(registry.authenticate(bearer(wrong))).rejects.toThrow(
      `token ${info.id}: wrong secret`,
    );
    clock.nowMs += 7200 * 1000;
    await expect(registry.authenticate(bearer(secret))).rejects.toThrow(
      new RegExp(`^token ${info.id}: expired at \\d{4}-`),
    );
    clock.nowMs -= 7200 * 1000;
  });

  it('refuses on every replica a token revoked on one, and logs the revocation', async () => {
    const [a, b] = [await openRegistry(), await openRegistry()];
    const { info, secret } = await a.create({
      subject: 'user:carol',
      roles: ['operator'],
      description: '',
      ttlSeconds: 600,
      createdBy: 'user:carol',
      requestId: '',
    });
    // Used on b at once, before b's watch may have delivered it: b reads the record.
    await expect(b.authenticate(bearer(secret))).resolves.toBeDefined();
    const revoked = await a.revoke(info.id, 'laptop lost', 'user:carol');
    expect(revoked.revokeTimeNs).toBeGreaterThan(0n);
    await expect(a.authenticate(bearer(secret))).rejects.toThrow(/revoked at/);
    for (let i = 0; i < 100 && b.get(info.id)?.revokeTimeNs === 0n; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await expect(b.authenticate(bearer(secret))).rejects.toThrow(
      new RegExp(`^token ${info.id}: revoked at`),
    );
    const logged = await auditEntries(AuditEntryKind.AUDIT_ENTRY_KIND_TOKEN_REVOKED);
    expect(logged.map((entry) => entry.summary)).toContain(
      `token ${info.id} for user:carol revoked by user:carol: laptop lost`,
    );
    expect(a.list({ includeRevoked: false, includeExpired: false }).map((t) => t.id)).not.toContain(
      info.id,
    );
  });

  it('refuses a token whose stored claims were altered (roles raised) or do not decode', async () => {
    const registry = await openRegistry();
    const { info, secret } = await registry.create({
      subject: 'user:mallory',
      roles: ['viewer'],
      description: '',
      ttlSeconds: 600,
      createdBy: 'user:mallory',
      requestId: '',
    });
    const stored = GatewayTokenRecord.decode((await kv.get(info.id))!.value);
    const raised = Buffer.from(
      Buffer.from(stored.document).toString('utf8').replace('["viewer"]', '["admin"]'),
    );
    expect(raised.toString()).toContain('["admin"]');
    await kv.put(info.id, GatewayTokenRecord.encode({ ...stored, document: raised }).finish());
    // A replica that reads the altered record asks trust, whose signature does not cover it.
    const fresh = await openRegistry();
    await expect(fresh.authenticate(bearer(secret))).rejects.toThrow(
      new RegExp(`^token ${info.id}: its claims are not signed by trust`),
    );

    await kv.put(info.id, Buffer.from('not a record'));
    const another = await openRegistry();
    expect(unreadable).toContain(info.id);
    await expect(another.authenticate(bearer(secret))).rejects.toThrow(
      `token ${info.id}: unknown to this gateway (never issued, or removed)`,
    );
  });

  it('refuses to keep more unexpired tokens than its limit', async () => {
    const registry = await openRegistry();
    const live = registry.list({ includeRevoked: true, includeExpired: false }).length;
    for (let i = live; i < SETTINGS.maxTokens; i++) {
      await registry.create({
        subject: 'user:filler',
        roles: ['viewer'],
        description: '',
        ttlSeconds: 60,
        createdBy: 'user:filler',
        requestId: '',
      });
    }
    await expect(
      registry.create({
        subject: 'user:filler',
        roles: ['viewer'],
        description: '',
        ttlSeconds: 60,
        createdBy: 'user:filler',
        requestId: '',
      }),
    ).rejects.toThrow(
      /5 unexpired tokens, the most this gateway keeps \(gateway\.tokens\.maxTokens\)/,
    );
  });

  it('refuses a malformed bearer header before any lookup, naming the expected form', () => {
    expect(parseBearer('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(() => parseBearer('Bearer abc')).toThrow(
      /not an Omega token \(expected 'Bearer omegat_/,
    );
    expect(() => parseBearer(`Bearer omegat_${'0'.repeat(16)}_${'A'.repeat(400)}`)).toThrow(
      /too long \(\d+ characters, at most 256\)/,
    );
  });
});
