// block_ip and unblock_ip as a playbook runs them (wrapped by `audited`), against a real
// nats-server and the real trust service: each block key written or removed is in trust's audit
// log, naming the orchestrator as actor, the workflow, the key, the CIDR and the expiry.
import { connectBus, provision, type Bus } from '@omega/bus';
import { ActionResult, AuditEntryKind } from '@omega/proto';
import { startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { trustAuditClient } from '@omega/trust-client';
import pino from 'pino';
import { context } from '../testing/activity-context';
import { audited, trustAuditor } from './action-audit';
import { blockIp, unblockIp } from './block-ip';

const nats = withNats({ jetstream: true });
const ACTOR = 'omega://omega.test/service/orchestrator';
let bus: Bus;
let trust: TrustProcess;

beforeAll(async () => {
  bus = await connectBus({
    servers: nats.url,
    name: 'block-audit-spec',
    logger: pino({ level: 'silent' }),
  });
  await provision(bus, { kv: ['omega_policy'] });
  trust = await startTrust({ natsUrl: nats.url });
  nats.beforeStop(async () => {
    await trust.stop();
    await bus.drain();
  });
}, 40_000);

it('a block key a playbook writes, and its removal, each leave an audit entry naming the workflow, key and expiry', async () => {
  const auditor = trustAuditor(trustAuditClient(trust.client), ACTOR);
  const policy = () => bus.kv('omega_policy');
  const block = audited('block_ip', blockIp(policy, ACTOR), auditor);
  const unblock = audited('unblock_ip', unblockIp(policy), auditor);
  const params = { cidr: '203.0.113.7', expire_after_ms: '60000' };

  const blocked = await block(
    context(params, { workflowId: 'contain-scan--a1', idempotencyKey: 'contain-scan--a1/block' }),
  );
  const stored = await (await policy()).get('block.all.203.0.113.7/32');
  expect(blocked['revision']).toBe(String(stored!.revision));
  const unblocked = await unblock(
    context(
      { cidr: '203.0.113.7' },
      { workflowId: 'contain-scan--a1', idempotencyKey: 'contain-scan--a1/unblock' },
    ),
  );
  expect(unblocked['removed']).toBe('true');

  const { records } = await trust.client.listAuditEntries({
    startIndex: 0n,
    pageSize: 100,
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ACTION,
    subject: 'contain-scan--a1',
  });
  const entries = records.map((r) => r.entry!);
  expect(entries.map((e) => [e.actor?.id, e.subject])).toEqual([
    [ACTOR, 'contain-scan--a1'],
    [ACTOR, 'contain-scan--a1'],
  ]);
  expect(String(records[0]!.ref!.logIndex)).toBe(blocked['audit_log_index']);
  expect(entries[0]!.summary).toBe(
    `block_ip cidr=203.0.113.7 expire_after_ms=60000 -> key=block.all.203.0.113.7/32 cidr=203.0.113.7/32 scope=all revision=${blocked['revision']} expire_time_ns=${blocked['expire_time_ns']}: ok [contain-scan--a1/block/1]`,
  );
  expect(entries[1]!.summary).toBe(
    'unblock_ip cidr=203.0.113.7 -> key=block.all.203.0.113.7/32 cidr=203.0.113.7/32 scope=all removed=true: ok [contain-scan--a1/unblock/1]',
  );
  expect(ActionResult.decode(entries[0]!.payload).outputs).toMatchObject({
    key: 'block.all.203.0.113.7/32',
    expire_time_ns: blocked['expire_time_ns'],
  });
}, 30_000);
