// Trust as it ships (dist/main.js as a child process) starting on a real nats-server's AUDIT
// stream: a weakened stream is refused with every weakened field named; junk on the stream is
// stepped over, logged and counted in /metrics, and trust still starts and appends after it.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { connectBus, provision, subjects, type Bus } from '@omega/bus';
import { AppendAuditRequest, AuditEntry, AuditEntryKind } from '@omega/proto';
import { startTrust, withNats } from '@omega/testkit';
import { silentLogger } from '../testing/audit-spec-helpers';
import { INDEX_HEADER, STREAM } from './audit-stream';

const nats = withNats({ jetstream: true });
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'start-up-spec', logger: silentLogger });
  nats.beforeStop(() => bus.drain());
});

beforeEach(async () => {
  for (const stream of [STREAM, 'KV_omega_audit_tiles']) {
    await bus.jsm.streams.delete(stream).catch(() => undefined);
  }
});

const entry = (n: number) =>
  AuditEntry.fromPartial({
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
    timeNs: BigInt(n),
    subject: `alert-${n}`,
  });

describe('trust starting on the AUDIT stream', () => {
  it('refuses a stream whose limits were lowered, naming each field found and required', async () => {
    await provision(bus, { streams: ['AUDIT'] });
    await bus.jsm.streams.update(STREAM, { max_bytes: 64 * 1024 * 1024, max_age: 86_400e9 });
    const start = startTrust({ natsUrl: nats.url });
    await expect(start).rejects.toThrow(/trust exited \(1\) before ready/);
    await expect(start).rejects.toThrow(
      'stream AUDIT: its configuration was weakened: max_bytes is 67108864, required -1 (unlimited); ' +
        'max_age is 86400000000000, required 0 (unlimited)',
    );
  }, 60_000);

  it('steps over a junk checkpoint and a leaf with a wrong index, logs and counts them', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'omega-start-up-'));
    try {
      const first = await startTrust({ natsUrl: nats.url, keyDir });
      for (let n = 0; n < 3; n++) {
        await first.client.appendAudit(
          AppendAuditRequest.fromPartial({ entry: entry(n), requestId: `e-${n}` }),
        );
      }
      await first.stop();
      const h = natsHeaders();
      h.set(INDEX_HEADER, '41');
      const leaf = await bus.js.publish(
        subjects.auditLeaves,
        AuditEntry.encode(entry(41)).finish(),
        { headers: h },
      );
      const junk = await bus.js.publish(subjects.auditCheckpoints, Uint8Array.of(1, 2, 3));

      const second = await startTrust({ natsUrl: nats.url, keyDir });
      try {
        const { audit } = await second.client.appendAudit(
          AppendAuditRequest.fromPartial({ entry: entry(3), requestId: 'e-3' }),
        );
        expect(audit?.logIndex).toBe(3n);
        const metrics = await (await fetch(`http://127.0.0.1:${second.httpPort}/metrics`)).text();
        expect(metrics).toMatch(
          /^omega_trust_audit_skipped_messages_total\{reason="checkpoint_undecodable"[^}]*\} 1$/m,
        );
        expect(metrics).toMatch(
          /^omega_trust_audit_skipped_messages_total\{reason="leaf_wrong_index"[^}]*\} 1$/m,
        );
        const output = second.output.join('');
        expect(output).toContain(
          `audit log: skipped the message at stream AUDIT seq ${junk.seq} on omega.audit.checkpoints (checkpoint_undecodable)`,
        );
        expect(output).toContain(
          `audit log: skipped the message at stream AUDIT seq ${leaf.seq} on omega.audit.leaves (leaf_wrong_index): it claims index 41, the log's next index is 3`,
        );
      } finally {
        await second.stop();
      }
    } finally {
      await rm(keyDir, { recursive: true, force: true });
    }
  }, 120_000);
});
