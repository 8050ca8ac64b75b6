// The revocation watch on a real nats-server: it reads the revocations already stored before it
// says it is initialized, follows trust's record updates, lifts what a deleted record said, and
// skips (and reports) a record it cannot read without stopping.
import { connectBus, provision, type Bus } from '@omega/bus';
import { Identity, IdentityStatus } from '@omega/proto';
import { createLogger } from '@omega/runtime';
import { eventually, withNats } from '@omega/testkit';
import { encodeIdentityRecord, identityRecordKey, type IdentityRecord } from '@omega/trust-client';
import type { KV } from '@nats-io/kv';
import { watchRevocations, type RevocationWatch } from './revocation-watch';

const nats = withNats();
const logger = createLogger({ service: 'spec', level: 'silent' });
let bus: Bus;
let kv: KV;
const watches: RevocationWatch[] = [];

beforeAll(async () => {
  bus = await connectBus({ servers: [nats.url], name: 'revocation-watch-spec', logger });
  await provision(bus, { kv: ['omega_identities'] });
  kv = await bus.kv('omega_identities');
  nats.beforeStop(async () => {
    for (const watch of watches) watch.stop();
    await bus.drain();
  });
});

function record(
  subject: string,
  revokedSerials: string[],
  status = IdentityStatus.IDENTITY_STATUS_ACTIVE,
): IdentityRecord {
  return {
    identity: Identity.fromPartial({ id: subject, status }),
    currentSerial: 'aa',
    revokedSerials,
  };
}

async function watch(unreadable: string[] = []): Promise<RevocationWatch> {
  const started = await watchRevocations({
    kv,
    logger,
    onUnreadable: (key) => unreadable.push(key),
  });
  watches.push(started);
  await started.initialized;
  return started;
}

it('knows the revocations stored before it started once it says it is initialized', async () => {
  const subject = 'omega://local/sentinel/stored-before';
  // Top bit set in the record serial: the certificate carries it cleared (a positive INTEGER).
  await kv.put(identityRecordKey(subject), encodeIdentityRecord(record(subject, ['f1a2b3'])));
  const { revoked } = await watch();
  expect(revoked.refusal(subject, '71A2B3')).toBe(
    `certificate serial 71a2b3 of ${subject} is revoked`,
  );
  expect(revoked.refusal(subject, '0123')).toBeUndefined();
});

it('follows updates: a revoked identity refuses every serial, and a deleted record lifts it', async () => {
  const { revoked } = await watch();
  const subject = 'omega://local/service/updated';
  const key = identityRecordKey(subject);
  await kv.put(
    key,
    encodeIdentityRecord(record(subject, [], IdentityStatus.IDENTITY_STATUS_REVOKED)),
  );
  expect(await eventually('revocation seen', () => revoked.refusal(subject, 'abcd'))).toBe(
    `identity ${subject} is revoked`,
  );
  await kv.delete(key);
  await eventually('deletion seen', () =>
    revoked.refusal(subject, 'abcd') === undefined ? true : undefined,
  );
});

it('skips and reports a record it cannot read, and keeps following the others', async () => {
  const unreadable: string[] = [];
  const { revoked } = await watch(unreadable);
  const garbage = identityRecordKey('omega://local/service/garbage');
  await kv.put(garbage, 'not a record');
  const subject = 'omega://local/service/after-garbage';
  await kv.put(identityRecordKey(subject), encodeIdentityRecord(record(subject, ['0b'])));
  expect(await eventually('later record seen', () => revoked.refusal(subject, 'B'))).toContain(
    'is revoked',
  );
  expect(unreadable).toEqual([garbage]);
});
