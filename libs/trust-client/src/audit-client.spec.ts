// The audit client against the real trust service: where an entry landed, once per request id,
// and failures as OmegaErrors naming the call.
import { AuditEntry, AuditEntryKind } from '@omega/proto';
import { Code, OmegaError } from '@omega/runtime';
import { startTrust, withNats, type TrustProcess } from '@omega/testkit';
import { trustAuditClient } from './audit-client';

const nats = withNats();
let trust: TrustProcess;

beforeAll(async () => {
  trust = await startTrust({ natsUrl: nats.url });
  nats.beforeStop(() => trust.stop());
}, 60_000);

function entry(subject: string, payloadBytes = 16): AuditEntry {
  return AuditEntry.fromPartial({
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
    timeNs: 1_700_000_000_000_000_000n,
    subject,
    payloadType: 'test',
    payload: Buffer.alloc(payloadBytes, 1),
  });
}

describe('trustAuditClient', () => {
  it('answers where an entry landed, and the same place for a retry with its request id', async () => {
    const audit = trustAuditClient(trust.client);
    const first = await audit.append(entry('a'), { requestId: 'spec:a' });
    const retried = await audit.append(entry('a, retried'), { requestId: 'spec:a' });
    const next = await audit.append(entry('b'), { requestId: 'spec:b' });
    expect(retried).toEqual(first);
    expect(next.logIndex).toBe(first.logIndex + 1n);
    expect(next.checkpointSize).toBeGreaterThan(next.logIndex);
    expect(next.leafHash).toHaveLength(32);
  });

  it("rejects with trust's status code, naming the method and trust's address", async () => {
    const err = await trustAuditClient(trust.client)
      .append(entry('too big', 5000))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OmegaError);
    expect((err as OmegaError).code).toBe(Code.InvalidArgument);
    expect((err as OmegaError).message).toMatch(
      new RegExp(
        `^omega\\.v1\\.TrustService/AppendAudit at ${trust.address}: INVALID_ARGUMENT: .*above the limit`,
      ),
    );
  });

  it('gives up on an append when its signal aborts', async () => {
    const controller = new AbortController();
    const appended = trustAuditClient(trust.client).append(entry('abandoned'), {
      signal: controller.signal,
    });
    controller.abort();
    await expect(appended).rejects.toMatchObject({ code: Code.Canceled });
  });
});
