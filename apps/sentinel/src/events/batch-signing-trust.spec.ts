// Batches signed with the identity trust issued: the real trust service (apps/trust as built, a
// child process, the way `omega up` runs it: apps never import apps) on a real nats-server; the
// sentinel enrolls with a join token and its batches verify as intelligence verifies them
// (verifyEventBatch against trust's omega_identities), under the enrolled subject.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, subjects, type Bus } from '@omega/bus';
import { HybridVerifier, loadMlDsaBackend } from '@omega/crypto';
import { Event, type Identity } from '@omega/proto';
import { runService, type RunningService } from '@omega/service';
import { startTrust, withNats, type TrustProcess, localServiceEnv } from '@omega/testkit';
import {
  decodeIdentityRecord,
  identityRecordKey,
  keyIndexKey,
  verifyEventBatch,
} from '@omega/trust-client';
import {
  buildSentinel,
  sentinelServiceConfigSchema,
  type SentinelParts,
} from '../sentinel-service';
import { nodeName } from '../sentinel-config';

const tmp = mkdtempSync(join(tmpdir(), 'omega-sentinel-trust-'));
const joinTokens = join(tmp, 'join-tokens');
const nats = withNats();
let trust: TrustProcess;
let running: RunningService<unknown>;
let parts: SentinelParts;
let bus: Bus;

beforeAll(async () => {
  trust = await startTrust({
    natsUrl: nats.url,
    env: {
      OMEGA_IDENTITY_JOIN_TOKENS_FILE: joinTokens,
      OMEGA_IDENTITY_JOIN_TOKENS_STARTUP: 'sentinel/*',
    },
  });
  const trustPort = trust.grpcPort;
  const output = trust.output;
  running = await runService({
    name: 'sentinel',
    configSchema: sentinelServiceConfigSchema,
    resources: { streams: ['TELEMETRY', 'DLQ'], kv: ['omega_policy'] },
    env: localServiceEnv(nats.url, {
      OMEGA_SENTINEL_MODE: 'off',
      OMEGA_SENTINEL_NODE: 'node-enrolled',
      OMEGA_SENTINEL_DATA_DIR: join(tmp, 'state'),
      OMEGA_ENROLLMENT_MODE: 'join-token',
      OMEGA_ENROLLMENT_TRUST_ADDRESS: `127.0.0.1:${trustPort}`,
      OMEGA_ENROLLMENT_JOIN_TOKEN_FILE: joinTokens,
    }),
    argv: [],
    installSignalHandlers: false,
    enrollAs: (config) => ({ kind: 'sentinel', name: nodeName(config.sentinel) }),
    build: async (p) => {
      parts = await buildSentinel(p);
    },
  }).catch((err: unknown) => {
    throw new Error(`sentinel did not start: ${String(err)}\ntrust said:\n${output.join('')}`);
  });
  bus = await connectBus({
    servers: nats.url,
    name: 'sentinel-trust-spec',
    logger: running.service.logger,
  });
  nats.beforeStop(async () => {
    await bus?.drain();
    await running?.service.shutdown('test done');
    await trust?.stop();
  });
}, 90_000);

async function identityOfKey(keyId: string): Promise<Identity | undefined> {
  const kv = await bus.kv('omega_identities');
  const subject = await kv.get(keyIndexKey(keyId));
  if (!subject || subject.operation !== 'PUT') return undefined;
  const key = identityRecordKey(new TextDecoder().decode(subject.value));
  const record = await kv.get(key);
  return record && record.operation === 'PUT'
    ? decodeIdentityRecord(record.value, key).identity
    : undefined;
}

describe('batches signed with the trust identity', () => {
  it('signs with the key trust issued, under the enrolled subject, and verifies as intelligence verifies', async () => {
    expect(parts.signing.source).toBe('trust');
    expect(running.identity!.subject).toBe('omega://local/sentinel/node-enrolled');
    expect(parts.signing.senderId).toBe(running.identity!.subject);
    expect(existsSync(join(tmp, 'state', 'batch-signing.key'))).toBe(false); // no local key made
    parts.publisher.add('process', Event.fromPartial({ id: 'enrolled-1', node: 'node-enrolled' }));
    parts.publisher.flush();
    const consumer = await bus.js.consumers.get('TELEMETRY', {
      filter_subjects: [subjects.telemetry('process', 'node-enrolled')],
    });
    const message = await consumer.next({ expires: 5_000 });
    expect(message).not.toBeNull();
    const verdict = await verifyEventBatch(message!.data, Date.now(), {
      lookup: identityOfKey,
      verifier: new HybridVerifier(await loadMlDsaBackend('noble')),
      maxAgeMs: 60_000,
      maxSkewMs: 5_000,
    });
    expect(verdict).toMatchObject({ ok: true, sender: { id: running.identity!.subject } });
    expect(verdict.ok && verdict.batch.events.map((e) => e.id)).toEqual(['enrolled-1']);
  }, 30_000);
});
