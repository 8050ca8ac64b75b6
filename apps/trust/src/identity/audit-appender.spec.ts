import { createHash } from 'node:crypto';
import { AuditEntry, AuditEntryKind } from '@omega/proto';
import { withNats } from '@omega/testkit';
import type { Bus } from '@omega/bus';
import { newLogKey, openBus, openLog } from '../testing/audit-spec-helpers';
import type { AuditLog } from '../audit/audit-log';
import { auditLogClient } from '../audit/audit-log-client';
import { auditAppender } from './audit-appender';

const nats = withNats();
let bus: Bus;
let log: AuditLog;

beforeAll(async () => {
  bus = await openBus(nats.url, 'identity-audit-spec');
  log = await openLog(bus, await newLogKey());
  nats.beforeStop(async () => {
    await log.close();
    await bus.drain();
  });
});

describe('auditAppender on the audit log', () => {
  it('logs an identity fact as an AuditEntry and answers where it landed, once per dedupe id', async () => {
    const appender = auditAppender(auditLogClient(log), () => 1_700_000_000_000);
    const body = new Uint8Array([1, 2, 3]);
    const entry = {
      kind: 'IDENTITY_ISSUED',
      subject: 'omega://local/sentinel/node-1',
      body,
      dedupeId: 'identity_issued:abc',
    };
    const ref = await appender.append(entry);
    const again = await appender.append(entry);
    expect(again.logIndex).toBe(ref.logIndex);
    const bundle = await log.append(
      AuditEntry.fromPartial({ kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT }),
      {},
    );
    expect(BigInt(bundle.index)).toBe(ref.logIndex + 1n);
    expect(ref.checkpointSize).toBeGreaterThan(ref.logIndex);
    expect(ref.leafHash).toHaveLength(32);
    const logged = AuditEntry.fromPartial({
      kind: AuditEntryKind.AUDIT_ENTRY_KIND_IDENTITY_ISSUED,
      timeNs: 1_700_000_000_000n * 1_000_000n,
      subject: entry.subject,
      summary: 'identity issued: omega://local/sentinel/node-1',
      payloadType: 'omega.v1.Identity',
      payload: Buffer.from(body),
    });
    const expectedLeaf = createHash('sha256')
      .update(Buffer.from([0]))
      .update(AuditEntry.encode(logged).finish())
      .digest();
    expect(Buffer.from(ref.leafHash).equals(expectedLeaf)).toBe(true);
  });

  it('refuses a kind the contract does not have', async () => {
    await expect(
      auditAppender(auditLogClient(log)).append({
        kind: 'IDENTITY_TELEPORTED',
        subject: 's',
        body: new Uint8Array(),
        dedupeId: 'x',
      }),
    ).rejects.toThrow(/not an omega.v1.AuditEntryKind/);
  });
});
