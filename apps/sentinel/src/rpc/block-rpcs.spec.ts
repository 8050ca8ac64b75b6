// BlockSource and UnblockSource against a real nats-server and the real trust service (apps/trust
// as built): each change is in trust's audit log, naming who asked, before it is in omega_policy;
// when trust cannot log it, nothing is written. The sentinel runs in off mode (no kernel list).
import { connectBus, provision, type Bus, type KV } from '@omega/bus';
import { AuditEntryKind, SourceBlock } from '@omega/proto';
import { createLogger, OmegaError } from '@omega/runtime';
import { startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { trustAuditClient, trustServiceClient } from '@omega/trust-client';
import { blockSource, unblockSource, type BlockRpcDeps } from './block-rpcs';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'sentinel', level: 'silent' });
let bus: Bus;
let policy: KV;
let trust: TrustProcess;
const NOW_NS = 1_800_000_000_000_000_000n; // 2027-01-15T08:00:00Z
const SELF = { id: 'omega://omega.test/sentinel/node-a', keyId: 'sentinel-key-1' };
const OPERATOR = { subject: 'omega://omega.test/operator/alice', address: '10.0.0.9:41000' };

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'block-rpcs-spec', logger });
  await provision(bus, { kv: ['omega_policy'] });
  policy = await bus.kv('omega_policy');
  trust = await startTrust({ natsUrl: nats.url });
}, 40_000);

nats.beforeStop(async () => {
  await trust?.stop();
  await bus.drain();
});

function deps(audit: BlockRpcDeps['audit']): BlockRpcDeps {
  return {
    node: 'node-a',
    policy,
    listKernelBlocks: () => undefined,
    now: () => NOW_NS,
    ...(audit ? { audit } : {}),
    self: () => SELF,
  };
}

const toTrust: BlockRpcDeps['audit'] = (entry, requestId) =>
  trustAuditClient(trust.client).append(entry, { requestId });

async function policyEntries() {
  const { records } = await trust.client.listAuditEntries({
    startIndex: 0n,
    pageSize: 100,
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_POLICY_CHANGED,
    subject: '',
  });
  return records.map((r) => r.entry!);
}

it('BlockSource and UnblockSource are each in the audit log, with who asked and what changed', async () => {
  const blocked = await blockSource(
    deps(toTrust),
    {
      cidr: '203.0.113.7',
      reason: 'scanner',
      ttlSeconds: 600,
      alertId: '',
      workflowId: '',
      requestId: 'b1',
    },
    OPERATOR,
  );
  expect(blocked.created).toBe(true);
  const lifted = await unblockSource(
    deps(toTrust),
    { cidr: '203.0.113.7/32', reason: 'false positive', requestId: 'u1' },
    { address: '127.0.0.1:50999' },
  );
  expect(lifted.wasBlocked).toBe(true);
  expect(await policy.get('block.node-a.203.0.113.7/32')).toMatchObject({ operation: 'DEL' });

  const entries = await policyEntries();
  expect(entries.map((e) => [e.subject, e.actor, e.summary])).toEqual([
    [
      'block.node-a.203.0.113.7/32',
      { id: 'omega://omega.test/operator/alice', keyId: '' },
      'blocked 203.0.113.7/32 on node node-a until 2027-01-15T08:10:00.000Z, ttl 600 s (omega_policy block.node-a.203.0.113.7/32): scanner (requested by omega://omega.test/operator/alice from 10.0.0.9:41000)',
    ],
    [
      'block.node-a.203.0.113.7/32',
      SELF,
      'unblocked 203.0.113.7/32 on node node-a (omega_policy block.node-a.203.0.113.7/32): false positive (requested from 127.0.0.1:50999, no verified identity)',
    ],
  ]);
  expect(SourceBlock.decode(entries[0]!.payload)).toMatchObject({
    cidr: '203.0.113.7/32',
    createdBy: 'omega://omega.test/operator/alice',
    expireTimeNs: NOW_NS + 600_000_000_000n,
  });
}, 30_000);

it('a block trust cannot log is refused and never written', async () => {
  const unreachable = trustServiceClient('127.0.0.1:1');
  try {
    const down: BlockRpcDeps['audit'] = (entry, requestId) =>
      trustAuditClient(unreachable, 2_000).append(entry, { requestId });
    const refused = blockSource(
      deps(down),
      {
        cidr: '198.51.100.9',
        reason: '',
        ttlSeconds: 0,
        alertId: '',
        workflowId: '',
        requestId: '',
      },
      OPERATOR,
    );
    await expect(refused).rejects.toBeInstanceOf(OmegaError);
    await expect(refused).rejects.toThrow('omega.v1.TrustService/AppendAudit at 127.0.0.1:1');
    expect(await policy.get('block.node-a.198.51.100.9/32')).toBeNull();
  } finally {
    unreachable.close();
  }
}, 30_000);
