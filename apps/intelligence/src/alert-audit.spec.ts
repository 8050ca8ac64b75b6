// Alerts into trust's audit log, against the real trust service (apps/trust as built, a child
// process) on a real nats-server: each alert becomes one ALERT entry whose payload is the alert;
// while trust is down alerts are still published and the appends wait, then catch up.
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { MAX_ENTRY_BYTES } from '@omega/auditlog';
import { connectBus, provision, publish, subjects, type Bus } from '@omega/bus';
import {
  Alert,
  AuditEntry,
  AuditEntryKind,
  Severity,
  TrustServiceClient,
  type ListAuditEntriesRequest,
  type ListAuditEntriesResponse,
} from '@omega/proto';
import { createHash } from 'node:crypto';
import { generateHybridSecretKey, HybridSigner, loadMlDsaBackend } from '@omega/crypto';
import { createLogger } from '@omega/runtime';
import { startTrust, type TrustProcess, withNats } from '@omega/testkit';
import pino from 'pino';
import { Registry } from 'prom-client';
import { AlertAudit, auditEntryOf, FULL_ALERT_SHA256_LABEL } from './alert-audit';
import { intelligenceMetrics } from './intelligence-metrics';
import { trustAuditClient, trustServiceClient } from '@omega/trust-client';

const nats = withNats({ jetstream: true });
const logger = createLogger({ service: 'intelligence', level: 'silent' });
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({ servers: nats.url, name: 'audit-spec', logger });
  await provision(bus, { streams: ['ALERTS', 'DLQ'] });
});
const cleanups: (() => Promise<void>)[] = [];
nats.beforeStop(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await bus.drain();
});

function alert(n: number): Alert {
  return Alert.fromPartial({
    id: `0190a000-0000-8000-8000-${String(n).padStart(12, '0')}`,
    timeNs: 1_700_000_000_000_000_000n + BigInt(n),
    severity: Severity.SEVERITY_HIGH,
    title: `Reverse shell in shop/cart-${n}`,
    ruleId: 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
  });
}

async function alertEntries(client: TrustServiceClient): Promise<ListAuditEntriesResponse> {
  const list = promisify(
    (req: ListAuditEntriesRequest, cb: (e: Error | null, r: ListAuditEntriesResponse) => void) =>
      client.listAuditEntries(req, cb),
  );
  return list({
    startIndex: 0n,
    pageSize: 1000,
    kind: AuditEntryKind.AUDIT_ENTRY_KIND_ALERT,
    subject: '',
  });
}

async function until(
  probe: () => Promise<boolean> | boolean,
  what: string,
  state: () => Promise<string> | string = () => '',
): Promise<void> {
  for (const deadline = Date.now() + 20_000; !(await probe());) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${await state()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ACTOR = 'omega://local/service/intelligence';

it('appends each alert once to the trust audit log, naming the service, waiting out a trust outage', async () => {
  const mlDsa = await loadMlDsaBackend('liboqs');
  const signer = new HybridSigner(await generateHybridSecretKey(mlDsa), mlDsa);
  const registry = new Registry();
  const metrics = intelligenceMetrics(registry);
  // Trust is not up yet: the address is reserved for it.
  const trustPort = await new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  // The client the service makes (intelligence-service.ts), with its reconnect backoff.
  const client = trustServiceClient(`127.0.0.1:${trustPort}`);
  // What the auditor warns about, for the failure message.
  const warnings: string[] = [];
  const audit = new AlertAudit({
    bus,
    audit: trustAuditClient(client, 1000),
    counter: metrics.auditAppends,
    logger: pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) }),
    retryDelayMs: () => 200,
    actor: () => ({ subject: ACTOR, signer }),
  });
  await audit.start();
  cleanups.push(async () => {
    await audit.stop();
    client.close();
  });

  for (let n = 1; n <= 3; n++) {
    await publish(bus, subjects.alerts('high'), Alert, alert(n), { msgId: alert(n).id });
  }
  const retried = () => registry.getSingleMetric('omega_intelligence_audit_appends_total')!.get();
  await until(
    async () => (await retried()).values.some((v) => v.labels.outcome === 'retried'),
    'an append to fail while trust is down',
  );
  expect(audit.refOf(alert(1).id)).toBeUndefined();

  const trust: TrustProcess = await startTrust({ natsUrl: nats.url, grpcPort: trustPort });
  cleanups.push(() => trust.stop());
  for (let n = 4; n <= 6; n++) {
    await publish(bus, subjects.alerts('high'), Alert, alert(n), { msgId: alert(n).id });
  }
  await until(
    () => [1, 2, 3, 4, 5, 6].every((n) => audit.refOf(alert(n).id) !== undefined),
    'every alert appended',
    async () => {
      const missing = [1, 2, 3, 4, 5, 6].filter((n) => audit.refOf(alert(n).id) === undefined);
      const outcomes = (await retried()).values.map((v) => `${v.labels.outcome}=${v.value}`);
      return `; not appended: alerts ${missing.join(', ')}; appends ${outcomes.join(' ')}; warnings:\n${warnings.slice(-10).join('')}trust said:\n${trust.output.slice(-20).join('\n')}`;
    },
  );

  const { records } = await alertEntries(trust.client);
  const logged = records.map((r) => r.entry!.subject).sort();
  expect(logged).toEqual([1, 2, 3, 4, 5, 6].map((n) => alert(n).id).sort());
  for (const record of records) {
    const payload = Alert.decode(record.entry!.payload);
    expect(payload.id).toBe(record.entry!.subject);
    expect(record.entry!.payloadType).toBe('omega.v1.Alert');
    expect(record.entry!.actor).toEqual({ id: ACTOR, keyId: signer.keyId });
    // Unsigned by design: a hybrid signature would not fit trust's entry limit with the alert.
    expect(record.entry!.signature).toBeUndefined();
    // The ref the RPCs show is the log's own position for that entry.
    expect(audit.refOf(payload.id)!.logIndex).toBe(record.ref!.logIndex);
    expect(Buffer.from(audit.refOf(payload.id)!.leafHash)).toEqual(
      Buffer.from(record.ref!.leafHash),
    );
  }
  expect(audit.annotate(alert(2)).audit?.logIndex).toBe(audit.refOf(alert(2).id)!.logIndex);
  const appended = (await retried()).values.find((v) => v.labels.outcome === 'appended');
  expect(appended?.value).toBe(6);
}, 60_000);

it('logs an alert too large for an entry as a shortened copy carrying the full alert SHA-256', () => {
  const big = Alert.fromPartial({
    ...alert(99),
    explanation: 'x'.repeat(6000),
    reasons: [{ feature: 'cmd_line', observedValue: 'y'.repeat(2000) }],
  });
  const entry = auditEntryOf(big, () => ({
    subject: ACTOR,
    signer: { keyId: 'k1' } as HybridSigner,
  }));
  expect(AuditEntry.encode(entry).finish().byteLength).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
  const logged = Alert.decode(entry.payload);
  expect(logged.id).toBe(big.id);
  expect(logged.reasons).toEqual([]);
  expect(logged.labels[FULL_ALERT_SHA256_LABEL]).toBe(
    createHash('sha256').update(Alert.encode(big).finish()).digest('hex'),
  );
  // A small alert is logged exactly as published.
  const small = auditEntryOf(alert(1));
  expect(Buffer.from(small.payload)).toEqual(Buffer.from(Alert.encode(alert(1)).finish()));
});
